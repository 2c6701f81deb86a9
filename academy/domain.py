"""What every domain shares: the base of domain errors (a translatable message, optionally tied to
a form field) and the shape of short names."""
from __future__ import annotations

import re

from flask_babel import LazyString

# Short names of academies, courses, modules, lessons and topics: lower-case ASCII and hyphens.
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class DomainError(Exception):
    """A rule said no. `message` is shown to the person; `field` names the form field at fault."""

    def __init__(self, message: LazyString | str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
