"""The question bank through its pages: an instructor signed in as its author, its address, a
question and its words and the quizzes it is placed in, answer rows, posting and uploading as an
instructor in English, a question written straight in, an attempt."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import closing, starting
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.models import Question, QuizSlot
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


# Fixtures named apart from the names tests ask for (quiz, instructor, author): a module imports
# them without shadowing a test's argument of the same name.
@pytest.fixture(name="quiz")
def first_quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture(name="instructor")
def bank_instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")


@pytest.fixture(name="author")
def bank_author(client, instructor, login_as):
    """The client, signed in as an instructor of the course's academy."""
    login_as(instructor)
    return client


def placed_in(row: Question) -> list[tuple[int, int]]:
    """(quiz, position in it) of every quiz slot that holds the question."""
    return [tuple(pair) for pair in db.session.execute(
        select(QuizSlot.lesson_id, QuizSlot.position).where(QuizSlot.question_id == row.id)
        .order_by(QuizSlot.lesson_id))]


def bank(course) -> str:
    return f"/courses/{course.id}/questions"


def question(course, ident: str) -> Question:
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.course_id == course.id,
                                                    Question.ident == ident))


def words(row: Question, locale: str) -> dict:
    return next(text.content for text in row.texts if text.locale == locale)


def rows(*given: dict) -> dict:
    """Form fields of rows of answers: rows({"text": "A", "percent": "100"}, …)."""
    return {f"answers-{index}-{key}": value for index, row in enumerate(given)
            for key, value in row.items()}


def post(client, path: str, data: dict, **kwargs):
    return post_form(client, path, data, headers=EN, **kwargs)


def create(client, course, qtype: str, data: dict):
    return post(client, f"{bank(course)}/new/{qtype}", {"text_format": "moodle", **data})


def add_question(course, ident: str, category: str = "", lesson=None, en: bool = False) -> Question:
    """A single-choice question written straight into the bank (in Spanish, maybe in English)."""
    gift = GiftQuestion(0, ident, category, "single", f"¿Pregunta {ident}?", answers=[
        Answer(text="Sí", fraction=1.0), Answer(text="No", fraction=0.0)])
    row = bank_ops.create_question(course, gift, lesson)
    if en:
        bank_ops.update_words(row, "en", GiftQuestion(0, ident, category, "single", "Question?",
                                                      answers=[Answer(text="Yes"),
                                                               Answer(text="No")]))
    return row


def trainee_attempt(course, quiz, create_user, academy, submit: bool = True):
    person = create_user(academy=academy, roles=["trainee"])
    enrolment = enrolment_ops.enrol_self(person, course).enrolment
    attempt = starting.start_attempt(enrolment, quiz, course,
                                     quiz_queries.effective_settings(quiz, person.id), "es",
                                     utcnow())
    if submit:
        closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    return attempt


def hidden_fields(page: str, action: str) -> dict:
    """The hidden fields of the form posting to `action`, as a browser would send them back."""
    form = page[page.index(f'action="{action}"'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in re.findall(
        r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"', form)}


def multipart(fields: dict, name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool a large one to a file)."""
    boundary = "bank-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{name}"'
                 f'\r\nContent-Type: application/octet-stream\r\n\r\n'.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (f"multipart/form-data; "
                                                              f"boundary={boundary}")


def upload(client, course, name: str, content: bytes, **fields):
    page = f"{bank(course)}/import"
    body, content_type = multipart({"csrf_token": csrf_token(client, page), "category": "",
                                    "new_category": "", "placement": "",
                                    "locale": course.default_locale, **fields}, name, content)
    return client.post(page, data=body, content_type=content_type, headers=EN)


def import_file(client, course, name: str, content: bytes, **fields):
    """Check then confirm an import, as a person would: returns the confirmation's response."""
    checked = upload(client, course, name, content, **fields)
    assert checked.status_code == 200, checked.get_data(as_text=True)
    apply = f"{bank(course)}/import/apply"
    return client.post(apply, data=hidden_fields(checked.get_data(as_text=True), apply), headers=EN)


DESCRIPTION_GIFT = """$CATEGORY: casos

::caso-1:: Un interno pide hablar con su abogado a las tres de la madrugada.

::caso-1-q:: ¿Debe registrarse la petición? {T}
"""
