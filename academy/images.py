"""Uploaded pictures (academy logos, course covers): checked by decoding them with Pillow,
re-encoded to PNG (dropping metadata and anything riding along), stored by content hash."""
from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from flask import current_app

from academy.domain_errors import DomainError
from academy.i18n import format_size
from academy.i18n import lazy_gettext as _l

ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_PIXELS = 4096 * 4096


def normalise_image(data: bytes, *, max_bytes: int, box: tuple[int, int], field: str) -> bytes:
    """A clean PNG no larger than `box`. Raises DomainError (on `field`) if unacceptable."""
    if len(data) > max_bytes:
        raise DomainError(_l("The image is too large: at most %(size)s.",
                             size=format_size(max_bytes)), field)
    not_an_image = DomainError(_l("The image must be a PNG, JPEG, GIF or WebP file."), field)
    from PIL import Image, UnidentifiedImageError  # loaded on the first upload, not at start

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_l("The image's dimensions are too large."), field)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise not_an_image from None
    image = image.convert("RGBA")
    image.thumbnail(box)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_dir(kind: str) -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_image(kind: str, png: bytes) -> str:
    """Write a normalised image; return its file name (content-addressed, so caches stay right)."""
    name = hashlib.sha256(png).hexdigest()[:32] + ".png"
    path = image_dir(kind) / name
    if not path.exists():
        path.write_bytes(png)
    return name


def image_path(kind: str, filename: str | None) -> Path | None:
    """The stored file of an image name, or None if there is none by that name."""
    if not filename or "/" in filename or "\\" in filename or filename.startswith("."):
        return None
    path = image_dir(kind) / filename
    return path if path.is_file() else None
