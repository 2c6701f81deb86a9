"""Reading a backup's XML files safely, and Moodle's way of writing values in them."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from academy.i18n import lazy_gettext as _l
from academy.quizzes.moodle_xml import _doctype_line, _parser

if TYPE_CHECKING:
    from lxml import etree

NULL = "$@NULL@$"  # how a backup writes a database NULL
DOCTYPE = _l("The file declares a DOCTYPE, which Moodle backups never have; it is refused for "
             "safety.")


class XmlProblem(ValueError):
    """An XML file of the backup cannot be read; `line` is where, if known."""

    def __init__(self, message, line: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.line = line


def parse(data: bytes) -> etree._Element:
    """The root element, parsed with entities, DTDs and the network off (as the Moodle XML
    reader does). Raises XmlProblem for a DOCTYPE or XML that is not well-formed."""
    from lxml import etree

    line = _doctype_line(data)
    if line is not None:
        raise XmlProblem(DOCTYPE, line)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise XmlProblem(_l("The file is not well-formed XML: %(error)s", error=error.msg),
                         error.lineno or None) from None
    if root.getroottree().docinfo.doctype:
        raise XmlProblem(DOCTYPE, 1)
    return root


def text(element, path: str, default: str = "") -> str:
    """The text at `path` under `element` ("" for a NULL or a missing element)."""
    found = element.findtext(path) if element is not None else None
    if found is None or found == NULL:
        return default
    return found.strip()


def number(element, path: str, default: float = 0.0) -> float:
    """A finite number (`default` for anything else: empty, NULL, not a number, infinite)."""
    try:
        value = float(text(element, path) or default)
    except ValueError:
        return default
    return value if math.isfinite(value) and abs(value) < 1e12 else default


def whole(element, path: str, default: int = 0) -> int:
    return int(number(element, path, default))


def flag(element, path: str) -> bool:
    return text(element, path) not in ("", "0", "false")
