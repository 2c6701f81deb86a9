"""Make and restore snapshots: the database first, then the upload folder, then the manifest.

The uploads are copied after the database copy is taken: files are written once under their
SHA-256 and never rewritten (academy/storage.py), so every file the copied database names is
already there. A file that is only being written (a dot-file, renamed into place when whole) is
left out.
"""
from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from academy.backups import BackupError, databases
from academy.backups.manifest import (
    Entry,
    copy_file,
    hash_file,
    passes_a_link,
    problems,
    write_manifest,
)

UPLOADS = "uploads"


@dataclass(frozen=True)
class Outcome:
    """What a snapshot holds (or what a restore put back)."""

    dialect: str
    revision: str | None
    files: int  # uploaded files
    upload_bytes: int
    database_bytes: int


def create(engine: Engine, upload_dir: Path, folder: Path, app_version: str) -> Outcome:
    """Write a snapshot into `folder` (new or empty); on failure leave nothing behind.
    Raises BackupError."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder}: not an empty folder; each snapshot goes into a new one.")
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)  # personal data and password hashes
    try:
        return _write(engine, upload_dir, folder, app_version)
    except BaseException:
        _empty(folder, remove=created)
        raise


def _write(engine: Engine, upload_dir: Path, folder: Path, app_version: str) -> Outcome:
    started_at = _now()
    copy = databases.snapshot(engine, folder)
    database = Entry(copy.file, *hash_file(folder / copy.file))
    uploads = _copy_uploads(upload_dir, folder / UPLOADS)
    write_manifest(folder, {
        "created_at": started_at, "finished_at": _now(), "app_version": app_version,
        "database": {"dialect": copy.dialect, "file": copy.file, "alembic_revision": copy.revision,
                     "server_version": copy.server_version, "tool": copy.tool},
        "uploads": UPLOADS}, [database, *uploads])
    return Outcome(copy.dialect, copy.revision, len(uploads), sum(e.size for e in uploads),
                   database.size)


def _copy_uploads(source: Path, target: Path) -> list[Entry]:
    entries = []
    for path in uploaded_files(source):
        name = path.relative_to(source).as_posix()
        try:
            digest, size = copy_file(path, target / name)
        except FileNotFoundError:
            continue  # removed since it was listed (an old job download cleaned up)
        entries.append(Entry(f"{UPLOADS}/{name}", digest, size))
    return entries


def uploaded_files(folder: Path) -> list[Path]:
    """The files of an upload folder, in order, without the ones still being written."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def verify(folder: Path) -> tuple[dict | None, list[str]]:
    """The snapshot's manifest and one line per problem (none: the snapshot is whole)."""
    if not folder.is_dir():
        return None, [f"{folder}: no such folder."]
    return problems(folder)


def restore(engine: Engine, upload_dir: Path, folder: Path,
            is_known_revision: Callable[[str], bool]) -> Outcome:
    """Put a verified snapshot back into an empty database and an empty upload folder; change
    nothing if the snapshot is damaged or either is not empty. Raises BackupError."""
    manifest = _restorable(engine, upload_dir, folder, is_known_revision)
    database = manifest["database"]
    uploads = [entry for entry in manifest["files"] if entry["path"].startswith(f"{UPLOADS}/")]
    plan = _copies(folder, upload_dir, [entry["path"] for entry in uploads])
    copied: list[Path] = []
    try:
        for source, target in plan:
            copy_file(source, target)
            copied.append(target)
        databases.restore(engine, folder / database["file"])
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    size = next(e["size"] for e in manifest["files"] if e["path"] == database["file"])
    return Outcome(database["dialect"], database.get("alembic_revision"), len(uploads),
                   sum(entry["size"] for entry in uploads), size)


def _copies(folder: Path, upload_dir: Path, paths: list[str]) -> list[tuple[Path, Path]]:
    """Where each uploaded file of the snapshot is read from and written to; raises BackupError,
    before anything is copied, if one is read through a link or would land outside the upload
    folder (a link there included)."""
    plan, into = [], upload_dir.resolve()
    for path in paths:
        target = upload_dir / path[len(UPLOADS) + 1:]
        if passes_a_link(folder, path):
            raise BackupError(f"{path}: reached through a link; nothing was restored.")
        if not target.resolve().is_relative_to(into) or target.resolve() == into:
            raise BackupError(f"{path}: it would be written outside {upload_dir}; nothing was "
                              f"restored.")
        plan.append((folder / path, target))
    return plan


def _restorable(engine: Engine, upload_dir: Path, folder: Path,
                is_known_revision: Callable[[str], bool]) -> dict:
    manifest, found = verify(folder)
    if found:
        raise BackupError("The snapshot did not pass its check; nothing was restored:\n"
                          + "\n".join(f"  {line}" for line in found))
    if manifest.get("uploads", UPLOADS) != UPLOADS:
        raise BackupError(f"The snapshot keeps its uploaded files in {manifest['uploads']!r}; "
                          f"this Campus reads them from {UPLOADS!r}. Nothing was restored.")
    database = manifest["database"]
    if database["dialect"] != engine.dialect.name:
        raise BackupError(f"The snapshot holds a {database['dialect']} database; the configured "
                          f"database is {engine.dialect.name}. Nothing was restored.")
    revision = database.get("alembic_revision")
    if revision and not is_known_revision(revision):
        raise BackupError(f"The snapshot's schema (revision {revision}) was made by a newer "
                          f"Campus than this one: restore it with that version or a later one.")
    tables = databases.table_names(engine)
    if tables:
        raise BackupError(f"The database already has {len(tables)} tables: a snapshot is restored "
                          f"only into an empty database (create one, or move the old SQLite file "
                          f"aside). Nothing was restored.")
    if uploaded_files(upload_dir):
        raise BackupError(f"{upload_dir}: the upload folder has files: a snapshot is restored only "
                          f"into an empty one (move them aside). Nothing was restored.")
    return manifest


def _empty(folder: Path, *, remove: bool) -> None:
    if remove:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
