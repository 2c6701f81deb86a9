"""A checked backup kept between its preview and the confirmation, under the uploads folder
(shared by every node), named by its SHA-256: the confirmation carries only that name, so a
large backup is not sent back through the browser. Kept a day at most."""
from __future__ import annotations

import time

from academy import storage

KIND = "moodle-backups"
KEPT_SECONDS = 24 * 3600


def keep(data: bytes) -> str:
    """Keep the backup until it is confirmed; its digest. Older backups left unconfirmed go."""
    _forget_old()
    return storage.store(KIND, data)


def kept(digest: str | None) -> bytes | None:
    path = storage.stored_path(KIND, digest)
    return path.read_bytes() if path is not None else None


def forget(digest: str) -> None:
    path = storage.stored_path(KIND, digest)
    if path is not None:
        path.unlink(missing_ok=True)


def _forget_old() -> None:
    limit = time.time() - KEPT_SECONDS
    for path in storage.storage_dir(KIND).iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:  # another node removed it first
            continue
