"""Zip files that come from outside (course packages, office documents), which may be damaged:
a bad CRC, a size in the index that lies, a file cut short. Every way the standard library fails
on one is caught here, so a damaged upload is refused with a message, never answered with a 500.
"""
from __future__ import annotations

import io
import zipfile
import zlib

# What zipfile raises on damaged bytes besides BadZipFile: a garbled or cut-off deflate stream
# (zlib.error, EOFError), a compression method or encryption flag turned on by the damage
# (NotImplementedError, RuntimeError), offsets that point outside the file (ValueError, OSError).
FAILURES = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OSError)


class DamagedZip(Exception):
    """The archive cannot be read back as it was written; `name` is the damaged entry, if one."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name or "damaged zip")
        self.name = name


def looks_like_zip(data: bytes) -> bool:
    """Whether the bytes start as a zip does (a cut-off zip still does)."""
    return data.startswith(b"PK\x03\x04")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive in `data`. Raises DamagedZip when its index cannot be read."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except FAILURES:
        raise DamagedZip() from None


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, at most `limit` + 1 of them; read to its end, it is checked against
    its CRC. Raises DamagedZip."""
    try:
        with archive.open(info) as handle:
            return handle.read(limit + 1)
    except FAILURES:
        raise DamagedZip(info.filename) from None


def check_intact(data: bytes, max_unpacked: int) -> None:
    """Read every entry of the zip in `data` to its end, as a program opening it would; entries
    past `max_unpacked` bytes unpacked in all are taken as they are. Raises DamagedZip."""
    archive = open_zip(data)
    budget = max_unpacked
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.file_size > budget:
            return
        if len(read_entry(archive, info, info.file_size)) != info.file_size:
            raise DamagedZip(info.filename)
        budget -= info.file_size
