"""Academy logos: pictures resized to fit 600 x 300 and stored under UPLOAD_DIR/logos."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from academy import images

KIND = "logos"


def normalise_logo(data: bytes) -> bytes:
    """A clean PNG of the uploaded logo. Raises DomainError on the "logo" field."""
    return images.normalise_image(data, max_bytes=current_app.config["LOGO_MAX_BYTES"],
                                  box=(600, 300), field="logo")


def store_logo(png: bytes) -> str:
    return images.store_image(KIND, png)


def logo_path(filename: str) -> Path | None:
    return images.image_path(KIND, filename)
