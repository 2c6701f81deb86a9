"""The backup's files (files.xml; content under files/<2 hex>/<sha1>) as course files, and
`@@PLUGINFILE@@` links rewritten to `files/<name>`, which lessons and questions use for the
course's files."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from academy.curricula.files import check_file
from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l
from academy.moodle import xml
from academy.moodle.backup import Backup

FILES_XML = "files.xml"
_LINK = re.compile(r"@@PLUGINFILE@@(/[^\"'<>\s)?#]*)")


@dataclass(frozen=True)
class StoredFile:
    content_hash: str
    context_id: str
    component: str
    filearea: str
    itemid: str
    filepath: str
    filename: str

    @property
    def area(self) -> tuple[str, str, str, str]:
        return (self.context_id, self.component, self.filearea, self.itemid)

    @property
    def path(self) -> str:
        return f"{self.filepath}{self.filename}"


@dataclass(frozen=True)
class SkippedFile:
    where: str  # files/<2 hex>/<sha1>
    name: str
    reason: object


class CourseFiles:
    """The files the course takes, by Campus name, and those it cannot take, with why."""

    def __init__(self, backup: Backup) -> None:
        self.backup = backup
        self.records: list[StoredFile] = _records(backup)
        self.taken: dict[str, bytes] = {}  # Campus name -> bytes
        self.names: dict[StoredFile, str | None] = {}
        self.skipped: list[SkippedFile] = []

    def in_area(self, context_id: str, component: str, filearea: str,
                itemid: str = "0") -> list[StoredFile]:
        return [r for r in self.records if r.area == (context_id, component, filearea, itemid)]

    def take(self, record: StoredFile) -> str | None:
        """The Campus name of a stored file, added to the course; None if it cannot be."""
        if record in self.names:
            return self.names[record]
        name = None
        content = self._content(record)
        if content is not None:
            try:
                cleaned, _kind = check_file(record.filename, content)
            except DomainError as error:
                self.skipped.append(SkippedFile(_where(record), record.path.lstrip("/"),
                                                error.message))
            else:
                name = self._unique(cleaned, content)
        self.names[record] = name
        return name

    def rewrite(self, text: str, context_id: str, component: str, filearea: str,
                itemid: str = "0") -> str:
        """`text` with each `@@PLUGINFILE@@/path` of that file area pointing to `files/<name>`."""
        if "@@PLUGINFILE@@" not in text:
            return text

        def _replace(match: re.Match) -> str:
            record = self._find(unquote(match.group(1)), context_id, component, filearea, itemid)
            name = self.take(record) if record else None
            return f"files/{name}" if name else match.group(0)

        return _LINK.sub(_replace, text)

    def _find(self, path: str, context_id: str, component: str, filearea: str,
              itemid: str) -> StoredFile | None:
        exact = [r for r in self.in_area(context_id, component, filearea, itemid) if r.path == path]
        if exact:
            return exact[0]
        return next((r for r in self.records if r.context_id == context_id and r.path == path),
                    None)

    def _content(self, record: StoredFile) -> bytes | None:
        where = _where(record)
        content = self.backup.files.get(where)
        if content is None:
            self.backup.problem(where, _l("The file “%(name)s” listed in files.xml is missing "
                                          "from the backup.", name=record.path.lstrip("/")))
        elif hashlib.sha1(content).hexdigest() != record.content_hash:
            self.backup.problem(where, _l("The file's content does not match its hash: the "
                                          "backup is damaged."))
            return None
        return content

    def _unique(self, name: str, content: bytes) -> str:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
        candidate, number = name, 1
        while candidate in self.taken and self.taken[candidate] != content:
            number += 1
            candidate = f"{stem}-{number}{suffix}"
        self.taken[candidate] = content
        return candidate


def _where(record: StoredFile) -> str:
    return f"files/{record.content_hash[:2]}/{record.content_hash}"


def _records(backup: Backup) -> list[StoredFile]:
    root = backup.xml(FILES_XML, required=False)
    if root is None:
        return []
    records = []
    for element in root.iterfind("file"):
        filename = xml.text(element, "filename")
        content_hash = xml.text(element, "contenthash").lower()
        if filename in ("", ".") or not re.fullmatch(r"[0-9a-f]{40}", content_hash):
            continue  # a folder's own entry
        records.append(StoredFile(content_hash, xml.text(element, "contextid"),
                                  xml.text(element, "component"), xml.text(element, "filearea"),
                                  xml.text(element, "itemid") or "0",
                                  xml.text(element, "filepath") or "/", filename))
    return records

