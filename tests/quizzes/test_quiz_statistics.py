"""Quiz statistics: facility, discrimination, chosen answers, flags and the grade histogram,
computed by the database in a bounded number of queries."""
from __future__ import annotations

import pytest

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import queries as quiz_queries
from academy.quizzes import slots, starting
from academy.quizzes.models import FINISHED
from academy.quizzes.statistics import quiz_statistics


def _finished_attempt(trainee, course, scores: dict[str, float], responses: dict | None = None):
    """An attempt whose slots scored `scores` (by question ident), finished and graded."""
    quiz = quiz_queries.quizzes_of(course.id)[0]
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    settings = quiz_queries.effective_settings(quiz, trainee.id)
    attempt = starting.start_attempt(enrolment, quiz, course, settings, "es", utcnow())
    for slot in attempt.slots:
        slot.fraction = scores.get(slot.version.ident, 0.0)
        slot.response = (responses or {}).get(slot.version.ident)
    attempt.status, attempt.finished_at = FINISHED, utcnow()
    attempt.fraction = sum(s.fraction for s in attempt.slots) / len(attempt.slots)
    db.session.commit()
    return quiz, attempt


@pytest.fixture
def graded(course, create_user, academy):
    """Four trainees: two strong, two weak. `good` follows them, `bad` goes against them,
    `hard` nobody gets right; the other questions follow strength too."""
    quiz = quiz_queries.quizzes_of(course.id)[0]
    held = [slot.question for slot in slots.slots_of(quiz.id)]
    idents = sorted({q.ident for q in held})
    good, bad, hard, *others = idents
    single = next(q.ident for q in held if q.qtype == "single")
    for strong in (True, True, False, False):
        scores = {ident: 1.0 if strong else 0.0 for ident in others}
        scores.update({good: 1.0 if strong else 0.0, bad: 0.0 if strong else 1.0, hard: 0.0})
        _finished_attempt(create_user(academy=academy, roles=["trainee"]), course, scores,
                          {single: 0 if strong else 1})
    return quiz, good, bad, hard, single


def test_facility_discrimination_and_flags(graded, course):
    quiz, good, bad, hard, _single = graded
    stats = quiz_statistics(quiz.id, "es", course.default_locale)
    by_ident = {q.ident: q for q in stats.questions}
    assert stats.attempts == 4 and sum(stats.histogram) == 4
    assert by_ident[good].facility == pytest.approx(0.5)
    assert by_ident[good].discrimination > 0.9 and by_ident[good].flags == []
    assert by_ident[bad].discrimination < 0 and "negative_discrimination" in by_ident[bad].flags
    assert by_ident[hard].fully_right == 0 and "nobody_right" in by_ident[hard].flags
    assert by_ident[hard].discrimination is None  # no spread: nothing to correlate


def test_chosen_answers_are_counted_per_choice(graded, course):
    quiz, *_rest, single = graded
    stats = quiz_statistics(quiz.id, "es", course.default_locale)
    choices = next(q for q in stats.questions if q.ident == single).choices
    assert [c.count for c in choices][:2] == [2, 2] and sum(c.count for c in choices) == 4
    assert sum(1 for c in choices if c.is_right) == 1 and choices[0].label


def test_an_instructor_reads_the_statistics_page(graded, client, login_as, create_user, academy,
                                                 course):
    quiz = graded[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "4 graded attempts" in text and "Negative discrimination" in text
    assert "Nobody got it fully right" in text and "<svg" in text and "<title" in text


def test_the_statistics_use_a_bounded_number_of_queries(graded, client, login_as, create_user,
                                                        academy, course, count_queries):
    quiz = graded[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    url = f"/courses/{course.id}/quizzes/{quiz.id}/statistics"
    few = count_queries(lambda: client.get(url))
    for _ in range(6):
        _finished_attempt(create_user(academy=academy, roles=["trainee"]), course, {})
    assert count_queries(lambda: client.get(url)) == few


def test_a_quiz_without_attempts_says_so(course, client, login_as, create_user, academy):
    quiz = quiz_queries.quizzes_of(course.id)[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    assert page.status_code == 200 and "No graded attempt yet" in page.get_data(as_text=True)


def _csv(response) -> list[list[str]]:
    import csv
    import io

    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list[str]]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    return [["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
            for row in sheet.iter_rows(values_only=True)]


def test_the_questions_table_exports_to_csv_and_xlsx(graded, client, login_as, create_user,
                                                     academy, course):
    quiz, good, bad, hard, single = graded
    login_as(create_user(academy=academy, roles=["instructor"]))
    url = f"/courses/{course.id}/quizzes/{quiz.id}/statistics/questions"
    rows = _csv(client.get(url + ".csv?lang=en"))
    assert rows[0] == ["Question", "Text", "Type", "Answers", "Facility (%)", "Fully right",
                       "Discrimination (%)", "To check", "Chosen answers"]
    by_ident = {row[0]: row for row in rows[1:]}
    assert len(by_ident) == 7 and by_ident[good][3:6] == ["4", "50.0", "2"]
    assert by_ident[bad][7] == "Negative discrimination"
    assert by_ident[hard][7] == "Nobody got it fully right" and by_ident[hard][6] == ""
    chosen = by_ident[single][8]
    assert chosen.count("(right): 2") == 1 and chosen.count(": 2") == 2 and "<" not in chosen
    assert by_ident[single][2] == "Single choice"
    book = _xlsx(client.get(url + ".xlsx?lang=en"))
    assert book == [[f"{float(c):g}" if c.replace(".", "", 1).lstrip("-").isdigit() else c
                     for c in row] for row in rows]


def test_the_histogram_exports_with_every_band(graded, client, login_as, create_user, academy,
                                               course):
    quiz = graded[0]
    login_as(create_user(academy=academy, roles=["instructor"]))
    url = f"/courses/{course.id}/quizzes/{quiz.id}/statistics/histogram"
    rows = _csv(client.get(url + ".csv?lang=en"))
    assert rows[0] == ["Grade", "Attempts"] and len(rows) == 11
    assert rows[1][0] == "0–10%" and sum(int(row[1]) for row in rows[1:]) == 4
    assert _xlsx(client.get(url + ".xlsx?lang=en"))[1:] == rows[1:]
    assert client.get(url + ".pdf").status_code == 404
    assert client.get(url.replace("histogram", "answers") + ".csv").status_code == 404


def test_the_statistics_exports_are_for_the_courses_authors_only(graded, client, login_as,
                                                                 create_user, other_academy,
                                                                 course):
    quiz = graded[0]
    url = f"/courses/{course.id}/quizzes/{quiz.id}/statistics/questions.csv"
    login_as(create_user(academy=other_academy, roles=["instructor"]))
    assert client.get(url).status_code == 404
