"""Setting up the fault drill: the gunicorn workers to expect, the README's flask commands, who
takes part (the demo's trainees, and more when asked), and each one signed in with an attempt."""
from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from bench.faults_trainees import SetupFailed, Trainee
from bench.harness import ROOT

DEMO_PASSWORD = "campus-demo"  # academy/demo/data.py

# --- Setting up -----------------------------------------------------------------------------

def workers_of(config: Path | None, env: dict) -> int:
    """How many workers gunicorn starts: gunicorn.conf.py's count for this environment, or 3
    (`gunicorn -w 3`) while the repository has no such file."""
    if config is None:
        return 3
    from academy import server

    return server.production_settings(env)["workers"]


def flask(env: dict, *command: str) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-3000:]}")


@dataclass
class Cast:
    trainees: list[str]  # usernames, the demo's trainees with nothing done first
    quizzes: list[list[tuple[int, int]]]  # per shared course, its (course id, quiz lesson id)s
    probe: list[str]
    certificate: str | None


def cast_of(app, count: int) -> Cast:
    """Who takes part: the demo's 30 trainees with nothing done yet (es.trainee1 ...), then, for
    more, trainees the drill adds with the demo's password; the quizzes of the network's shared
    courses; graduates for the probe; a certificate to check."""
    from sqlalchemy import select

    from academy.academies.models import Academy
    from academy.accounts.operations import create_user
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course, Lesson, Module
    from academy.demo.data import ACADEMIES
    from academy.extensions import db

    prefixes = [spec["prefix"] for spec in ACADEMIES]
    with app.app_context():
        names = [f"{prefix}.trainee{n}" for n in (1, 2, 3) for prefix in prefixes][:count]
        academy = db.session.scalar(select(Academy).order_by(Academy.id))
        for n in range(len(names), count):
            names.append(f"faults.trainee{n + 1}")
            create_user(username=names[-1], display_name=f"Alumna {n + 1}", academy=academy,
                        roles=["trainee"], locale="es", password=DEMO_PASSWORD)
        db.session.commit()
        rows = db.session.execute(
            select(Course.id, Lesson.id).join(Module, Module.course_id == Course.id)
            .join(Lesson, Lesson.module_id == Module.id)
            .where(Lesson.kind == "quiz", Course.status == "published",
                   Course.visibility == "network", Course.revision_of_id.is_(None),
                   Lesson.removed_at.is_(None))
            .order_by(Course.id, Module.position, Lesson.position)).all()
        courses: dict[int, list[tuple[int, int]]] = {}
        for course_id, lesson_id in rows:
            courses.setdefault(course_id, []).append((course_id, lesson_id))
        code = db.session.scalar(select(Certificate.code).where(Certificate.revoked_at.is_(None))
                                 .order_by(Certificate.id))
    return Cast(names, list(courses.values()), [f"{p}.graduate1" for p in prefixes], code)


def quizzes_for(cast: Cast, number: int) -> list[tuple[int, int]]:
    """Every quiz, starting with another course for each trainee (they spread over courses)."""
    turn = number % len(cast.quizzes)
    return [quiz for course in cast.quizzes[turn:] + cast.quizzes[:turn] for quiz in course]


def set_up_trainees(trainees: list[Trainee]) -> list[Trainee]:
    """Every trainee signed in with an open attempt, in parallel; the ones that failed are left
    out (and named)."""
    failures: list[str] = []

    def one(trainee: Trainee) -> None:
        try:
            trainee.set_up()
        except SetupFailed as error:
            failures.append(str(error))

    threads = [threading.Thread(target=one, args=(t,), daemon=True) for t in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for failure in failures:
        print(f"  left out: {failure}", flush=True)
    return [t for t in trainees if t.pages]
