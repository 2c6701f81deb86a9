"""Pictures for uploads: logos, signatures, photos."""
from __future__ import annotations

import io

from PIL import Image


def png_bytes(size=(120, 60), color=(11, 79, 108)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()
