"""Catalogue and course-page latency with 500 courses x 40 lessons (issue 3's speed target)."""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.databases import dispose  # noqa: E402
from bench.harness import bare_page_ms  # noqa: E402
from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema  # noqa: E402


def database_url(tmp: Path) -> str:
    base = os.environ.get("ACADEMY_BENCH_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    return fresh_database_url(tmp, base=base)


def migrated_app():
    """An app on a new database (see database_url) with the schema migrated; and its URL."""
    tmp = Path(tempfile.mkdtemp(prefix="campus-bench-"))
    url = database_url(tmp)
    app = make_app(url, tmp, TESTING=False)
    upgrade_schema(app)
    return app, url


def seed(app, courses: int, lessons: int, prefix: str = "bench") -> dict:
    """Academies, a reader, and `courses` shared courses of 4 modules with `lessons` lessons."""
    from academy.academies.operations import create_academy
    from academy.accounts.operations import create_user
    from academy.curricula.models import (
        Course,
        CourseTag,
        CourseText,
        Lesson,
        LessonText,
        Module,
        ModuleText,
    )
    from academy.db import utcnow
    from academy.extensions import db
    from academy.i18n import sort_key

    body = ("## Sección\n\nTexto de la lección con **énfasis** y una lista:\n\n- uno\n"
            "- dos\n\n" * 6)
    with app.test_request_context():
        academies = [create_academy(slug=f"{prefix}-{i}", names={"es": f"Academia {i}"},
                                    country="ES", default_locale="es") for i in range(20)]
        reader, _ = create_user(username=f"{prefix}.reader", display_name="Lector",
                                academy=academies[0], roles=["trainee"],
                                password="bench password 1")
        db.session.commit()
        now, per_module = utcnow(), max(1, lessons // 4)
        for c in range(courses):
            title = f"Curso {c} sobre seguridad dinámica y derechos"
            cid = db.session.execute(insert(Course).values(
                academy_id=academies[c % 20].id, slug=f"{prefix}-curso-{c}", default_locale="es",
                locales=["es", "en"], status="published", visibility="network",
                review_status="approved", version=1, approved_version=1, hours=10,
                created_at=now, updated_at=now, published_at=now)).inserted_primary_key[0]
            db.session.execute(insert(CourseText), [
                {"course_id": cid, "locale": loc, "title": f"{title} ({loc})",
                 "summary": "Resumen.", "search_text": sort_key(f"{title} resumen")}
                for loc in ("es", "en")])
            db.session.execute(insert(CourseTag), [{"course_id": cid, "tag": f"tema-{c % 7}"}])
            for m in range(4):
                mid = db.session.execute(insert(Module).values(
                    course_id=cid, slug=f"m{m}", position=m + 1)).inserted_primary_key[0]
                db.session.execute(insert(ModuleText), [{"module_id": mid, "locale": "es",
                                                         "title": f"Módulo {m}"}])
                for n in range(per_module):
                    lid = db.session.execute(insert(Lesson).values(
                        module_id=mid, slug=f"l{n}", position=n + 1, kind="page", minutes=10,
                        settings={})).inserted_primary_key[0]
                    db.session.execute(insert(LessonText), [
                        {"lesson_id": lid, "locale": loc, "title": f"Lección {n}", "body": body}
                        for loc in ("es", "en")])
        db.session.commit()
        course_id = db.session.scalar(select(Course.id).order_by(Course.id.desc()).limit(1))
        lesson_id = db.session.scalar(select(Lesson.id).order_by(Lesson.id.desc()).limit(1))
        # A lesson page is for the course's trainees: the reader follows the measured course.
        from academy.enrolment import operations as enrolment_ops

        enrolment_ops.enrol_by_staff(reader, db.session.get(Course, course_id))
        from academy.accounts.operations import start_session

        token = start_session(reader, "127.0.0.1", "bench")
        db.session.commit()
    return {"course": course_id, "lesson": lesson_id, "token": token}


def measure(client, path: str, runs: int) -> list[float]:
    client.get(path)  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def report(name: str, times: list[float], baseline: float) -> str:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18]
    return (f"{name:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
            f"x{median / baseline:6.1f} baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--courses", type=int, default=500)
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    app, url = migrated_app()
    started = time.perf_counter()
    ids = seed(app, args.courses, args.lessons)
    print(f"Seeded {args.courses} courses x {args.lessons} lessons in "
          f"{time.perf_counter() - started:.0f} s on {url.split(':')[0]}")
    baseline = statistics.median(bare_page_ms(args.runs))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = ids["token"]
    print(f"{'baseline (minimal Flask page)':<34} median {baseline:7.2f} ms")
    pages = [("catalogue, first page", "/courses"),
             ("catalogue, search + filters", "/courses?q=seguridad&language=en&tag=tema-3"),
             ("catalogue, page 20", "/courses?page=20"),
             ("course page (40 lessons)", f"/courses/{ids['course']}"),
             ("lesson page", f"/courses/{ids['course']}/lessons/{ids['lesson']}")]
    for name, path in pages:
        print(report(name, measure(client, path, args.runs), baseline))
    dispose(app)
    drop_fresh_database(url)


if __name__ == "__main__":
    main()
