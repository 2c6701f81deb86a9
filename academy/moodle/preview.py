"""What a backup becomes, shown before anything is written: what maps, what is skipped and why,
the notes on what changes on the way, and the problems that stop the import."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from academy.packages.data import CourseData, Problem


@dataclass(frozen=True)
class Item:
    path: str  # the file inside the backup (`activities/quiz_12/quiz.xml`)
    title: str
    what: object  # what it is, or why it is skipped (a translated message)


@dataclass
class Preview:
    course: CourseData | None = None
    mapped: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    notes: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    question_types: Counter = field(default_factory=Counter)  # Campus type -> questions
    release: str = ""

    @property
    def is_valid(self) -> bool:
        return self.course is not None and not self.problems

    def lines(self) -> list[str]:
        """The preview as plain lines (the command line's report)."""
        out = [f"  {item.path}: {item.title} -> {item.what}" for item in self.mapped]
        if self.question_types:
            out.append("  questions: " + ", ".join(
                f"{n} {qtype}" for qtype, n in sorted(self.question_types.items())))
        out += [f"  skipped {item.path}: {item.title}: {item.what}" for item in self.skipped]
        out += [f"  note {item.path}: {item.title}: {item.what}" for item in self.notes]
        return out
