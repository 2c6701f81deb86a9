"""The quiz navigation panel, as Moodle's: each question's state (answered, flagged) in symbols and
words, flags kept with the page's answers, and a summary that lists them; all without JavaScript."""
from __future__ import annotations

import re

from academy.db import utcnow
from academy.extensions import db
from academy.quizzes import closing
from academy.quizzes.models import Attempt
from tests.factories.quizzes import (  # noqa: F401 - fixtures
    quiz_four_questions_a_page,
    shown,
    slot_of,
    start,
    trainee_enrolled,
)
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


def panel_of(html: str) -> list[str]:
    """The panel's buttons as a screen reader names them."""
    return re.findall(r'<span class="visually-hidden qnav-words">([^<]*)</span>', html)


def test_the_panel_names_every_question_and_follows_answers_and_flags_without_javascript(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    page = client.get(f"/attempts/{attempt.id}", headers=EN).text
    assert "Quiz navigation" in page
    assert panel_of(page)[:2] == ["Question 1: not answered", "Question 2: not answered"]
    assert len(panel_of(page)) == 7

    q1, q2 = slot_of(attempt, "p-q1"), slot_of(attempt, "p-q2")
    saved = post_form(client, f"/attempts/{attempt.id}", {
        "page": "1", "shown": [str(q1.position), str(q2.position)],
        f"q{q1.position}": shown(q1, 0), "flagged": str(q2.position),
        "go": f"2-{slot_of(attempt, 'p-q5').position}"}, token_from=f"/attempts/{attempt.id}")
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(
        f"/attempts/{attempt.id}?page=2#question-{slot_of(attempt, 'p-q5').position}")

    page = client.get(f"/attempts/{attempt.id}?page=1", headers=EN).text
    assert panel_of(page)[:2] == ["Question 1: answered", "Question 2: not answered, flagged"]
    assert re.search(rf'name="flagged" value="{q2.position}"[^>]*checked', page)

    summary = client.get(f"/attempts/{attempt.id}/summary", headers=EN).text
    assert "1 question is flagged for you to come back to." in summary
    assert "Question 2: not answered, flagged" in summary
    assert f"/attempts/{attempt.id}?page=1#question-{q2.position}" in summary

    # Unticking the flag, the next time the page is sent, takes it away.
    post_form(client, f"/attempts/{attempt.id}", {"page": "1", "shown": [str(q2.position)],
                                                 "go": "1"}, token_from=f"/attempts/{attempt.id}")
    page = client.get(f"/attempts/{attempt.id}?page=1", headers=EN).text
    assert panel_of(page)[1] == "Question 2: not answered"


def test_a_background_save_keeps_flags_and_an_older_save_does_not_undo_them(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = start(trainee, quiz, course)
    q2 = slot_of(attempt, "p-q2")
    login_as(trainee)
    token = csrf_token(client, f"/attempts/{attempt.id}?page={q2.page}")
    url = f"/attempts/{attempt.id}/autosave"
    fields = {"csrf_token": token, "page": str(q2.page), "shown": str(q2.position)}
    assert client.post(url, data={**fields, "flagged": str(q2.position), f"q{q2.position}": "true",
                                  "seq": "500"}).status_code == 200
    assert client.post(url, data={**fields, "seq": "400"}).status_code == 200  # late, older
    db.session.expire_all()
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q2").flagged is True
    # A save that does not name the question leaves its flag alone.
    other = next(s for s in attempt.slots if s.page == q2.page and s.position != q2.position)
    client.post(url, data={"csrf_token": token, "page": str(q2.page), "shown": str(other.position),
                           "seq": "600"})
    db.session.expire_all()
    assert slot_of(db.session.get(Attempt, attempt.id), "p-q2").flagged is True


def test_flags_belong_to_the_attempt_in_progress_and_the_review_shows_none(
        client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = start(trainee, quiz, course)
    q2 = slot_of(attempt, "p-q2")
    login_as(trainee)
    post_form(client, f"/attempts/{attempt.id}", {"page": str(q2.page), "shown": str(q2.position),
                                                 "flagged": str(q2.position), "go": "1"},
              token_from=f"/attempts/{attempt.id}")
    closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow())
    db.session.commit()
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert 'name="flagged"' not in review and "Quiz navigation" not in review


def test_the_panel_reads_in_the_traineess_language(client, login_as, trainee, quiz, course):  # noqa: F811
    attempt = start(trainee, quiz, course)
    login_as(trainee)
    page = client.get(f"/attempts/{attempt.id}?lang=es").text
    assert "Navegación del cuestionario" in page and "Pregunta 1: sin responder" in page
    assert "Marcar esta pregunta para volver a ella" in page
