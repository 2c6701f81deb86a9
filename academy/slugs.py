"""The shape of short names: academies, courses, modules, lessons and topics."""
from __future__ import annotations

import re

# Lower-case ASCII letters, digits and inner hyphens, 1 to 64 characters.
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
