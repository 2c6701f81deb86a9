"""A course's report: the funnel, where trainees stop, the time lessons take, its filters, its
exports, who may read it, and a number of queries that does not grow with the trainees."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from academy.db import utcnow
from academy.enrolment.models import ACTIVE, COMPLETED, PENDING, Enrolment, LessonProgress
from academy.extensions import db
from academy.quizzes import marking
from academy.quizzes.models import FINISHED, Attempt, QuizResult
from academy.reports import course_queries as queries
from academy.reports.period import default_period

NOW = utcnow()
START = NOW - timedelta(days=60)


def _lessons(course):
    """The sample course's lessons in order: a page, a quiz, a page."""
    return [lesson for module in course.modules for lesson in module.lessons]


def _enrol(course, person, *, status=ACTIVE, activated_at=START, completed_at=None,
           last_lesson=None, last_activity_at=None):
    enrolment = Enrolment(course_id=course.id, user_id=person.id, status=status,
                          requested_at=activated_at or START, activated_at=activated_at,
                          completed_at=completed_at,
                          last_lesson_id=last_lesson.id if last_lesson else None,
                          last_activity_at=last_activity_at)
    db.session.add(enrolment)
    return enrolment


def _done(person, lesson, at):
    db.session.add(LessonProgress(user_id=person.id, lesson_id=lesson.id, completed_at=at))


def _quiz(course, person, quiz, *, minutes, fraction, number=1):
    started = START + timedelta(hours=1)
    db.session.add(Attempt(course_id=course.id, lesson_id=quiz.id, user_id=person.id,
                           number=number, locale="es", status=FINISHED, started_at=started,
                           finished_at=started + timedelta(minutes=minutes), fraction=fraction))
    db.session.add(QuizResult(lesson_id=quiz.id, user_id=person.id, course_id=course.id,
                              fraction=fraction, is_passed=fraction >= 0.7, attempts=number))


def _completer(course, person, gaps: list[int], days: int, minutes: int, fraction: float):
    """A trainee who did the three lessons, `gaps` minutes after the one before, and
    completed the course `days` after enrolling."""
    at = START + timedelta(hours=1)
    for lesson, gap in zip(_lessons(course), [0, *gaps], strict=False):
        at += timedelta(minutes=gap)
        _done(person, lesson, at)
    enrolment = _enrol(course, person, status=COMPLETED,
                       completed_at=START + timedelta(days=days),
                       last_lesson=_lessons(course)[-1], last_activity_at=at)
    _quiz(course, person, _lessons(course)[1], minutes=minutes, fraction=fraction)
    db.session.flush()
    marking.record_final_grade(enrolment)  # as completion does


@pytest.fixture
def seeded(course, create_user, academy, other_academy):
    """Five trainees enrolled in the last twelve months, and two who do not count:
    - two completed: gaps of 20 and 25 minutes, and of 40 minutes and 5 hours (a break);
      quizzes of 12 and 20 minutes graded 80 and 100; completed in 2 and 4 days;
    - one did the first lesson 60 days ago and stopped at the quiz;
    - one of the other academy never opened a lesson (60 days ago);
    - one enrolled two days ago did the first lesson yesterday (not idle);
    - one enrolled 500 days ago (outside the period) did everything; one is pending."""
    def person(where=academy):
        return create_user(academy=where, roles=["trainee"])

    page, quiz, _last = _lessons(course)
    _completer(course, person(), [20, 25], days=2, minutes=12, fraction=0.8)
    _completer(course, person(), [40, 300], days=4, minutes=20, fraction=1.0)
    stopped = person()
    _done(stopped, page, START + timedelta(hours=3))
    _enrol(course, stopped, last_lesson=quiz, last_activity_at=START + timedelta(hours=3))
    _enrol(course, person(other_academy))
    recent = person()
    _done(recent, page, NOW - timedelta(days=1))
    _enrol(course, recent, activated_at=NOW - timedelta(days=2), last_lesson=quiz,
           last_activity_at=NOW - timedelta(days=1))
    old = person()
    for lesson in _lessons(course):
        _done(old, lesson, NOW - timedelta(days=499))
    _enrol(course, old, status=COMPLETED, activated_at=NOW - timedelta(days=500),
           completed_at=NOW - timedelta(days=499))
    _enrol(course, person(), status=PENDING, activated_at=None)
    db.session.commit()
    return course


def _scope(course, academy_id=None, period=None):
    period = period or default_period()
    return queries.Scope(course.id, period.start, period.end, academy_id)


def test_the_funnel_counts_each_step(seeded):
    funnel = queries.funnel(_scope(seeded), lesson_count=3)
    assert funnel == queries.Funnel(enrolled=5, started=4, half_done=2, all_done=2, completed=2)


def test_lessons_show_who_did_them_and_who_stopped_there(seeded):
    page, quiz, last = _lessons(seeded)
    figures = queries.lesson_figures(_scope(seeded), utcnow())
    assert [figures[lesson.id].done for lesson in (page, quiz, last)] == [4, 2, 2]
    # Idle for 30 days at the quiz; the trainee active yesterday has not stopped.
    assert [figures.get(lesson.id, queries.LessonFigures()).stopped
            for lesson in (page, quiz, last)] == [0, 1, 0]
    assert queries.overall(_scope(seeded), utcnow()).stopped_before_starting == 1


def test_typical_time_is_the_median_gap_without_breaks(seeded):
    page, quiz, last = _lessons(seeded)
    figures = queries.lesson_figures(_scope(seeded), utcnow())
    assert figures[page.id].median_minutes is None  # nothing done before the first lesson
    assert figures[quiz.id].median_minutes == pytest.approx(30)  # 20 and 40
    assert figures[last.id].median_minutes == pytest.approx(25)  # the 5-hour break left out


def test_quizzes_show_the_median_attempt_and_passes(seeded):
    quiz = _lessons(seeded)[1]
    figures = queries.lesson_figures(_scope(seeded), utcnow())[quiz.id]
    assert figures.attempt_minutes == pytest.approx(16) and figures.passed == 2


def test_overall_median_days_and_average_grade(seeded):
    overall = queries.overall(_scope(seeded), utcnow())
    assert overall.median_days_to_complete == pytest.approx(3, abs=0.01)
    assert overall.average_grade == pytest.approx(90)


def test_the_median_of_an_odd_count_is_the_middle_value(seeded, create_user, academy):
    quiz = _lessons(seeded)[1]
    third = create_user(academy=academy, roles=["trainee"])
    _enrol(seeded, third)
    _quiz(seeded, third, quiz, minutes=50, fraction=0.5)
    db.session.commit()
    assert queries.lesson_figures(_scope(seeded), utcnow())[quiz.id].attempt_minutes \
        == pytest.approx(20)


def test_filters_by_academy_and_period(seeded, other_academy):
    by_academy = queries.funnel(_scope(seeded, other_academy.id), 3)
    assert (by_academy.enrolled, by_academy.started) == (1, 0)
    recent = default_period()
    recent = type(recent)(NOW.date() - timedelta(days=10), NOW.date())
    assert queries.funnel(_scope(seeded, period=recent), 3).enrolled == 1


# --- The page ------------------------------------------------------------------------------

@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"])


def _page(client, course, **args):
    response = client.get(f"/courses/{course.id}/report", query_string={"lang": "en", **args})
    return response, response.get_data(as_text=True)


def test_an_instructor_reads_the_report(seeded, client, login_as, instructor):
    login_as(instructor)
    response, html = _page(client, seeded)
    assert response.status_code == 200
    assert "Course report" in html and "<svg" in html and "Stopped here" in html
    assert "80%" in html  # the first lesson: done by 4 of 5
    assert "90%" in html  # the average grade of those who completed


def test_the_page_filters_by_academy(seeded, client, login_as, instructor, other_academy):
    login_as(instructor)
    _response, html = _page(client, seeded, academy=other_academy.id)
    assert f'<option selected value="{other_academy.id}">' in html
    assert '<dt>Trainees enrolled</dt><dd>1</dd>' in html


def test_an_academy_without_trainees_in_the_course_is_refused_and_ignored(
        seeded, client, login_as, instructor, create_academy):
    login_as(instructor)
    elsewhere = create_academy()
    response, html = _page(client, seeded, academy=elsewhere.id)
    assert response.status_code == 200
    assert 'id="academy-error"' in html and "Not a valid choice" in html
    assert '<dt>Trainees enrolled</dt><dd>5</dd>' in html  # every academy counted


@pytest.mark.parametrize("args, field", [
    ({"since": "2026-13-45"}, "since"), ({"until": "yesterday"}, "until"),
    ({"since": "2026-05-01", "until": "2026-04-01"}, "until"), ({"academy": "x'; --"}, "academy")])
def test_wrong_filters_are_shown_at_their_field(seeded, client, login_as, instructor, args, field):
    login_as(instructor)
    response, html = _page(client, seeded, **args)
    assert response.status_code == 200 and f'id="{field}-error"' in html
    assert '<dt>Trainees enrolled</dt><dd>5</dd>' in html  # the default period instead


def test_the_period_filter_counts_enrolments_activated_in_it(seeded, client, login_as,
                                                             instructor):
    login_as(instructor)
    since = (NOW - timedelta(days=10)).date().isoformat()
    _response, html = _page(client, seeded, since=since)
    assert '<dt>Trainees enrolled</dt><dd>1</dd>' in html


# --- Exports -------------------------------------------------------------------------------

def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(
        values_only=True)]


def _comparable(rows) -> list[list]:
    """Cells as numbers where they are numbers (a spreadsheet reads 100.0 back as 100)."""
    def cell(value):
        try:
            return float(value)
        except (TypeError, ValueError):
            return str(value)
    return [[cell(value) for value in row] for row in rows]


def test_the_funnel_exports_to_csv_and_xlsx(seeded, client, login_as, instructor):
    login_as(instructor)
    url = f"/courses/{seeded.id}/report/funnel"
    rows = _csv_rows(client.get(url + ".csv?lang=en"))
    assert rows[0] == ["Step", "Trainees", "Share of enrolled (%)"]
    assert rows[1:] == [["Trainees enrolled", "5", "100.0"], ["Started the course", "4", "80.0"],
                        ["Did half the lessons", "2", "40.0"], ["Did every lesson", "2", "40.0"],
                        ["Completed the course", "2", "40.0"]]
    book = _xlsx_rows(client.get(url + ".xlsx?lang=en"))
    assert _comparable(book) == _comparable(rows)


def test_the_lessons_export_holds_the_table(seeded, client, login_as, instructor):
    login_as(instructor)
    url = f"/courses/{seeded.id}/report/lessons"
    rows = _csv_rows(client.get(url + ".csv?lang=en"))
    assert len(rows) == 4 and rows[0][:3] == ["Lesson number", "Module", "Lesson"]
    assert [row[4] for row in rows[1:]] == ["4", "2", "2"]  # done by
    assert [row[6] for row in rows[1:]] == ["0", "1", "0"]  # stopped here
    assert rows[2][3] == "Quiz" and rows[2][9] == "16.0" and rows[2][10] == "2"
    book = _xlsx_rows(client.get(url + ".xlsx?lang=en"))
    assert _comparable(book) == _comparable(rows)


def test_exports_apply_the_filters(seeded, client, login_as, instructor, other_academy):
    login_as(instructor)
    rows = _csv_rows(client.get(f"/courses/{seeded.id}/report/funnel.csv",
                                query_string={"academy": other_academy.id, "lang": "en"}))
    assert rows[1] == ["Trainees enrolled", "1", "100.0"]


@pytest.mark.parametrize("path", ["funnel.pdf", "people.csv", "funnel", "lessons.xlsx.csv"])
def test_other_exports_do_not_exist(seeded, client, login_as, instructor, path):
    login_as(instructor)
    assert client.get(f"/courses/{seeded.id}/report/{path}").status_code == 404


def test_a_missing_course_is_not_found(client, login_as, instructor):
    login_as(instructor)
    assert client.get("/courses/987654/report").status_code == 404


# --- Who may read it -----------------------------------------------------------------------

# Who may not read the report finds nothing there, as on the course's quiz pages.
@pytest.mark.parametrize("who, status", [("trainee", 404), ("other_instructor", 404),
                                         ("coordinator", 200), ("academy_admin", 200)])
def test_who_may_read_the_report(seeded, client, login_as, create_user, other_academy, trainee,
                                 academy_admin, who, status):
    people = {"trainee": lambda: trainee, "academy_admin": lambda: academy_admin,
              "other_instructor": lambda: create_user(academy=other_academy,
                                                      roles=["instructor"]),
              "coordinator": lambda: create_user(network_roles=["coordinator"])}
    login_as(people[who]())
    for url in (f"/courses/{seeded.id}/report", f"/courses/{seeded.id}/report/lessons.xlsx"):
        assert client.get(url).status_code == status


# --- Queries -------------------------------------------------------------------------------

def _trainees(course, create_user, academy, count: int):
    """`count` trainees with a bit of everything: lessons done, a quiz, some completed."""
    for n in range(count):
        person = create_user(academy=academy, roles=["trainee"])
        if n % 3 == 0:
            _completer(course, person, [15 + n, 30], days=1 + n, minutes=10 + n, fraction=0.9)
        else:
            _done(person, _lessons(course)[0], START + timedelta(hours=2, minutes=n))
            _enrol(course, person, last_lesson=_lessons(course)[1],
                   last_activity_at=START + timedelta(hours=2))
    db.session.commit()


def test_the_report_uses_the_same_number_of_queries_for_3_and_12_trainees(
        course, client, login_as, instructor, create_user, academy, other_academy,
        count_queries):
    login_as(instructor)
    _trainees(course, create_user, academy, 3)
    url = f"/courses/{course.id}/report"
    few = count_queries(lambda: client.get(url))
    _trainees(course, create_user, other_academy, 9)
    many = count_queries(lambda: client.get(url))
    assert few == many, (few, many)
    assert many <= 25, many
