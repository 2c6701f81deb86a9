"""Dashboard and roster latency at network scale: 20,000 trainees, 200,000 enrolments (issue 4)."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.catalogue import measure, migrated_app, report  # noqa: E402
from bench.databases import dispose  # noqa: E402
from bench.harness import bare_page_ms  # noqa: E402
from tests.support import drop_fresh_database  # noqa: E402


def seed(app, trainees: int, per_trainee: int, roster_size: int, prefix: str = "bench") -> dict:
    from academy.academies.models import Membership
    from academy.academies.operations import create_academy
    from academy.accounts.models import User
    from academy.accounts.operations import create_user, start_session
    from academy.accounts.passwords import hash_password
    from academy.curricula.models import Course, CourseText, Lesson, LessonText, Module, ModuleText
    from academy.db import utcnow
    from academy.enrolment.models import Enrolment, LessonProgress
    from academy.extensions import db

    rng = random.Random(7)
    now = utcnow()
    courses_n = 400
    with app.test_request_context():
        academies = [create_academy(slug=f"{prefix}-{i}", names={"es": f"Academia {i}"},
                                    country="ES", default_locale="es") for i in range(20)]
        db.session.flush()
        secret = hash_password("bench password 1")
        users = [{"username": f"{prefix}.t{n:05d}", "display_name": f"Alumno {n:05d}",
                  "sort_name": f"alumno {n:05d}",
                  "academy_id": academies[n % 20].id, "password_hash": secret, "is_active": True,
                  "must_change_password": False, "created_at": now} for n in range(trainees)]
        db.session.execute(insert(User), users)
        user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"user_id": uid, "academy_id": academies[i % 20].id, "role": "trainee",
             "created_at": now}
            for i, uid in enumerate(user_ids)])
        lessons_of: dict[int, list[int]] = {}
        for c in range(courses_n):
            cid = db.session.execute(insert(Course).values(
                academy_id=academies[c % 20].id, slug=f"{prefix}-c{c}", default_locale="es",
                locales=["es"], status="published", visibility="network",
                review_status="approved", version=1, approved_version=1, hours=10,
                created_at=now, updated_at=now)).inserted_primary_key[0]
            db.session.execute(insert(CourseText), [{"course_id": cid, "locale": "es",
                                                     "title": f"Curso {c}", "summary": "",
                                                     "search_text": f"curso {c}"}])
            lessons_of[cid] = []
            for m in range(4):
                mid = db.session.execute(insert(Module).values(
                    course_id=cid, slug=f"m{m}", position=m + 1)).inserted_primary_key[0]
                db.session.execute(insert(ModuleText), [{"module_id": mid, "locale": "es",
                                                         "title": f"Módulo {m}"}])
                for n in range(5):
                    lid = db.session.execute(insert(Lesson).values(
                        module_id=mid, slug=f"l{n}", position=n + 1, kind="page", minutes=10,
                        settings={})).inserted_primary_key[0]
                    db.session.execute(insert(LessonText), [
                        {"lesson_id": lid, "locale": "es", "title": f"Lección {n}",
                         "body": "Texto"}])
                    lessons_of[cid].append(lid)
        course_ids = list(lessons_of)
        big = course_ids[0]
        enrolments, progress = [], []
        for i, uid in enumerate(user_ids):
            chosen = rng.sample(course_ids[1:], per_trainee - 1) + [big] if i < roster_size \
                else rng.sample(course_ids[1:], per_trainee)
            for cid in chosen:
                enrolments.append({"course_id": cid, "user_id": uid, "status": "active",
                                   "requested_at": now, "activated_at": now})
                if rng.random() < 0.25:
                    for lid in lessons_of[cid][:rng.randint(1, 10)]:
                        progress.append({"user_id": uid, "lesson_id": lid, "completed_at": now})
        for start in range(0, len(enrolments), 20_000):
            db.session.execute(insert(Enrolment), enrolments[start:start + 20_000])
        seen = set()
        progress = [p for p in progress if (p["user_id"], p["lesson_id"]) not in seen
                    and not seen.add((p["user_id"], p["lesson_id"]))]
        for start in range(0, len(progress), 20_000):
            db.session.execute(insert(LessonProgress), progress[start:start + 20_000])
        instructor, _ = create_user(username=f"{prefix}.instructor", display_name="Instructora",
                                    academy=academies[0], roles=["instructor"],
                                    password="bench password 1")
        reader = db.session.get(User, user_ids[0])
        tokens = {"trainee": start_session(reader, "127.0.0.1", "bench"),
                  "instructor": start_session(instructor, "127.0.0.1", "bench")}
        db.session.commit()
    return {"course": big, "tokens": tokens, "enrolments": len(enrolments),
            "progress": len(progress)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainees", type=int, default=20_000)
    parser.add_argument("--per-trainee", type=int, default=10)
    parser.add_argument("--roster", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    app, url = migrated_app()
    started = time.perf_counter()
    ids = seed(app, args.trainees, args.per_trainee, args.roster)
    print(f"Seeded {args.trainees} trainees, {ids['enrolments']} enrolments, {ids['progress']} "
          f"lessons done in {time.perf_counter() - started:.0f} s on {url.split(':')[0]}")
    baseline = statistics.median(bare_page_ms(args.runs))
    print(f"{'baseline (minimal Flask page)':<34} median {baseline:7.2f} ms")
    clients = {}
    for role, token in ids["tokens"].items():
        clients[role] = app.test_client()
        with clients[role].session_transaction() as session:
            session["_user_id"] = token
    course = ids["course"]
    pages = [("trainee dashboard (10 courses)", "trainee", "/learning"),
             (f"roster ({args.roster} trainees)", "instructor",
              f"/authoring/courses/{course}/enrolment"),
             (f"progress grid ({args.roster} x 20)", "instructor",
              f"/authoring/courses/{course}/progress")]
    for name, role, path in pages:
        print(report(name, measure(clients[role], path, args.runs), baseline))
    dispose(app)
    drop_fresh_database(url)


if __name__ == "__main__":
    main()
