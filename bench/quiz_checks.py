"""After the quiz benchmark's load: what the database holds against what the trainees sent, and
the SQL statements each request of the journey runs."""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import event, select

from bench.quiz_browser import read_page
from bench.quiz_crowd import Trainee
from tests.support import CSRF_RE


@dataclass
class Verdict:
    answers: int = 0
    lost: int = 0
    seq_mismatches: int = 0
    never_saved: int = 0
    attempts_wrong: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    results: int = 0


def verify(app, trainees: list[Trainee], lesson_id: int) -> Verdict:
    """Compare what every trainee last sent with what the database holds."""
    from sqlalchemy.orm import selectinload

    from academy.extensions import db
    from academy.quizzes.models import Attempt, QuizResult

    verdict = Verdict()
    ids = [t.user_id for t in trainees]
    with app.test_request_context():
        attempts = defaultdict(list)
        for attempt in db.session.scalars(select(Attempt).where(
                Attempt.lesson_id == lesson_id, Attempt.user_id.in_(ids))
                .options(selectinload(Attempt.slots))):
            attempts[attempt.user_id].append(attempt)
        results = {r.user_id: r for r in db.session.scalars(select(QuizResult).where(
            QuizResult.lesson_id == lesson_id, QuizResult.user_id.in_(ids)))}
        for trainee in trainees:
            found = attempts.get(trainee.user_id, [])
            if len(found) != 1:
                verdict.attempts_wrong[f"{len(found)} attempts"] += 1
                continue
            check_attempt(verdict, found[0], results.get(trainee.user_id))
            for slot in found[0].slots:
                check_answer(verdict, trainee, found[0], slot)
    return verdict


def check_attempt(verdict: Verdict, attempt, result) -> None:
    """The attempt finished once, graded, with one quiz result counting it."""
    from academy.quizzes.models import FINISHED

    if attempt.status != FINISHED or attempt.finished_at is None:
        verdict.attempts_wrong["not finished"] += 1
    elif attempt.fraction is None:
        verdict.attempts_wrong["finished but not graded"] += 1
    if attempt.status == FINISHED and (result is None or result.attempts != 1):
        verdict.attempts_wrong["quiz result missing or counting several attempts"] += 1
    verdict.results += result is not None


def check_answer(verdict: Verdict, trainee: Trainee, attempt, slot) -> None:
    """The slot holds the trainee's last sent answer (read as `responses.read` reads it)."""
    from werkzeug.datastructures import MultiDict

    from academy.quizzes import responses

    verdict.answers += 1
    sent = trainee.sent.get(slot.position)
    if sent is None:
        verdict.never_saved += 1
        return
    items = len(slot.version.spec.get("answers", []))
    wanted = responses.read(slot.version.qtype, slot.choice_order, items,
                            MultiDict(sent.fields), slot.position)
    if slot.response != wanted:
        verdict.lost += 1
        if len(verdict.examples) < 5:
            verdict.examples.append(
                f"attempt {attempt.id} q{slot.position} ({slot.version.qtype}): "
                f"stored {slot.response!r}, last sent {wanted!r} (seq {sent.seq}, "
                f"stored seq {slot.saved_seq})")
    if slot.saved_seq != sent.seq:
        verdict.seq_mismatches += 1


# --- SQL statements per request, counted in-process for one more trainee ----------------------

def count_queries(app, ids: dict, questions_per_page: int) -> dict[str, int]:
    """How many SQL statements each request of the journey runs (the probe trainee, alone)."""
    from werkzeug.datastructures import MultiDict

    from academy.extensions import db

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = ids["tokens"][-1], True
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    counts: dict[str, int] = {}

    def call(name: str, method: str, path: str, data=None):
        statements.clear()
        response = client.open(path, method=method, data=data)
        counts[name] = len(statements)
        return response

    try:
        quiz = f"/courses/{ids['course']}/quizzes/{ids['lesson']}"
        html = call("quiz page", "GET", quiz).get_data(as_text=True)
        response = call("start", "POST", f"{quiz}/start",
                        {"csrf_token": CSRF_RE.search(html).group(1)})
        base = urlsplit(response.headers["Location"]).path
        page = call(f"attempt page ({questions_per_page} questions)", "GET", f"{base}?page=1")
        hidden, seq, questions = read_page(page.get_data(as_text=True))
        answers = [pair for q in questions for pair in q.answer(random.Random(1))]
        form = hidden + [("seq", str(seq + 1))] + answers
        call("autosave", "POST", f"{base}/autosave", MultiDict(form))
        call("page change", "POST", base, MultiDict(form + [("go", "2")]))
        html = call("summary (all questions)", "GET", f"{base}/summary").get_data(as_text=True)
        call("submit", "POST", f"{base}/submit", {"csrf_token": CSRF_RE.search(html).group(1)})
        call("review (all questions)", "GET", f"{base}/review")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return counts
