"""The base of every domain's errors: a rule said no, with a translatable message, optionally tied
to a form field. Raised only when nothing was written (operations that write return an outcome)."""
from __future__ import annotations

from flask_babel import LazyString


class DomainError(Exception):
    """A rule said no. `message` is shown to the person; `field` names the form field at fault."""

    def __init__(self, message: LazyString | str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
