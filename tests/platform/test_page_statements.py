"""The statements a trainee's pages cost: a budget per page, the same whatever the data size.

bench/pages.py measures the pages from outside (gunicorn, wrk); this keeps the part that the
code decides, the SQL statements per request, from creeping back up (issue 14).
"""
from __future__ import annotations

import re

import pytest

from academy.curricula.models import Lesson, LessonText
from academy.extensions import db
from tests.support import CSRF_RE

# Statements per request, counted on the second request (caches warm, as under load).
BUDGETS = {
    "catalogue": 6,
    "course page": 4,
    "lesson page": 4,
    "my training": 6,  # + each course's quizzes with the grade and next deadline (issue 15)
    "quiz page": 8,
    "attempt page": 5,
    "autosave": 4,
}


@pytest.fixture
def reader(client, course, trainee, login_as):
    from academy.enrolment import operations as enrolment_ops

    enrolment_ops.enrol_self(trainee, course)
    db.session.commit()
    login_as(trainee)
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    page = next(lesson for lesson in lessons if lesson.kind == "page")
    quiz = next(lesson for lesson in lessons if lesson.kind == "quiz")
    started = client.post(f"/courses/{course.id}/quizzes/{quiz.id}/start", data={
        "csrf_token": CSRF_RE.search(client.get(
            f"/courses/{course.id}/quizzes/{quiz.id}").get_data(as_text=True)).group(1)})
    attempt = started.headers["Location"].split("?")[0].rsplit("/", 1)[1]
    form = client.get(f"/attempts/{attempt}").get_data(as_text=True)
    # An answer to the first question the page asks (a choice, or a typed answer).
    choice = re.search(r'type="radio"[^>]*name="(q\d+)"[^>]*value="([^"]*)"', form)
    answer = (choice.group(1), choice.group(2)) if choice else (
        re.search(r'<(?:input|textarea)[^>]*name="(q\d+)"', form).group(1), "1")
    return {
        "catalogue": ("GET", "/courses", None),
        "course page": ("GET", f"/courses/{course.id}", None),
        "lesson page": ("GET", f"/courses/{course.id}/lessons/{page.id}", None),
        "my training": ("GET", "/learning", None),
        "quiz page": ("GET", f"/courses/{course.id}/quizzes/{quiz.id}", None),
        "attempt page": ("GET", f"/attempts/{attempt}", None),
        "autosave": ("POST", f"/attempts/{attempt}/autosave", {
            "csrf_token": CSRF_RE.search(form).group(1), "page": "1",
            answer[0]: answer[1], "shown": answer[0][1:]}),  # as quiz.js sends it
    }


def _statements(client, count_queries, method: str, path: str, data) -> int:
    """The statements the page runs on its second request (caches warm, as under load)."""
    def ask():
        response = client.open(path, method=method, data=data)
        assert response.status_code == 200, (path, response.status_code)

    ask()
    return count_queries(ask)


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_trainee_page_stays_within_its_statement_budget(client, reader, count_queries, page):
    method, path, data = reader[page]
    assert _statements(client, count_queries, method, path, data) <= BUDGETS[page]


def test_the_statements_do_not_grow_with_the_network(client, reader, count_queries, course,
                                                     make_course, other_academy):
    before = {page: _statements(client, count_queries, *reader[page]) for page in BUDGETS}
    for n in range(6):
        make_course(other_academy, slug=f"more-{n}", share=True)
    module = course.modules[0]
    for n in range(30):
        module.lessons.append(Lesson(slug=f"extra-{n}", position=50 + n, minutes=5, texts=[
            LessonText(locale="es", title=f"Extra {n}", body="Texto")]))
    db.session.commit()
    after = {page: _statements(client, count_queries, *reader[page]) for page in BUDGETS}
    assert after == before
