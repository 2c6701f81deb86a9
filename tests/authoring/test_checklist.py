"""The checklist before publishing and sharing: what is missing, in which language, and what
blocks sharing with the network."""
from __future__ import annotations

import pytest

from academy.authoring.checklist import checklist
from academy.curricula import operations as course_ops
from academy.extensions import db
from academy.quizzes import queries as quiz_queries
from academy.quizzes import slots
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def author(client, create_user, academy, login_as):
    login_as(create_user(academy=academy, roles=["instructor"], locale="en"))
    return client


def _share(client, course):
    page = f"/authoring/courses/{course.id}"
    return client.post(f"{page}/share", data={"csrf_token": csrf_token(client, page)},
                       headers=EN, follow_redirects=True)


def test_a_ready_course_is_shared_and_its_warnings_do_not_block(author, course):
    with author.application.test_request_context():
        found = checklist(course)
    assert not found.blockers
    assert [len(links) for links in found.missing.values()] == [0, 2]  # English: module 2's page
    response = _share(author, course)
    assert "A network coordinator will review the course" in response.get_data(as_text=True)


def test_an_empty_quiz_and_draws_its_category_cannot_fill_block_sharing(author, course):
    quiz = quiz_queries.quizzes_of(course.id)[0]
    for slot in slots.slots_of(quiz.id):
        slots.remove_slot(quiz, slot.id)
    empty = course_ops.add_lesson(course.modules[1], "Repaso", "quiz")
    slots.add_random(empty, "searches-with-dignity/principles", 9,
                     ["searches-with-dignity/principles"])
    db.session.commit()
    page = author.get(f"/authoring/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "Sharing with the network needs these fixed first:" in page
    assert "The quiz “Quiz” has no questions." in page
    assert ("The quiz “Repaso” draws 9 random questions from “searches-with-dignity/principles”, "
            "which has 7 left to draw.") in page
    response = _share(author, course).get_data(as_text=True)
    assert "Sharing with the network needs these fixed first:" in response
    db.session.expire_all()
    assert course.review_status is None


def test_texts_missing_in_a_language_are_listed_with_where_to_write_them(author, course):
    page = author.get(f"/authoring/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "2 texts missing in English" in page
    lesson = course.modules[1].lessons[0]
    assert f'href="/authoring/lessons/{lesson.id}/texts/en"' in page


def test_hours_a_certificate_prints_must_come_from_the_lessons_and_quizzes(author, course):
    from academy.authoring.checklist import hours_range, study_minutes

    assert study_minutes(course) == 40  # 15 + 15 minutes of pages, a 10-minute quiz
    assert hours_range(study_minutes(course)) == (1, 2)
    course.hours = 11
    db.session.commit()
    page = author.get(f"/authoring/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert ("The course says 11 hours, which certificates print, but its lessons and quizzes "
            "take 40 minutes: give from 1 to 2 hours.") in page
    assert "Sharing with the network needs these fixed first:" in _share(author, course).get_data(
        as_text=True)
