"""A course package as {relative path: bytes}, read from a folder or a zip, within safe limits."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from academy import zips
from academy.i18n import lazy_gettext as _l

MAX_FILES = 2000
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_RATIO = 200  # a file that inflates more than this is a zip bomb, not a course
DAMAGED = _l("The zip file is damaged or incomplete: make it again, or download it again, and "
             "upload the new copy.")


class ArchiveError(ValueError):
    """The package cannot be opened safely; `path` names the offending entry if any."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


def _clean(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or name.startswith("/"):
        raise ArchiveError(_l("The path leaves the package folder."), name)
    return str(path)


def read_zip(data: bytes) -> dict[str, bytes]:
    """Files of a zipped package; a single top folder is taken as the package folder."""
    try:
        archive = zips.open_zip(data)
    except zips.DamagedZip:
        raise ArchiveError(DAMAGED if zips.looks_like_zip(data)
                           else _l("This is not a zip file.")) from None
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_FILES:
        raise ArchiveError(_l("The package has more than %(n)d files.", n=MAX_FILES))
    total, files = 0, {}
    for info in entries:
        name = _clean(info.filename)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ArchiveError(_l("Links are not allowed in a package."), name)
        if info.file_size > MAX_FILE_BYTES or (
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1024 * 1024
        ):
            raise ArchiveError(_l("The file is too large once unpacked."), name)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(_l("The package is too large once unpacked."))
        try:
            content = zips.read_entry(archive, info, MAX_FILE_BYTES)
        except zips.DamagedZip:
            raise ArchiveError(DAMAGED, name) from None
        if len(content) > MAX_FILE_BYTES or len(content) != info.file_size:
            raise ArchiveError(_l("The file's size does not match the archive's index."), name)
        files[name] = content
    return _strip_top_folder(files)


def read_folder(root: Path) -> dict[str, bytes]:
    """Files of a package folder (links that leave it are refused)."""
    root = root.resolve()
    if not root.is_dir():
        raise ArchiveError(_l("No such folder."), str(root))
    files, total = {}, 0
    for path in sorted(root.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        if not path.resolve().is_relative_to(root):
            raise ArchiveError(_l("The path leaves the package folder."),
                               str(path.relative_to(root)))
        total += path.stat().st_size
        if len(files) >= MAX_FILES or total > MAX_TOTAL_BYTES:
            raise ArchiveError(_l("The package is too large."))
        files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _strip_top_folder(files: dict[str, bytes]) -> dict[str, bytes]:
    tops = {name.split("/", 1)[0] for name in files}
    if len(tops) == 1 and all("/" in name for name in files) and "course.toml" not in files:
        prefix = tops.pop() + "/"
        return {name[len(prefix):]: content for name, content in files.items()}
    return files


def write_zip(files: dict[str, bytes], top: str) -> bytes:
    """A zip of the package, its files inside one folder named `top`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(f"{top}/{name}", files[name])
    return out.getvalue()
