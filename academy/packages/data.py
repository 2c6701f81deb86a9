"""What a course package holds once read: plain data, checked, ready to import."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import LazyString

from academy.quizzes.gift import GiftQuestion


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: LazyString | str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SlotData:
    """A place in a quiz: a question id of the course, or a random draw from a category."""
    question: str | None
    category: str | None
    mark: float
    page: int


@dataclass
class QuizData:
    settings: dict
    questions: dict[str, list[GiftQuestion]]  # locale -> questions, same ids in each
    # The quiz's slots as written (None: the questions of its GIFT file in order, then any
    # draw_count questions drawn from draw_category, paged by questions_per_page).
    slots: list[SlotData] | None = None
    source: str = ""  # the package path of its files without the ending: "01-intro/02-quiz"


@dataclass
class LessonData:
    slug: str
    kind: str
    titles: dict[str, str]
    bodies: dict[str, str] = field(default_factory=dict)
    minutes: int = 0
    quiz: QuizData | None = None


@dataclass
class ModuleData:
    slug: str
    titles: dict[str, str]
    lessons: list[LessonData]


@dataclass
class CourseData:
    slug: str
    owner: str
    version: int
    default_locale: str
    locales: list[str]
    hours: int
    tags: list[str]
    visibility: str
    titles: dict[str, str]
    summaries: dict[str, str]
    modules: list[ModuleData]
    files: dict[str, bytes] = field(default_factory=dict)  # files/<name>: images, documents
    # Questions in no quiz's file (bank.<locale>.gift): random draws and spares.
    bank: dict[str, list[GiftQuestion]] = field(default_factory=dict)


class PackageInvalid(ValueError):
    """The package has problems; nothing was imported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
