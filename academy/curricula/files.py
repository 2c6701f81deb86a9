"""Files of a course (images and documents): type sniffed from the bytes, size-limited, stored
by content hash, and served only to people allowed to see the course.

Only these kinds are accepted; HTML, SVG and anything else that a browser could run are refused.
Images are shown inline; every other file is always sent as a download.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import url_for

from academy import storage, zips
from academy.domain_errors import DomainError
from academy.i18n import format_size, sort_key
from academy.i18n import lazy_gettext as _l

KIND = "course-files"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CHECKED_BYTES = 200 * 1024 * 1024  # what checking an office document may unpack
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
EXTENSIONS = {
    "image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"}, "image/gif": {".gif"},
    "image/webp": {".webp"}, "application/pdf": {".pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "application/vnd.oasis.opendocument.presentation": {".odp"},
    "application/msword": {".doc"}, "application/vnd.ms-excel": {".xls"},
    "application/vnd.ms-powerpoint": {".ppt"},
}
_OOXML = {"word/": ".docx", "xl/": ".xlsx", "ppt/": ".pptx"}
ZIPPED = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}  # office documents that are zips


def sniff(data: bytes, name: str) -> str | None:
    """The content type the bytes really are (and the name agrees with), or None."""
    suffix = Path(name).suffix.lower()
    found = None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "image/png"
    elif data.startswith(b"\xff\xd8\xff"):
        found = "image/jpeg"
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        found = "image/gif"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = "image/webp"
    elif data.startswith(b"%PDF-"):
        found = "application/pdf"
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # legacy Office (OLE2)
        found = {".doc": "application/msword", ".xls": "application/vnd.ms-excel",
                 ".ppt": "application/vnd.ms-powerpoint"}.get(suffix)
    elif data.startswith(b"PK\x03\x04"):
        found = _zipped_office(data)
    if found is None or suffix not in EXTENSIONS.get(found, set()):
        return None
    return found


def _zipped_office(data: bytes) -> str | None:
    try:
        archive = zips.open_zip(data)
        names = archive.namelist()
        if "mimetype" in names:
            kind = zips.read_entry(archive, archive.getinfo("mimetype"), 200)
            kind = kind.decode("ascii", "replace").strip()
            return kind if kind in EXTENSIONS else None
    except zips.DamagedZip:
        return None
    if "[Content_Types].xml" in names:
        for prefix, suffix in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return next(k for k, v in EXTENSIONS.items() if v == {suffix})
    return None


def clean_name(name: str) -> str:
    """A safe file name: lower-case ASCII, no folders, no spaces."""
    stem, suffix = Path(name.replace("\\", "/").split("/")[-1]).stem, Path(name).suffix.lower()
    stem = re.sub(r"[^a-z0-9._-]+", "-", sort_key(stem)).strip("-.")[:80] or "file"
    return f"{stem}{suffix}"


def check_file(name: str, data: bytes) -> tuple[str, str]:
    """(clean name, content type) of an acceptable course file. Raises DomainError."""
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_l("The file is too large: at most %(size)s.",
                             size=format_size(MAX_FILE_BYTES)), "upload")
    if not data:
        raise DomainError(_l("The file is empty."), "upload")
    cleaned = clean_name(name)
    if zips.looks_like_zip(data) and Path(cleaned).suffix in ZIPPED:
        _check_intact(data)
    kind = sniff(data, cleaned)
    if kind is None:
        raise DomainError(_l("Only images (PNG, JPEG, GIF, WebP), PDF and office documents can be "
                             "added, and the file's name must match its content."), "upload")
    return cleaned, kind


def _check_intact(data: bytes) -> None:
    """An office document (a zip) that its program could not open is refused, not kept."""
    try:
        zips.check_intact(data, MAX_CHECKED_BYTES)
    except zips.DamagedZip:
        raise DomainError(_l("The file is damaged and cannot be opened: save it again and "
                             "upload the new copy."), "upload") from None


def store(data: bytes) -> str:
    """Keep the bytes under their SHA-256; return it."""
    return storage.store(KIND, data)


def stored_path(digest: str) -> Path | None:
    return storage.stored_path(KIND, digest)


def files_base(course) -> str:
    """The URL where `files/<name>` in the course's lessons and questions points to."""
    return url_for("catalog.course_file", course_id=course.id, name="")
