"""What an import shows before it writes anything: the rows read from the file, each with its
problems, and the problems of the file itself. The people, enrolment and question imports build
one (`ImportPreview`, extended by the question import), the template macro
`_import_preview.html` shows it, and `forms.ConfirmImportForm` carries the checked file back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class FileProblem(NamedTuple):
    """A problem of the file itself, on `line` when it is about one line (None: the whole file).
    As text, its message."""

    line: int | None
    message: str  # translated, often lazily

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class ImportPreview:
    """A file checked and nothing written: its rows (each has a `line` and a list of `problems`)
    and the problems of the file itself. Only a valid preview may be imported."""

    rows: list = field(default_factory=list)
    file_problems: list[FileProblem] = field(default_factory=list)

    def refuse_file(self, message: str, line: int | None = None) -> None:
        """Note a problem of the file itself (the file cannot be imported)."""
        self.file_problems.append(FileProblem(line, message))

    @property
    def bad_rows(self) -> list:
        return [row for row in self.rows if row.problems]

    @property
    def is_valid(self) -> bool:
        return not self.file_problems and bool(self.rows) and not self.bad_rows
