"""The restore drill: the demo with its certificates is backed up while trainees save quiz
answers, restored into another database and upload folder, and the copy holds: the audit chain is
intact, every certificate's PDF is the one its hash names and its public check answers as before,
and no answer acknowledged before the snapshot started is missing.

It builds its own databases (SQLite files, or PostgreSQL databases it creates and drops; the
source is a copy of the demo the session loaded once), so it runs outside the per-test
transaction.
"""
from __future__ import annotations

import hashlib
import io
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from academy import storage
from academy.academies import operations as academy_ops
from academy.accounts import operations as account_ops
from academy.certificates import codes
from academy.certificates.contents import PDF_KIND
from academy.certificates.models import Certificate
from academy.curricula import operations as course_ops
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.quizzes import queries as quiz_queries
from academy.quizzes import slots, starting
from academy.quizzes.models import AttemptSlot
from tests.factories.databases import own_database
from tests.factories.packages import sample_package
from tests.support import CSRF_RE, PASSWORD, make_app

pytestmark = pytest.mark.no_transaction
TRAINEES = 3
# The drill checks every certificate twice; jobs (none here) would run in the request.
SETTINGS = {"VERIFY_MAX_PER_ADDRESS": 10_000, "JOB_MODE": "inline"}


def _add_trainees(app) -> list[dict]:
    """Next to the demo (which issued its certificates as it went): trainees with a quiz
    attempt open on one page and a signed-in session each."""
    with app.test_request_context():
        academy = academy_ops.create_academy(slug="drill", names={"es": "Simulacro"},
                                             country="ES", default_locale="es")
        course = package_ops.import_package(sample_package(), academy=academy)
        course_ops.publish_course(course)
        quiz = quiz_queries.quizzes_of(course.id)[0]
        quiz.settings = {**quiz.settings, "shuffle_questions": False, "questions_per_page": 0}
        slots.repaginate(quiz.id, 0)
        people = [_trainee_with_attempt(academy, course, quiz, n) for n in range(TRAINEES)]
        db.session.commit()
        return [{**person, "attempt": person["attempt"].id} for person in people]


def _trainee_with_attempt(academy, course, quiz, n: int) -> dict:
    user, _ = account_ops.create_user(username=f"drill{n}", display_name=f"Cadete {n}",
                                      academy=academy, roles=["trainee"], password=PASSWORD)
    enrolment = enrolment_ops.enrol_self(user, course).enrolment
    attempt = starting.start_attempt(enrolment, quiz, course,
                                     quiz_queries.effective_settings(quiz, user.id), "es", utcnow())
    position = next(s.position for s in attempt.slots if s.version.qtype == "shortanswer")
    token = account_ops.start_session(user, "127.0.0.1", "drill")
    return {"attempt": attempt, "position": position, "token": token}


class Trainee(threading.Thread):
    """Saves one answer over and over through the quiz page's background save, as quiz.js does,
    and notes each save the server acknowledged with the moment it was acknowledged."""

    def __init__(self, app, person: dict) -> None:
        super().__init__(daemon=True)
        self.person, self.client = person, app.test_client()
        with self.client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = person["token"], True
        page = self.client.get(f"/attempts/{person['attempt']}")
        assert page.status_code == 200, page.headers.get("Location")
        self.csrf = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        self.acknowledged: list[tuple[int, float]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        seq = 0
        while not self.stop.is_set():
            seq += 1
            response = self.client.post(f"/attempts/{self.person['attempt']}/autosave", data={
                "csrf_token": self.csrf, "page": "1", "seq": str(seq),
                f"q{self.person['position']}": f"answer {seq}"})
            if response.status_code == 200 and response.get_json()["saved"] == 1:
                self.acknowledged.append((seq, time.monotonic()))
            else:
                self.failures.append(f"{response.status_code} {response.get_data(as_text=True)}")
            time.sleep(0.005)

    def saves_after(self, moment: float) -> int:
        return sum(1 for _, at in self.acknowledged if at > moment)


def _wait_for_saves(trainees: list[Trainee], after: float, count: int = 5) -> None:
    deadline = time.monotonic() + 20
    while any(t.saves_after(after) < count for t in trainees) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert all(t.saves_after(after) >= count for t in trainees), "the trainees stopped saving"


def _public_answers(app) -> dict[str, dict]:
    """Every certificate's public check, by its code, as the check page's JSON gives it."""
    with app.app_context():
        found = db.session.scalars(select(Certificate.code)).all()
    client = app.test_client()
    return {code: client.get(f"/verify/{codes.grouped(code)}.json").get_json() for code in found}


def _backup_while_trainees_save(app, trainees: list[Trainee], folder: Path) -> float:
    """Back up in the middle of the saves; the moment the backup started."""
    for trainee in trainees:
        trainee.start()
    _wait_for_saves(trainees, after=0)
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["backup", "create", str(folder)])
    finished = time.monotonic()
    assert result.exit_code == 0, result.output
    assert "Snapshot written to" in result.output
    _wait_for_saves(trainees, after=finished)  # they were still saving when it was done
    for trainee in trainees:
        trainee.stop.set()
        trainee.join(timeout=10)
        assert not trainee.failures
    during = sum(t.saves_after(started) - t.saves_after(finished) for t in trainees)
    assert during > 0, "no answer was saved while the backup ran"
    return started


def _check_answers(app, trainees: list[Trainee], started: float) -> None:
    with app.app_context():
        for trainee in trainees:
            person = trainee.person
            slot = db.session.scalar(select(AttemptSlot).where(
                AttemptSlot.attempt_id == person["attempt"],
                AttemptSlot.position == person["position"]))
            before = max(seq for seq, at in trainee.acknowledged if at < started)
            assert slot.saved_seq >= before, f"answer {before} was acknowledged, then lost"
            assert slot.response == f"answer {slot.saved_seq}"
        db.session.remove()


def _check_certificates(app, answers_before: dict[str, dict]) -> None:
    with app.app_context():
        certificates = db.session.scalars(select(Certificate)).all()
        pdfs = {c.code: storage.stored_path(PDF_KIND, c.pdf_sha256, ".pdf") for c in certificates}
        hashes = {c.code: c.pdf_sha256 for c in certificates}
        db.session.remove()
    assert sorted(pdfs) == sorted(answers_before)
    assert _public_answers(app) == answers_before
    client = app.test_client()
    for code, path in pdfs.items():
        assert path is not None, f"the PDF of certificate {code} was not restored"
        pdf = path.read_bytes()
        assert hashlib.sha256(pdf).hexdigest() == hashes[code]
        page = f"/verify/{codes.grouped(code)}"
        token = CSRF_RE.search(client.get(page).get_data(as_text=True)).group(1)
        checked = client.post(f"{page}/file", data={"csrf_token": token,
                                                    "pdf": (io.BytesIO(pdf), "certificate.pdf")})
        assert "This file is exactly the PDF Campus issued" in checked.get_data(as_text=True)


def test_a_snapshot_taken_while_trainees_save_restores_whole_elsewhere(tmp_path, demo_copy):
    with own_database(tmp_path) as copy_url:
        source_url = demo_copy(tmp_path / "source")  # the demo, loaded once for the session
        source = make_app(source_url, tmp_path / "source", **SETTINGS)
        people = _add_trainees(source)
        answers_before = _public_answers(source)
        assert sum(1 for a in answers_before.values() if a["status"] == "valid") >= 10
        trainees = [Trainee(source, person) for person in people]
        started = _backup_while_trainees_save(source, trainees, tmp_path / "snapshot")

        copy = make_app(copy_url, tmp_path / "copy", **SETTINGS)
        runner = copy.test_cli_runner()
        assert runner.invoke(args=["backup", "verify", str(tmp_path / "snapshot")]).exit_code == 0
        restored = runner.invoke(args=["backup", "restore", str(tmp_path / "snapshot")])
        assert restored.exit_code == 0, restored.output
        audit = runner.invoke(args=["audit", "verify"])
        assert audit.exit_code == 0 and "The audit log is intact" in audit.output, audit.output
        _check_certificates(copy, answers_before)
        _check_answers(copy, trainees, started)
        for app in (source, copy):
            with app.app_context():
                db.engine.dispose()
