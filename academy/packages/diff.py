"""What changed between two versions of a course, file by file of their packages: each lesson,
quiz and question file in each language, as readable lines added and removed."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CONTEXT = 2  # unchanged lines shown around a change
MAX_LINES = 400  # of one file's changes; the rest is counted, not shown
# course.toml lines that name a copy rather than say what the course teaches
OWN_LINES = re.compile(r"^(slug|owner|version|visibility) = .*$\n?", re.M)


@dataclass
class FileChange:
    """One file of the package that differs: what it is (`what`: course, module, page, quiz,
    questions, bank), which module and item, in which language, and the lines."""

    path: str
    kind: str
    what: str
    module: str = ""
    item: str = ""
    locale: str | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" ", "+", "-" or "…", text)
    hidden: int = 0  # changed lines not shown

    @property
    def added(self) -> int:
        return sum(1 for mark, _ in self.lines if mark == "+")

    @property
    def removed(self) -> int:
        return sum(1 for mark, _ in self.lines if mark == "-")


def _describe(path: str) -> dict:
    """What a package path holds (unnumbered paths: module/lesson.locale.md…)."""
    if path == "course.toml":
        return {"what": "course"}
    folder, _, name = path.rpartition("/")
    if not folder:
        stem, _, locale = name.rsplit(".", 1)[0].rpartition(".")
        return {"what": "bank", "locale": locale}
    if name == "module.toml":
        return {"what": "module", "module": folder}
    if name.endswith(".toml"):
        return {"what": "quiz", "module": folder, "item": name[:-5]}
    stem, locale = name.rsplit(".", 2)[0], name.rsplit(".", 2)[1]
    return {"what": "page" if name.endswith(".md") else "questions", "module": folder,
            "item": stem, "locale": locale}


def _lines(old: str, new: str) -> tuple[list[tuple[str, str]], int]:
    shown: list[tuple[str, str]] = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="",
                                     n=CONTEXT):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            shown.append(("…", ""))
        else:
            shown.append((line[0], line[1:]))
    hidden = max(0, len(shown) - MAX_LINES)
    return shown[:MAX_LINES], hidden


def changes(old: dict[str, str], new: dict[str, str]) -> list[FileChange]:
    """The files that differ between two package texts, in the order of their paths."""
    found = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if path == "course.toml":
            before, after = without_own_lines(before), without_own_lines(after)
        if before == after:
            continue
        kind = ADDED if before is None else REMOVED if after is None else CHANGED
        lines, hidden = _lines(before or "", after or "")
        found.append(FileChange(path, kind, lines=lines, hidden=hidden, **_describe(path)))
    return found


def without_own_lines(text: str | None) -> str | None:
    """course.toml without the lines that differ between copies of one course."""
    return None if text is None else OWN_LINES.sub("", text)
