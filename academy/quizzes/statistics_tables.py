"""A quiz's statistics as plain tables (header first) for the CSV and .xlsx downloads: what the
statistics page shows, in cells a spreadsheet reads. Aggregates only: nobody is named."""
from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from academy.i18n import format_percent
from academy.quizzes.labels import QTYPE_LABELS
from academy.quizzes.statistics import BINS, ChoiceCount, QuestionStats, QuizStatistics
from academy.spreadsheets import percent_cell


def histogram_labels() -> list[str]:
    """The grade band of each bar of the histogram: 0–10 %, 10–20 % … 90–100 %, with the
    percent sign as the reader's language writes it (academy.i18n.format_percent)."""
    step = 100 // BINS
    return [f"{step * i}–{format_percent(step * (i + 1) / 100, 0)}" for i in range(BINS)]


def _plain(html: str) -> str:
    return Markup(html or "").striptags()


def _flag_words(question: QuestionStats) -> str:
    words = {"nobody_right": _("Nobody got it fully right"),
             "negative_discrimination": _("Negative discrimination")}
    return "; ".join(str(words.get(flag, flag)) for flag in question.flags)


def _choice_words(question: QuestionStats, choice: ChoiceCount) -> str:
    label = _plain(choice.label)
    if question.qtype == "truefalse":
        label = _("True") if choice.label == "true" else _("False")
    if choice.is_right:
        return _("%(answer)s (right): %(count)d", answer=label, count=choice.count)
    return _("%(answer)s: %(count)d", answer=label, count=choice.count)


def question_rows(stats: QuizStatistics) -> list[list]:
    """One row per question: what the page's questions table and chosen answers show."""
    header = [_("Question"), _("Text"), _("Type"), _("Answers"), _("Facility (%)"),
              _("Fully right"), _("Discrimination (%)"), _("To check"), _("Chosen answers")]
    return [header, *([
        q.ident, _plain(q.text), str(QTYPE_LABELS.get(q.qtype, q.qtype)), q.answered,
        percent_cell(q.facility), q.fully_right, percent_cell(q.discrimination), _flag_words(q),
        "; ".join(_choice_words(q, choice) for choice in q.choices)] for q in stats.questions)]


def histogram_rows(stats: QuizStatistics) -> list[list]:
    """One row per grade band: how many graded attempts fall in it."""
    return [[_("Grade"), _("Attempts")],
            *([label, count] for label, count in zip(histogram_labels(), stats.histogram,
                                                       strict=True))]
