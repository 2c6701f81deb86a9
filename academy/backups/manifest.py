"""A snapshot's manifest.json, written last: what the snapshot holds, with the SHA-256 and size of
every file, and the checks that the folder is whole (every file there, unchanged, and nothing
else)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from academy.backups import BackupError

MANIFEST = "manifest.json"
FORMAT = "campus-backup"
FORMAT_VERSION = 1
REQUIRED = ("format", "format_version", "created_at", "database", "app_version", "files")
BLOCK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One file of a snapshot: its path inside the folder (POSIX), SHA-256 and size in bytes."""

    path: str
    sha256: str
    size: int


def hash_file(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a file."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    """Copy a file, hashing what is copied; the target appears whole or not at all. Returns the
    SHA-256 and size of the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest, size = hashlib.sha256(), 0
    try:
        with _opened(source, os.O_RDONLY, "rb") as reader, \
                _opened(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, "wb") as writer:
            for block in iter(lambda: reader.read(BLOCK), b""):
                digest.update(block)
                writer.write(block)
                size += len(block)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return digest.hexdigest(), size


def _opened(path: Path, flags: int, mode: str):
    """A file opened without following a link in its place (the open fails on one)."""
    return os.fdopen(os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o666), mode)


def write_manifest(folder: Path, fields: dict, entries: list[Entry]) -> None:
    """Write manifest.json (atomically: a snapshot without one is an unfinished snapshot)."""
    document = {"format": FORMAT, "format_version": FORMAT_VERSION, **fields,
                "files": [asdict(entry) for entry in entries]}
    tmp = folder / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(folder / MANIFEST)


def read_manifest(folder: Path) -> dict:
    """The manifest of a snapshot folder. Raises BackupError if there is none or it is not one."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path}: missing; the snapshot is incomplete (it was interrupted, "
                          f"or {folder} is not a snapshot).")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"{path}: not readable as JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path}: not the manifest of a Campus snapshot.")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: format version {document.get('format_version')!r}; this "
                          f"version of Campus reads version {FORMAT_VERSION}.")
    return document


def problems(folder: Path) -> tuple[dict | None, list[str]]:
    """Check a snapshot folder: (its manifest, or None, and one line per problem found)."""
    try:
        document = read_manifest(folder)
    except BackupError as error:
        return None, [str(error)]
    missing = [f"{MANIFEST}: no {key!r}." for key in REQUIRED if key not in document]
    if missing:
        return None, missing
    entries, found = _entries(document["files"])
    found += _database_problems(document["database"], {entry.path for entry in entries})
    files, links = _contents(folder)
    found += [f"{path}: a link, where the snapshot holds only files." for path in links]
    for entry in entries:
        found += _file_problems(folder, entry)
    listed = {entry.path for entry in entries}
    found += [f"{path}: in the folder but not in the manifest." for path in files
              if path not in listed]
    return document, found


def _entries(files) -> tuple[list[Entry], list[str]]:
    entries, found = [], []
    for item in files if isinstance(files, list) else [None]:
        try:
            entry = Entry(path=str(item["path"]), sha256=str(item["sha256"]),
                          size=int(item["size"]))
        except (TypeError, KeyError, ValueError):
            found.append(f"{MANIFEST}: a file entry without path, sha256 and size: {item!r}.")
            continue
        if not is_inside(entry.path):
            found.append(f"{entry.path}: not a path inside the snapshot.")
        else:
            entries.append(entry)
    return entries, found


def _database_problems(database, listed: set[str]) -> list[str]:
    if not isinstance(database, dict) or not database.get("dialect") or not database.get("file"):
        return [f"{MANIFEST}: the database's dialect and file are not given."]
    if database["file"] not in listed:
        return [f"{database['file']}: the database file is not among the manifest's files."]
    return []


def _file_problems(folder: Path, entry: Entry) -> list[str]:
    path = folder / entry.path
    if passes_a_link(folder, entry.path):
        return [f"{entry.path}: reached through a link, where the snapshot holds only files."]
    if not path.is_file():
        return [f"{entry.path}: missing."]
    digest, size = hash_file(path)
    if size != entry.size:
        return [f"{entry.path}: {size} bytes where the manifest says {entry.size}."]
    if digest != entry.sha256:
        return [f"{entry.path}: its SHA-256 differs from the manifest's (changed or damaged)."]
    return []


def _contents(folder: Path) -> tuple[list[str], list[str]]:
    """The files of a snapshot folder but its manifest, and its links (to files or folders, which
    are not followed), as sorted POSIX paths inside it."""
    files, links = [], []
    for top, folders, names in os.walk(folder):  # os.walk does not enter linked folders
        for name in folders + names:
            path = Path(top) / name
            if path.is_symlink():
                links.append(path.relative_to(folder).as_posix())
        files += [(Path(top) / name).relative_to(folder).as_posix() for name in names
                  if not (Path(top) / name).is_symlink()]
    return sorted(set(files) - {MANIFEST}), sorted(links)


def passes_a_link(folder: Path, path: str) -> bool:
    """Whether a path inside the snapshot is, or goes through, a link."""
    parts = PurePosixPath(path).parts
    return any(folder.joinpath(*parts[:end]).is_symlink() for end in range(1, len(parts) + 1))


def is_inside(path: str) -> bool:
    """Whether a manifest path names a file inside the snapshot: relative and in its normal POSIX
    form, so no empty, `.` or `..` part (`uploads//etc/x` is refused: it would be `/etc/x` once
    its folder is taken off), and not the manifest itself."""
    return (bool(path) and path == PurePosixPath(path).as_posix() and not path.startswith("/")
            and not any(part in ("", ".", "..") for part in path.split("/"))
            and "\\" not in path and "\0" not in path and path != MANIFEST)
