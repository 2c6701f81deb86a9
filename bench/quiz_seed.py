"""The quiz benchmark's data: a course package whose quiz cycles through the automatically graded
question types, and the trainees enrolled in it with a session each."""
from __future__ import annotations

from sqlalchemy import insert, select

QUESTION_SHAPES = [
    ("::q{n}:: Pregunta {n}: ¿quién autoriza un registro integral? {=La dirección, por escrito "
     "#Correcto ~Cualquier funcionario ~El jefe de servicio ~Nadie}"),
    ("::q{n}:: Pregunta {n}: elija las dos correctas {~%50%Respeto ~%50%Intimidad "
     "~%-50%Humillación ~%-50%Castigo}"),
    "::q{n}:: Pregunta {n}: un registro debe ser proporcional. {T}",
    "::q{n}:: Pregunta {n}: la palabra clave {=dignidad =respeto}",
    "::q{n}:: Pregunta {n}: ¿cuántos funcionarios como mínimo? {#2:0}",
    "::q{n}:: Pregunta {n}: relacione {=Celda -> Espacio =Persona -> Cuerpo =Patio -> Exterior}",
]


def course_package(questions: int, per_page: int) -> dict[str, bytes]:
    """A course package with one quiz of `questions` GIFT questions, no essay (all auto-graded)."""
    gift = "$CATEGORY: carga/cuestionario\n\n" + "\n\n".join(
        QUESTION_SHAPES[n % len(QUESTION_SHAPES)].replace("{n}", str(n + 1))
        for n in range(questions)) + "\n"
    course = ('format = 1\nslug = "carga-cuestionario"\nowner = "bench-quiz"\nversion = 1\n'
              'default_locale = "es"\nlocales = ["es"]\nhours = 2\ntags = ["carga"]\n'
              'visibility = "network"\nmodules = ["01-evaluacion"]\n\n[title]\n'
              'es = "Curso con cuestionario"\n\n[summary]\nes = "Medida de carga."\n')
    module = 'lessons = ["quiz-final"]\n\n[title]\nes = "Evaluación"\n'
    quiz = (f"time_limit_minutes = 60\nattempts = 0\npass_mark = 50\nshuffle_questions = true\n"
            f"shuffle_choices = true\nquestions_per_page = {per_page}\n\n[title]\n"
            f'es = "Cuestionario final"\n')
    return {"course.toml": course.encode(), "01-evaluacion/module.toml": module.encode(),
            "01-evaluacion/quiz-final.toml": quiz.encode(),
            "01-evaluacion/quiz-final.es.gift": gift.encode()}


# --- The database ------------------------------------------------------------------------------

def seed(app, trainees: int, questions: int, per_page: int, warm: bool = False) -> dict:
    """The academy, the published course and its quiz, and trainees enrolled with a session each.

    One more trainee than asked is made: the probe, whose requests count SQL statements. `warm`
    takes the questions' frozen versions now, as the first attempt ever started would.
    """
    from academy.academies.models import Membership
    from academy.academies.operations import create_academy
    from academy.accounts.models import User
    from academy.accounts.operations import start_session
    from academy.accounts.passwords import hash_password
    from academy.curricula import operations as course_ops
    from academy.db import utcnow
    from academy.enrolment.models import Enrolment
    from academy.extensions import db
    from academy.packages import operations as package_ops
    from academy.quizzes import queries as quiz_queries
    from academy.quizzes import starting
    from academy.quizzes.models import Question

    now = utcnow()
    with app.test_request_context():
        academy = create_academy(slug="bench-quiz", names={"es": "Academia de carga"},
                                 country="ES", default_locale="es")
        db.session.flush()
        course = package_ops.import_package(course_package(questions, per_page))
        course_ops.publish_course(course)
        lesson_id = quiz_queries.quizzes_of(course.id)[0].id
        if warm:
            for question in db.session.scalars(select(Question).where(
                    Question.course_id == course.id)):
                starting.snapshot(question)
        secret = hash_password("bench password 1")  # never used: sessions are made directly
        db.session.execute(insert(User), [
            {"username": f"q{n:05d}", "display_name": f"Alumna {n:05d}",
             "sort_name": f"alumna {n:05d}", "academy_id": academy.id, "password_hash": secret,
             "is_active": True, "must_change_password": False, "created_at": now}
            for n in range(trainees + 1)])
        users = list(db.session.scalars(select(User).where(User.academy_id == academy.id)
                                        .order_by(User.id)))
        db.session.execute(insert(Membership), [
            {"user_id": u.id, "academy_id": academy.id, "role": "trainee", "created_at": now}
            for u in users])
        db.session.execute(insert(Enrolment), [
            {"course_id": course.id, "user_id": u.id, "status": "active", "requested_at": now,
             "activated_at": now} for u in users])
        tokens = [start_session(user, "127.0.0.1", "bench") for user in users]
        db.session.commit()
        return {"course": course.id, "lesson": lesson_id, "user_ids": [u.id for u in users],
                "tokens": tokens}
