"""Files kept under UPLOAD_DIR/<kind>/, named by their SHA-256 (written once, atomically)."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import current_app


def storage_dir(kind: str) -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(kind: str, data: bytes, suffix: str = "") -> str:
    """Keep the bytes under their SHA-256; return it."""
    digest = hashlib.sha256(data).hexdigest()
    path = storage_dir(kind) / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return digest


def stored_path(kind: str, digest: str | None, suffix: str = "") -> Path | None:
    """The stored file of a digest, or None if there is none (or it is not a digest)."""
    if not re.fullmatch(r"[0-9a-f]{64}", digest or ""):
        return None
    path = storage_dir(kind) / f"{digest}{suffix}"
    return path if path.is_file() else None
