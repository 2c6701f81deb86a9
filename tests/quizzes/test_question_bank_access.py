"""Who may use the question bank: only the course's authors; others get 404 on every route."""
from __future__ import annotations

import pytest

from academy.curricula import operations as course_ops
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from tests.factories.question_bank import (  # noqa: F401 - fixtures
    bank,
    bank_author,
    bank_instructor,
    question,
)

# --- Who may use it ----------------------------------------------------------------------------

def routes(course, row) -> list[tuple[str, str]]:
    base, one = bank(course), f"{bank(course)}/{row.id}"
    return [("GET", base), ("GET", f"{base}/new"), ("GET", f"{base}/new/single"),
            ("POST", f"{base}/new/single"), ("GET", one), ("POST", one), ("GET", f"{one}/preview"),
            ("POST", f"{one}/preview"), ("POST", f"{one}/duplicate"), ("GET", f"{one}/delete"),
            ("POST", f"{one}/delete"), ("POST", f"{base}/move"), ("GET", f"{base}/import"),
            ("POST", f"{base}/import"), ("POST", f"{base}/import/apply"), ("GET", f"{base}/export"),
            ("GET", f"{base}/export.gift?locale=es&scope=all")]


@pytest.mark.parametrize("who", ["other_instructor", "trainee"])
def test_others_get_404_on_every_route(app, client, course, login_as, create_user, academy,
                                       other_academy, who):
    person = create_user(academy=other_academy if who == "other_instructor" else academy,
                         roles=["instructor" if who == "other_instructor" else "trainee"])
    if who == "trainee":
        enrolment_ops.enrol_self(person, course)
        db.session.commit()
    login_as(person)
    app.config["WTF_CSRF_ENABLED"] = False  # this test is about who; CSRF has its own tests
    try:
        for method, url in routes(course, question(course, "p-q1")):
            assert client.open(url, method=method).status_code == 404, (method, url)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert question(course, "p-q1").category == "searches-with-dignity/principles"


def test_a_question_of_another_course_is_not_found_under_this_one(author, course, academy):
    mine = course_ops.create_course(academy, slug="mio", default_locale="es", locales=["es"],
                                    hours=1, tags=[], title="Mío")
    db.session.commit()
    foreign = question(course, "p-q1")
    for suffix in ("", "/preview", "/delete"):
        assert author.get(f"{bank(mine)}/{foreign.id}{suffix}").status_code == 404
    assert author.get(f"{bank(course)}/{foreign.id}?locale=de").status_code == 404
    assert author.get(f"{bank(course)}/new/crossword").status_code == 404
