"""Academy logos: checked by decoding them, re-encoded to PNG, stored under UPLOAD_DIR."""
from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from academy.domain import DomainError
from academy.i18n import format_size

ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_PIXELS = 4096 * 4096
STORED_SIZE = (600, 300)


def logo_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "logos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalise_logo(data: bytes) -> bytes:
    """A clean PNG of the uploaded image. Raises DomainError if it is not an acceptable image."""
    limit = current_app.config["LOGO_MAX_BYTES"]
    if len(data) > limit:
        raise DomainError(
            _l("The logo is too large: at most %(size)s.", size=format_size(limit)), "logo"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise DomainError(_l("The logo must be a PNG, JPEG, GIF or WebP image."), "logo")
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_l("The logo's dimensions are too large."), "logo")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise DomainError(_l("The logo must be a PNG, JPEG, GIF or WebP image."), "logo") from None
    # Re-encoding drops anything riding along in the file (metadata, trailing payloads).
    image = image.convert("RGBA")
    image.thumbnail(STORED_SIZE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def store_logo(png: bytes) -> str:
    """Write a normalised logo; return its file name (content-addressed, so caches stay right)."""
    name = hashlib.sha256(png).hexdigest()[:32] + ".png"
    path = logo_dir() / name
    if not path.exists():
        path.write_bytes(png)
    return name


def logo_path(filename: str) -> Path | None:
    """The stored file of a logo name, or None if there is none by that name."""
    if not filename or "/" in filename or "\\" in filename or filename.startswith("."):
        return None
    path = logo_dir() / filename
    return path if path.is_file() else None
