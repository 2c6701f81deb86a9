"""The certificates benchmark's data: an academy with a logo and a certificate template, the Nelson
Mandela Rules course with a certificate policy, a coordinator, and trainees with accented names
in five languages, each with a completed enrolment, all by bulk inserts."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select

from bench.harness import ROOT

COURSE_DIR = ROOT / "courses" / "mandela-rules-in-practice"
PUBLIC_URL = "https://campus.example.org"
LOCALES = ("es", "pt", "fr", "en", "it")
WARMUP = 2  # unmeasured certificates before each single-certificate series

# First names and two surnames per language, combined into names no ASCII folding leaves intact.
NAMES = {
    "es": (["María José", "Íñigo", "Begoña", "Jesús", "Ángela", "Óscar", "Lucía", "Ramón"],
           ["Núñez", "Peña", "Ibáñez", "Muñoz", "Sáez", "Echevarría", "Gómez", "Ordóñez"]),
    "pt": (["João", "Conceição", "Gonçalo", "Inês", "Sebastião", "Graça", "Tomás", "Lúcia"],
           ["Araújo", "Gonçalves", "Simões", "Magalhães", "Brandão", "Leitão", "Guimarães",
            "Fontes"]),
    "fr": (["Françoise", "Hélène", "Jérôme", "Agnès", "Noël", "Loïc", "Anaïs", "Benoît"],
           ["Lefèvre", "Dupré", "Bénard", "Lagardère", "Besançon", "Rivière", "Thérond",
            "Mézières"]),
    "en": (["Zoë", "Chloë", "Renée", "Siobhán", "Seán", "Eoin", "Aoife", "Noël"],
           ["O'Brien", "Brontë", "Ó Súilleabháin", "Mac Giolla", "Åkesson", "Doyle", "Ní Bhriain",
            "Fitzgerald"]),
    "it": (["Niccolò", "Lucrezia", "Mattia", "Tommaso", "Gaia", "Nicolò", "Ludovica", "Elia"],
           ["Forlì", "D'Annunzio", "Cantù", "Mastroianni", "Sciascia", "Santangelo", "Pellegrini",
            "Caccamo"]),
}


def trainee_name(n: int) -> tuple[str, str]:
    """(locale, display name) of the n-th trainee: the five languages in turn."""
    locale = LOCALES[n % len(LOCALES)]
    first, last = NAMES[locale]
    k = n // len(LOCALES)
    # Two different surnames: the second is 1 to 7 places after the first.
    return locale, f"{first[k % 8]} {last[(k // 8) % 8]} {last[(k // 8 + 1 + k % 7) % 8]}"


# --- The database ------------------------------------------------------------------------------

def logo_png() -> bytes:
    """An academy logo as an admin would upload one: a 600 x 240 PNG with some drawing."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 230, 230), outline=(31, 61, 107), width=12)
    draw.polygon([(120, 40), (200, 200), (40, 200)], fill=(176, 141, 43))
    for row in range(6):
        draw.rectangle((260, 40 + row * 30, 580 - row * 40, 56 + row * 30), fill=(31, 61, 107))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass
class Seeded:
    course_id: int
    coordinator_id: int
    token: str  # the coordinator's session
    bulk: list[int]  # enrolment ids for the bulk job
    direct: list[int]  # for the in-process single certificates
    http: list[int]  # for the single certificates over HTTP


def seed(app, args) -> Seeded:
    """The academy, its certificate template, the course, a coordinator and the trainees."""
    from academy.academies.models import Membership
    from academy.academies.operations import create_academy
    from academy.accounts.models import User
    from academy.accounts.operations import create_user, start_session
    from academy.accounts.passwords import hash_password
    from academy.certificates import configuring as certificate_settings
    from academy.curricula import operations as course_ops
    from academy.db import utcnow
    from academy.enrolment.models import Enrolment
    from academy.extensions import db
    from academy.i18n import sort_key
    from academy.packages import operations as package_ops
    from academy.packages.archive import read_folder
    from academy.quizzes import queries as quiz_queries
    from academy.quizzes.models import QuizResult

    now = utcnow()
    singles = args.runs + WARMUP
    total = args.trainees + 2 * singles
    with app.test_request_context():
        academy = create_academy(
            slug="bench-certificates", country="ES", default_locale="es", logo=logo_png(),
            names={"es": "Centro de Estudios Penitenciarios de Ávila",
                   "pt": "Centro de Estudos Penitenciários de Ávila",
                   "fr": "Centre d'études pénitentiaires d'Ávila",
                   "en": "Ávila Centre for Prison Studies",
                   "it": "Centro di studi penitenziari di Ávila"})
        coordinator, _ = create_user(username="bench.coordinator", display_name="Coordinación",
                                     network_roles=["coordinator"],
                                     password="bench password 1")
        certificate_settings.save_template(
            academy, actor_id=coordinator.id, page_size="a4-landscape", accent="#1f3d6b",
            is_bilingual=False, texts={}, extra_css="",
            signatures=[{"name": "Dña. Concepción Ibáñez Peña", "title": "Directora del Centro",
                         "image": None},
                        {"name": "D. Joaquín Muñoz Sáez", "title": "Jefe de Estudios",
                         "image": None}])
        course = package_ops.import_package(read_folder(COURSE_DIR), academy=academy)
        course_ops.publish_course(course)
        certificate_settings.save_policy(course, issuance="approval", min_grade=50,
                                         validity_months=36, shows_grade=True,
                                         actor_id=coordinator.id)
        quizzes = [quiz.id for quiz in quiz_queries.quizzes_of(course.id)]
        secret = hash_password("bench password 1")  # nobody signs in with it
        people = []
        for n in range(total):
            locale, name = trainee_name(n)
            people.append({"username": f"cert{n:06d}", "display_name": name,
                           "sort_name": sort_key(name), "locale": locale,
                           "academy_id": academy.id, "password_hash": secret,
                           "is_active": True, "must_change_password": False, "created_at": now})
        for start in range(0, total, 5000):
            db.session.execute(insert(User), people[start:start + 5000])
        user_ids = list(db.session.scalars(select(User.id).where(
            User.username.like("cert%")).order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"user_id": uid, "academy_id": academy.id, "role": "trainee", "created_at": now}
            for uid in user_ids])
        db.session.execute(insert(Enrolment), [
            {"course_id": course.id, "user_id": uid, "status": "completed",
             "requested_at": now - timedelta(days=60), "activated_at": now - timedelta(days=60),
             "completed_at": now - timedelta(days=n % 30 + 1)}
            for n, uid in enumerate(user_ids)])
        # Everyone passed the course's quizzes: the course grade (their mean) is printed.
        db.session.execute(insert(QuizResult), [
            {"lesson_id": quiz, "user_id": uid, "course_id": course.id,
             "fraction": 0.55 + ((n * 7 + k * 3) % 45) / 100, "is_passed": True, "attempts": 1,
             "updated_at": now} for n, uid in enumerate(user_ids)
            for k, quiz in enumerate(quizzes)])
        enrolments = list(db.session.scalars(select(Enrolment.id).where(
            Enrolment.course_id == course.id).order_by(Enrolment.user_id)))
        token = start_session(coordinator, "127.0.0.1", "bench")
        seeded = Seeded(course.id, coordinator.id, token, enrolments[:args.trainees],
                        enrolments[args.trainees:args.trainees + singles],
                        enrolments[args.trainees + singles:])
        db.session.commit()
    return seeded
