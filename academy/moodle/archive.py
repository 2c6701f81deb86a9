"""A Moodle backup (`.mbz`: a gzip tar, or a zip) as {path: bytes}, unpacked within safe limits.

Refused, with a message: more entries or bytes than a course backup needs, an entry that inflates
far more than content does (a bomb), paths that leave the archive (absolute, `..`), and anything
in a tar that is not a plain file or folder (links, devices, pipes).
"""
from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from pathlib import PurePosixPath

from academy import zips
from academy.i18n import lazy_gettext as _l
from academy.packages.archive import ArchiveError

MAX_ENTRIES = 20000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # unpacked / packed: more is a bomb, not a course
RATIO_FLOOR = 10 * 1024 * 1024  # small archives may compress well (XML does): no ratio below this
NOT_A_BACKUP = _l("This is not a Moodle backup: a .mbz file is a gzip tar or a zip archive.")
DAMAGED = _l("The backup file is damaged or incomplete: make the backup again, or download it "
             "again, and upload the new copy.")
TOO_LARGE = _l("The backup is too large once unpacked: it is refused for safety.")
BOMB = _l("The file unpacks to far more than its packed size (a zip bomb): the backup is refused.")
LEAVES = _l("The path leaves the backup's folder: the backup is refused.")
NOT_PLAIN = _l("Links and special files are not allowed in a backup: it is refused.")


def read_backup(data: bytes) -> dict[str, bytes]:
    """The files of a backup by path. Raises ArchiveError naming the offending entry, if one."""
    if data.startswith(b"\x1f\x8b"):
        return _read_tar(data)
    if zips.looks_like_zip(data):
        return _read_zip(data)
    raise ArchiveError(NOT_A_BACKUP)


def _clean(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts or (
            path.parts and ":" in path.parts[0]):
        raise ArchiveError(LEAVES, name)
    cleaned = str(path)
    return "" if cleaned == "." else cleaned


class _Budget:
    """Counts entries and bytes as they are unpacked; refuses past the limits."""

    def __init__(self, packed: int) -> None:
        self.packed, self.entries, self.total = max(packed, 1), 0, 0

    def entry(self) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise ArchiveError(_l("The backup has more than %(n)d files: it is refused for safety.",
                                   n=MAX_ENTRIES))

    def add(self, name: str, size: int) -> None:
        if size > MAX_FILE_BYTES:
            raise ArchiveError(TOO_LARGE, name)
        self.total += size
        if self.total > MAX_TOTAL_BYTES:
            raise ArchiveError(TOO_LARGE)
        if self.total > RATIO_FLOOR and self.total / self.packed > MAX_RATIO:
            raise ArchiveError(BOMB, name)


def _read_tar(data: bytes) -> dict[str, bytes]:
    budget, files = _Budget(len(data)), {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive:  # streamed: the index is never read whole first
                budget.entry()
                name = _clean(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise ArchiveError(NOT_PLAIN, member.name)
                budget.add(name, member.size)
                handle = archive.extractfile(member)
                content = handle.read(member.size + 1) if handle else b""
                if len(content) != member.size:
                    raise ArchiveError(DAMAGED, name)
                if name:
                    files[name] = content
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError):
        raise ArchiveError(DAMAGED) from None
    return files


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zips.open_zip(data)
    except zips.DamagedZip:
        raise ArchiveError(DAMAGED) from None
    budget, files = _Budget(len(data)), {}
    for info in archive.infolist():
        budget.entry()
        name = _clean(info.filename)
        if info.is_dir():
            continue
        if (info.external_attr >> 16) & 0o170000 not in (0, 0o100000):
            raise ArchiveError(NOT_PLAIN, name)
        budget.add(name, info.file_size)
        if info.compress_size and info.file_size > RATIO_FLOOR and \
                info.file_size / info.compress_size > MAX_RATIO:
            raise ArchiveError(BOMB, name)
        try:
            content = zips.read_entry(archive, info, info.file_size)
        except zips.DamagedZip:
            raise ArchiveError(DAMAGED, name) from None
        if len(content) != info.file_size:
            raise ArchiveError(DAMAGED, name)
        files[name] = content
    return files
