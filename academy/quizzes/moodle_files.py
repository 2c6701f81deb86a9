"""Images and documents inside Moodle XML questions, both ways.

Moodle embeds a question's files in the element whose text uses them
(`<questiontext><text>…<img src="@@PLUGINFILE@@/map.png">…</text><file name="map.png" path="/"
encoding="base64">…</file></questiontext>`). Campus keeps them as course files, which question
text names as `files/<name>` (as lessons do). Reading: each embedded file is checked like an
uploaded course file and given a clean name unique in the import, and its `@@PLUGINFILE@@` links
are rewritten; a file Campus does not keep (an SVG, a sound, too large) is left out with a note.
Writing: every `files/<name>` link to a file the course has becomes `@@PLUGINFILE@@/<name>` with
the file embedded next to it, so Moodle shows the same pictures.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from academy.curricula import files as course_files
from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l

PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGIN_LINK = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>)?#]+)")
_COURSE_LINK = re.compile(r"(?<![\w/.:-])files/([a-z0-9][a-z0-9._-]{0,99})")
# base64 of the largest course file, and a little more for line breaks.
_MAX_ENCODED = course_files.MAX_FILE_BYTES * 4 // 3 + 64 * 1024


@dataclass
class Embedded:
    """The files of one Moodle XML document, by the clean name questions now link to."""

    files: dict[str, bytes] = field(default_factory=dict)
    _digest_names: dict[bytes, str] = field(default_factory=dict)

    def keep(self, name: str, data: bytes) -> str:
        """The clean name the file is kept under (the same bytes keep one name). Raises
        DomainError for a file Campus does not keep."""
        cleaned, _kind = course_files.check_file(name, data)
        if data in self._digest_names:
            return self._digest_names[data]
        cleaned = _unique(cleaned, self.files)
        self.files[cleaned] = data
        self._digest_names[data] = cleaned
        return cleaned


def _unique(name: str, taken) -> str:
    if name not in taken:
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, f".{suffix}") if dot else (name, "")
    number = 2
    while f"{stem}-{number}{suffix}" in taken:
        number += 1
    return f"{stem}-{number}{suffix}"


def read_embedded(element, embedded: Embedded) -> tuple[dict[str, str], list]:
    """The question's `<file>`s kept in `embedded`: ({Moodle name: clean name}, notes on the files
    left out)."""
    names, notes = {}, []
    for holder in element.iter("file"):
        name = (holder.get("name") or "").strip()
        if not name:
            continue
        raw = holder.text or ""
        if len(raw) > _MAX_ENCODED:
            notes.append(_l("The embedded file “%(name)s” is too large for Campus: it is left "
                            "out.", name=name))
            continue
        try:
            data = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            notes.append(_l("The embedded file “%(name)s” cannot be read: it is left out.",
                            name=name))
            continue
        try:
            names[name] = embedded.keep(name, data)
        except DomainError as refusal:
            notes.append(_l("The embedded file “%(name)s” is left out: %(reason)s",
                            name=name, reason=refusal.message))
    return names, notes


def relink(question, swap) -> None:
    """Every text of a read question passed through `swap` (its words, feedback and answers)."""
    question.text = swap(question.text)
    question.general_feedback = swap(question.general_feedback)
    question.feedback_true = swap(question.feedback_true)
    question.feedback_false = swap(question.feedback_false)
    question.grader_info = swap(question.grader_info)
    for answer in [*question.answers, *(a for gap in question.gaps for a in gap.answers)]:
        answer.text, answer.feedback = swap(answer.text), swap(answer.feedback)


def rename_links(text: str, renamed: dict[str, str]) -> str:
    """`files/<old>` links made `files/<new>` (files renamed to stay clear of the course's own)."""
    if not text:
        return text
    return _COURSE_LINK.sub(lambda found: f"files/{renamed.get(found.group(1), found.group(1))}",
                            text)


def placed(incoming: dict[str, bytes], held: dict[str, str]) -> tuple[dict[str, bytes],
                                                                       dict[str, str]]:
    """(files to add under their final names, {name in the import: final name}) for files coming
    into a course that holds `held` ({name: sha256}): the same bytes under the same name are the
    course's own file; another file of that name gets a new name."""
    added, renamed = {}, {}
    for name, data in incoming.items():
        digest = hashlib.sha256(data).hexdigest()
        if held.get(name) == digest:
            continue
        final = name if name not in held else _unique(name, {**held, **added, **incoming})
        added[final] = data
        if final != name:
            renamed[name] = final
    return added, renamed


def to_course_links(text: str, names: dict[str, str]) -> str:
    """`@@PLUGINFILE@@/<name>` links to a kept file pointed at `files/<clean name>`."""
    def swap(found: re.Match) -> str:
        kept = names.get(unquote(found.group(1)))
        return f"files/{kept}" if kept else found.group(0)
    return _PLUGIN_LINK.sub(swap, text or "") if text else text


def to_plugin_links(text: str, available: dict[str, bytes]) -> tuple[str, list[str]]:
    """(text with `files/<name>` links to available files as `@@PLUGINFILE@@/<name>`, the names)."""
    used: list[str] = []

    def swap(found: re.Match) -> str:
        name = found.group(1)
        if name not in available:
            return found.group(0)
        if name not in used:
            used.append(name)
        return PLUGINFILE + quote(name)
    return (_COURSE_LINK.sub(swap, text) if text else text), used


def linked_names(texts) -> set[str]:
    """The course file names that these texts link to as `files/<name>`."""
    return {name for text in texts for name in _COURSE_LINK.findall(text or "")}


def embed_files(etree, root, available: dict[str, bytes]) -> None:
    """In a written Moodle XML document: every text's links to course files made Moodle's, with
    the files embedded in the element that holds the text."""
    if not available:
        return
    for text_element in list(root.iter("text")):
        holder = text_element.getparent()
        if holder is None or holder.tag in ("name", "category", "info"):
            continue
        text, used = to_plugin_links(text_element.text or "", available)
        if not used:
            continue
        text_element.text = etree.CDATA(text) if "]]>" not in text else text
        for name in used:
            file_element = etree.SubElement(holder, "file", name=name, path="/",
                                            encoding="base64")
            file_element.text = base64.b64encode(available[name]).decode("ascii")
