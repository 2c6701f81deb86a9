"""The network's and the academies' dashboards: figures computed by the database for a period,
grouped by the trainees' academy and country, their exports, and who may read them."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from academy.certificates.models import Certificate
from academy.curricula.models import NETWORK, Course
from academy.enrolment.models import ACTIVE, COMPLETED, WITHDRAWN, Enrolment, LessonProgress
from academy.extensions import db
from academy.quizzes import marking
from academy.quizzes import queries as quiz_queries
from academy.quizzes.models import QuizResult
from academy.reports import queries
from academy.reports.period import Period

PERIOD = "since=2026-01-01&until=2026-06-30"
THE_PERIOD = Period(datetime(2026, 1, 1).date(), datetime(2026, 6, 30).date())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def enrol(user, course, activated, *, completed=None, status=None, grade=None, lesson=None,
          studied=None):
    enrolment = Enrolment(course_id=course.id, user_id=user.id,
                          status=status or (COMPLETED if completed else ACTIVE),
                          requested_at=at(activated), activated_at=at(activated),
                          completed_at=at(completed) if completed else None)
    db.session.add(enrolment)
    if grade is not None:
        quiz = quiz_queries.quizzes_of(course.id)[0]
        db.session.add(QuizResult(lesson_id=quiz.id, user_id=user.id, course_id=course.id,
                                  fraction=grade, is_passed=True, attempts=1))
    if studied:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id,
                                      completed_at=at(studied)))
    db.session.flush()
    marking.record_final_grade(enrolment)  # as completion does
    return enrolment


def certificate(user, course, issued, *, expires=None, revoked=None):
    n = db.session.query(Certificate).count() + 1
    db.session.add(Certificate(
        serial=f"PAN-2026-{n:06d}", code=f"CODE{n:028d}", user_id=user.id, course_id=course.id,
        academy_id=course.academy_id, locale="es", name=user.display_name, course_title="C",
        completed_at=at(issued), issued_at=at(issued), expires_at=at(expires) if expires else None,
        revoked_at=at(revoked) if revoked else None, revoked_reason="error" if revoked else None))


@pytest.fixture
def network(academy, other_academy, create_academy, create_user, course):
    """ES academy A writes a shared course; FR academy B's trainees follow it; ES academy C
    adopted a copy. Everything dated around the first half of 2026."""
    third = create_academy(slug="es-third", names={"es": "Tercera Academia", "en": "Third"})
    course.visibility, course.approved_version = NETWORK, course.version
    copy = Course(academy_id=third.id, slug="copy", default_locale="es", locales=["es"],
                  status="published", source_course_id=course.id, created_at=at("2026-03-05"))
    db.session.add(copy)
    db.session.flush()
    lesson = course.modules[0].lessons[0]
    trainee = lambda a: create_user(academy=a, roles=["trainee"])  # noqa: E731
    t1, t2, t6 = trainee(academy), trainee(academy), trainee(academy)
    t3, t4 = trainee(other_academy), trainee(other_academy)
    t5 = trainee(third)
    staff = create_user(network_roles=["coordinator"], locale="en")
    enrol(t1, course, "2026-02-01", completed="2026-02-11", grade=0.8, lesson=lesson,
          studied="2026-02-05")
    enrol(t2, course, "2026-03-01", lesson=lesson, studied="2026-03-02")
    enrol(t3, course, "2026-02-15", completed="2026-03-17", grade=0.6)
    enrol(t4, course, "2025-10-01", completed="2026-01-21", grade=1.0, lesson=lesson,
          studied="2026-01-21")
    enrol(t5, copy, "2026-04-01", status=WITHDRAWN)
    enrol(t6, course, "2025-05-01", lesson=lesson, studied="2025-05-02")  # before the period
    enrol(staff, course, "2026-02-01")  # network staff belong to no academy: left out
    certificate(t1, course, "2026-02-12")
    certificate(t3, course, "2026-03-20", revoked="2026-04-01")
    certificate(t4, course, "2025-01-21", expires="2026-01-21")
    db.session.commit()
    return {"a": academy, "b": other_academy, "c": third, "course": course, "copy": copy,
            "coordinator": staff}


def test_figures_per_academy_country_and_network(network):
    tables = queries.figures(THE_PERIOD, queries.Scope(), "en")
    by_slug = {academy.slug: f for academy, f in tables.academies}
    a, b, c = by_slug["cep-madrid"], by_slug["enap-agen"], by_slug["es-third"]
    assert (a.active_trainees, a.enrolments, a.completions) == (2, 2, 1)
    assert a.completion_rate == pytest.approx(0.5) and a.median_days == pytest.approx(10)
    assert a.average_grade == pytest.approx(0.8)
    assert (a.issued, a.expired, a.revoked) == (1, 0, 0)
    assert (b.active_trainees, b.enrolments, b.completions) == (2, 1, 2)
    assert b.completion_rate == pytest.approx(1.0)
    assert b.median_days == pytest.approx((30 + 112) / 2) and b.average_grade == pytest.approx(0.8)
    assert (b.issued, b.expired, b.revoked) == (1, 1, 1)
    assert (c.enrolments, c.completions, c.completion_rate, c.median_days) == (1, 0, 0, None)
    countries = dict(tables.countries)
    assert countries["ES"].enrolments == 3 and countries["ES"].median_days == pytest.approx(10)
    assert countries["FR"].completions == 2
    total = tables.total
    assert (total.enrolments, total.completions, total.active_trainees) == (4, 3, 5)
    assert total.median_days == pytest.approx(30)  # of 10, 30 and 112 days
    assert total.average_grade == pytest.approx(0.8)


def test_months_courses_and_exchange(network):
    scope = queries.Scope()
    months = {row.month: row for row in queries.monthly(THE_PERIOD, scope)}
    assert list(months) == [f"2026-0{m}" for m in range(1, 7)]  # empty months included
    assert (months["2026-01"].enrolments, months["2026-01"].completions) == (0, 1)
    assert (months["2026-02"].enrolments, months["2026-02"].completions,
            months["2026-02"].issued) == (2, 1, 1)
    assert (months["2026-04"].enrolments, months["2026-05"].enrolments) == (1, 0)
    [top] = queries.followed_courses(THE_PERIOD, scope, shared_only=True)
    assert top.course.id == network["course"].id  # the adopted copy is not shared
    assert (top.enrolments, top.completions, top.academies) == (3, 2, 2)
    pairs = {(row.origin.slug, row.learners.slug): row
             for row in queries.exchange(THE_PERIOD, scope)}
    assert set(pairs) == {("cep-madrid", "enap-agen"), ("cep-madrid", "es-third")}
    assert (pairs["cep-madrid", "enap-agen"].enrolments,
            pairs["cep-madrid", "enap-agen"].completions) == (1, 1)
    assert (pairs["cep-madrid", "es-third"].enrolments,
            pairs["cep-madrid", "es-third"].adopted) == (1, 1)


def test_network_dashboard_page(network, client, login_as):
    login_as(network["coordinator"])
    page = client.get(f"/reports?{PERIOD}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Network dashboard", "Centre for Prison Studies", "Third",
                 "Enrolments and completions per month", "Exchange of curricula",
                 "Most followed shared courses", '<svg viewBox', "<desc id=\"months-desc\">",
                 'value="2026-01-01"', 'value="2026-06-30"'):
        assert text in html
    france = client.get(f"/reports?{PERIOD}&country=FR").get_data(as_text=True)
    assert "Centre for Prison Studies</a>" not in france and "France" in france


def test_wrong_filters_are_shown_and_ignored(network, client, login_as):
    login_as(network["coordinator"])
    html = client.get("/reports?since=2026-13-01&country=ZZ").get_data(as_text=True)
    assert 'id="since-error"' in html and 'id="country-error"' in html
    assert "Centre for Prison Studies</a>" in html  # every academy, the default period
    html = client.get("/reports?since=2026-06-01&until=2026-01-01").get_data(as_text=True)
    assert "The end of the period must not be before its start." in html


def test_exports_hold_the_tables(network, client, login_as):
    login_as(network["coordinator"])
    response = client.get(f"/reports/academies.csv?{PERIOD}")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["Academy", "Country", "Active trainees", "Enrolments"]
    assert ["Centre for Prison Studies", "Spain", "2", "2", "1", "50.0", "10.0", "80.0", "1", "0",
            "0"] in rows
    assert rows[-1][0] == "All academies"
    book = load_workbook(io.BytesIO(client.get(f"/reports/exchange.xlsx?{PERIOD}").data))
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert values[0][0] == "Course from" and len(values) == 3
    for table in ("countries", "months", "courses"):
        for fmt in ("csv", "xlsx"):
            assert client.get(f"/reports/{table}.{fmt}?{PERIOD}").status_code == 200
    assert client.get("/reports/people.csv").status_code == 404
    assert client.get("/reports/academies.pdf").status_code == 404


def test_academy_dashboard_is_its_admins(network, client, login_as, create_user):
    a, b = network["a"], network["b"]
    admin = create_user(academy=a, roles=["academy_admin"], locale="en")
    login_as(admin)
    html = client.get(f"/reports/academies/{a.id}?{PERIOD}").get_data(as_text=True)
    assert "Academy dashboard" in html and "Centre for Prison Studies" in html
    assert "Tercera Academia" in html or "Third" in html  # its course's copy, adopted by C
    rows = list(csv.reader(io.StringIO(client.get(
        f"/reports/academies/{a.id}/figures.csv?{PERIOD}").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][2:5] == ["2", "2", "1"]
    # Another academy's dashboard, by id or by export, and the network's: refused.
    assert client.get(f"/reports/academies/{b.id}").status_code == 403
    for table in ("figures", "months", "courses", "exchange"):
        assert client.get(f"/reports/academies/{b.id}/{table}.csv").status_code == 403
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/academies.csv?country=ES").status_code == 403
    assert client.get("/reports/academies/999999").status_code == 404


def test_trainees_see_no_dashboard(network, client, login_as, create_user):
    login_as(create_user(academy=network["a"], roles=["trainee"]))
    assert client.get("/reports").status_code == 403
    assert client.get(f"/reports/academies/{network['a'].id}").status_code == 403
    assert client.get(f"/reports/academies/{network['a'].id}/months.xlsx").status_code == 403


def test_the_dashboard_reads_a_bounded_number_of_queries(network, client, login_as,
                                                          count_queries, create_user, course):
    login_as(network["coordinator"])
    before = count_queries(lambda: client.get(f"/reports?{PERIOD}"))
    for n in range(8):
        enrol(create_user(academy=network["b"], roles=["trainee"]), course, f"2026-0{n % 6 + 1}-03",
              completed=f"2026-0{n % 6 + 1}-20", grade=0.5)
    db.session.commit()
    assert count_queries(lambda: client.get(f"/reports?{PERIOD}")) == before


def test_the_final_grade_is_kept_with_the_completion_and_follows_regrades(course, trainee):
    """Completing a course stores its grade on the enrolment (what the dashboards average);
    a quiz grade changed afterwards (a regrade, an essay marked) changes it too."""
    from academy.enrolment import operations as enrolment_ops
    from academy.quizzes.models import FINISHED, Attempt

    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    quiz = quiz_queries.quizzes_of(course.id)[0]
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.id != quiz.id:
                enrolment_ops.complete_lesson(enrolment, lesson)
    assert enrolment.status == ACTIVE and enrolment.final_grade is None
    attempt = Attempt(course_id=course.id, lesson_id=quiz.id, user_id=trainee.id, number=1,
                      locale="es", status=FINISHED, started_at=at("2026-03-01"),
                      finished_at=at("2026-03-01T00:20"), fraction=1.0)
    db.session.add(attempt)
    db.session.flush()
    marking.update_result(quiz.id, trainee.id)
    assert enrolment.status == COMPLETED and enrolment.final_grade == pytest.approx(100)
    attempt.fraction = 0.95  # regraded
    marking.update_result(quiz.id, trainee.id)
    assert enrolment.final_grade == pytest.approx(95)


def test_figures_are_kept_for_a_while_and_the_page_says_since_when(
        network, app, client, login_as, count_queries, create_user, course, monkeypatch):
    """Production keeps the computed figures for REPORTS_KEPT_SECONDS (academy/cache.py): the
    next readers get them without a query, the page says when they were computed, and they are
    computed again once that time is up, from the data as it is then."""
    from academy import cache

    monkeypatch.setitem(app.config, "REPORTS_KEPT_SECONDS", 120)
    monkeypatch.setitem(app.extensions, "campus_kept", cache.ProcessStore())
    login_as(network["coordinator"])
    first = client.get(f"/reports?{PERIOD}").get_data(as_text=True)
    assert "Figures as of" in first and "they may be up to 2 minutes old" in first
    figures = first.split('aria-labelledby="total-title"', 1)[1]
    enrol(create_user(academy=network["b"], roles=["trainee"]), course, "2026-02-03")
    db.session.commit()
    statements = count_queries(lambda: client.get(f"/reports?{PERIOD}"))
    again = client.get(f"/reports?{PERIOD}").get_data(as_text=True)
    assert again.split('aria-labelledby="total-title"', 1)[1] == figures
    # Reading kept figures costs what any signed-in page costs: the person.
    assert statements <= 2
    # Another language and another period are computed on their own.
    spanish = client.get(f"/reports?{PERIOD}&lang=es").get_data(as_text=True)
    assert "Cifras a fecha de" in spanish and "Inscripciones y finalizaciones por mes" in spanish
    # Once the time is up, the figures are computed again and hold the new enrolment.
    later = cache.time.monotonic() + 121
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    fresh = client.get(f"/reports?{PERIOD}").get_data(as_text=True)
    assert fresh.split('aria-labelledby="total-title"', 1)[1] != figures
    assert tables_total(client) == 5


def tables_total(client) -> int:
    """The network's enrolments in the period, from the export (always computed afresh)."""
    rows = list(csv.reader(io.StringIO(client.get(
        f"/reports/academies.csv?{PERIOD}").get_data(as_text=True).lstrip("\ufeff"))))
    return int(rows[-1][3])
