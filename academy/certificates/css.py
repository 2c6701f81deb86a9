"""Academies' extra certificate CSS: parsed with tinycss2 (WeasyPrint's own parser) and refused
when it could reach outside the page (url(), @import, @font-face, image functions)."""
from __future__ import annotations

import tinycss2

from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l

MAX_LENGTH = 10_000
_FORBIDDEN_AT_RULES = {"import", "font-face", "namespace", "charset"}
_FORBIDDEN_FUNCTIONS = {"url", "image", "image-set", "-webkit-image-set", "cross-fade", "element",
                        "src", "attr"}


def _offending(nodes) -> str | None:
    for node in nodes:
        if node.type == "url":
            return "url()"
        if node.type == "at-rule" and node.lower_at_keyword in _FORBIDDEN_AT_RULES:
            return f"@{node.lower_at_keyword}"
        if node.type == "function" and node.lower_name in _FORBIDDEN_FUNCTIONS:
            return f"{node.lower_name}()"
        if node.type == "at-keyword" and node.lower_value in _FORBIDDEN_AT_RULES:
            return f"@{node.lower_value}"  # an at-rule nested in a block (@media, @layer)
        if node.type == "error":
            return str(_l("a syntax error"))
        for children in (getattr(node, "prelude", None), getattr(node, "content", None),
                         getattr(node, "arguments", None)):
            if children and (found := _offending(children)):
                return found
    return None


def clean_extra_css(text: str | None, field: str = "extra_css") -> str:
    """The CSS as given when it is safe to lay out; raises DomainError naming what is refused."""
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_LENGTH:
        raise DomainError(_l("The CSS is too long: at most %(n)d characters.", n=MAX_LENGTH), field)
    if "<" in text:
        raise DomainError(_l("The CSS cannot contain the character <."), field)
    found = _offending(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    if found:
        raise DomainError(_l("This CSS is not accepted: %(what)s. Certificates may only use the "
                             "platform's own fonts and the academy's logo and signatures.",
                             what=found), field)
    return text
