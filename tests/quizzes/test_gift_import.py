"""GIFT as Moodle reads it: descriptions, one naming rule for untitled questions in every import,
every problem of a file reported with its line, short answers trimmed only at their ends, and
round trips that keep every question identical."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from academy.curricula import operations as course_ops
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.packages.archive import write_zip
from academy.packages.data import PackageInvalid
from academy.quizzes import grading
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import GiftError, parse_gift
from academy.quizzes.models import Question
from tests.factories.packages import GIFT_EN, GIFT_ES, sample_package
from tests.factories.question_bank import bank, import_file, question, upload, words
from tests.support import drop_fresh_database, fresh_database_url, make_app

EN = {"Accept-Language": "en"}
QUIZ_ES = "01-principles__quiz-principles.es.gift"
QUIZ_EN = "01-principles__quiz-principles.en.gift"

BROKEN = """::bien:: Bien {T}

::mal-1:: Elija {=A ~%150%B}

// a comment between questions

::mal-2:: Cuántos {#tres}

::bien-2:: Otra {=sí}

::mal-3 Sin cerrar el título {T}

::mal-4:: Sin cerrar la llave {=sí ~no

::bien-3:: Una más {F}
"""

UNTITLED = """$CATEGORY: casos

Lea el caso: un interno pide hablar con su abogado de madrugada.

¿Debe registrarse la petición? {T}

¿Debe registrarse la petición? {F}
"""


@pytest.fixture
def quiz(course):
    from academy.quizzes import queries as quiz_queries

    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture
def author(client, create_user, academy, login_as):
    """The client, signed in as an instructor of the course's academy."""
    login_as(create_user(academy=academy, roles=["instructor"], username="ana.instructora"))
    return client


@pytest.fixture
def learner(course, create_user, academy):
    from academy.enrolment import operations as enrolment_ops

    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def empty_course(academy, slug: str):
    course = course_ops.create_course(academy, slug=slug, default_locale="es", locales=["es"],
                                      hours=1, tags=[], title=slug)
    db.session.commit()
    return course


# --- Every problem, with its line ----------------------------------------------------------------

def test_the_reader_reports_every_problem_of_a_file_with_its_line():
    with pytest.raises(GiftError) as caught:
        parse_gift(BROKEN)
    found = [(error.line, str(error.reason)) for error in caught.value.errors]
    assert [line for line, _reason in found] == [3, 7, 11, 13]
    assert "outside -100% to 100%" in found[0][1] and "“tres” is not a number." in found[1][1]
    assert "not closed with ::" in found[2][1] and "one answer block in { }" in found[3][1]


def test_the_web_preview_lists_every_problem_with_its_line_and_imports_nothing(author, course):
    response = upload(author, course, "roto.gift", BROKEN.encode())
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for line in (3, 7, 11, 13):
        assert f"<code>line {line}</code>" in page
    assert "outside -100% to 100%" in page and "“tres” is not a number." in page
    assert "/import/apply" not in page and question(course, "bien") is None


def test_the_package_import_lists_every_problem_of_a_gift_file_with_its_line(app_ctx, academy):
    with pytest.raises(PackageInvalid) as caught:
        package_ops.import_package(sample_package(**{QUIZ_ES: BROKEN.encode(), QUIZ_EN: None}))
    problems = [str(problem) for problem in caught.value.problems]
    path = "01-principles/quiz-principles.es.gift"
    for line in (3, 7, 11, 13):
        assert any(p.startswith(f"{path}:{line}: GIFT: ") for p in problems), problems


def test_the_command_line_lists_every_problem_of_a_gift_file_and_writes_nothing(app, tmp_path,
                                                                                academy):
    path = tmp_path / "course.zip"
    path.write_bytes(write_zip(sample_package(**{QUIZ_ES: BROKEN.encode(), QUIZ_EN: None}), "pkg"))
    result = app.test_cli_runner().invoke(args=["courses", "import", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nothing was imported" in result.output
    for line in (3, 7, 11, 13):
        assert f"01-principles/quiz-principles.es.gift:{line}: GIFT: " in result.output
    assert db.session.scalar(select(Question).where(Question.ident == "bien")) is None


# --- Descriptions and untitled questions: one rule ----------------------------------------------

def test_untitled_questions_are_named_from_their_words_and_unique_in_the_file():
    described, first, second = parse_gift(UNTITLED)
    assert described.qtype == "description" and first.qtype == second.qtype == "truefalse"
    assert [q.ident for q in (described, first, second)] == [
        "lea-el-caso-un-interno-pide", "debe-registrarse-la-peticion",
        "debe-registrarse-la-peticion-2"]


def test_the_web_import_names_untitled_questions_by_the_same_rule(author, academy):
    target = empty_course(academy, "casos-web")
    page = html.unescape(upload(author, target, "casos.gift",
                                UNTITLED.encode()).get_data(as_text=True))
    assert "<code>debe-registrarse-la-peticion-2</code>" in page and "(generated)" in page
    assert import_file(author, target, "casos.gift", UNTITLED.encode()).status_code == 302
    assert question(target, "lea-el-caso-un-interno-pide").qtype == "description"
    # Imported again, the names are taken: the new questions get the next free number.
    assert import_file(author, target, "casos.gift", UNTITLED.encode()).status_code == 302
    assert question(target, "debe-registrarse-la-peticion-3").qtype == "truefalse"


def test_the_package_import_accepts_untitled_questions_and_descriptions(app_ctx, academy):
    es = UNTITLED + "\n" + GIFT_ES.split("\n", 2)[2]
    en = UNTITLED.replace("Lea el caso", "Read the case").replace(
        "¿Debe registrarse la petición?", "Must the request be recorded?") + "\n" + \
        GIFT_EN.split("\n", 2)[2]
    course = package_ops.import_package(sample_package(**{QUIZ_ES: es.encode(),
                                                          QUIZ_EN: en.encode()}))
    db.session.flush()
    rows = {q.ident: q for q in db.session.scalars(select(Question).where(
        Question.course_id == course.id))}
    described = rows["lea-el-caso-un-interno-pide"]
    assert described.qtype == "description"
    # The English file's untitled questions are the Spanish ones at the same place.
    assert words(described, "en")["text"].startswith("Read the case")
    assert rows["debe-registrarse-la-peticion-2"].spec["correct"] is False


def test_the_command_line_imports_a_package_with_a_description(app, tmp_path, academy):
    path = tmp_path / "course.zip"
    gift = "::intro:: Lea antes de responder.\n\n" + GIFT_ES
    path.write_bytes(write_zip(sample_package(**{QUIZ_ES: gift.encode(), QUIZ_EN: None}), "pkg"))
    result = app.test_cli_runner().invoke(args=["courses", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported searches-with-dignity into cep-madrid." in result.output
    intro = db.session.scalar(select(Question).where(Question.ident == "intro"))
    assert intro.qtype == "description" and intro.spec.get("answers", []) == []


def test_the_review_shows_a_description_as_text_worth_nothing(client, login_as, course, quiz,
                                                               learner):
    from academy.db import utcnow
    from academy.quizzes import closing, slots
    from tests.factories.question_bank import DESCRIPTION_GIFT
    from tests.factories.quizzes import start

    bank_ops.import_questions(course, DESCRIPTION_GIFT.encode(), "gift", "es", "", quiz)
    slots.repaginate(quiz.id, 0)
    db.session.commit()
    attempt = start(learner, quiz, course)
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    login_as(learner)
    page = client.get(f"/attempts/{attempt.id}/review", headers=EN).get_data(as_text=True)
    info = next(s for s in attempt.slots if s.version.qtype == "description")
    assert (info.mark, info.fraction) == (0.0, 0.0)
    assert 'class="question-information"' in page and "tres de la madrugada" in page
    assert f'name="q{info.position}"' not in page and "Question 9" not in page


# --- Short answers: only the ends are trimmed ---------------------------------------------------

@pytest.mark.parametrize("given, earned", [
    ("regla 44", 1.0), ("  Regla 44 \n", 1.0), ("REGLA 44", 1.0),
    ("regla  44", 0.0), ("regla\t44", 0.0), ("regla44", 0.0)])
def test_a_short_answer_is_compared_exactly_once_its_ends_are_trimmed(given, earned):
    spec, content = {"answers": [{"fraction": 1.0}]}, {"answers": [{"text": "regla 44"}]}
    assert grading.grade_shortanswer(spec, content, given) == earned


def test_a_short_answer_with_usecase_keeps_the_case():
    spec = {"case_sensitive": True, "answers": [{"fraction": 1.0}]}
    content = {"answers": [{"text": "Regla 44"}]}
    assert grading.grade_shortanswer(spec, content, " Regla 44 ") == 1.0
    assert grading.grade_shortanswer(spec, content, "regla 44") == 0.0


# --- The command line on a database that is not ready --------------------------------------------

@pytest.mark.no_transaction  # its own app and database, not the tests' shared session
def test_import_on_a_database_never_upgraded_names_the_upgrade_command(tmp_path):
    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    path = tmp_path / "course.zip"
    path.write_bytes(write_zip(sample_package(), "pkg"))
    try:
        with app.app_context():  # the command runs in this app, not the tests' own
            result = app.test_cli_runner().invoke(args=["courses", "import", str(path)])
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_fresh_database(url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == ("Error: The database has no tables yet: run "
                             "`flask --app wsgi db upgrade` first.\n")


@pytest.mark.parametrize("extra", [[], ["--academy", "ro-anp"]])
def test_a_missing_academy_names_the_command_that_creates_it(app, tmp_path, extra):
    path = tmp_path / "course.zip"
    path.write_bytes(write_zip(sample_package(), "pkg"))
    result = app.test_cli_runner().invoke(args=["courses", "import", str(path), *extra])
    slug = extra[1] if extra else "cep-madrid"
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"No academy with the short name '{slug}'." in result.output
    assert f"`flask --app wsgi academies create {slug} --country CC --locale LL" in result.output


# --- Round trip ---------------------------------------------------------------------------------

EVERY_TYPE = r"""$CATEGORY: todo/tipos

::intro:: [html]<p>Lea el caso antes de responder.</p>

::uno:: ¿Quién decide un registro integral? {
  =El director #Correcto
  ~%25%El jefe de servicio #En parte
  ~Cualquier funcionario #No
  ####Las normas exigen autorización.
}

::varias:: Elija las dos correctas {~%50%Respeto ~%50%Intimidad ~%-100%Humillación}

::vf:: Un registro debe ser proporcional. {T#Revise la lección.#Así es.}

::corta:: Palabra clave \{con llaves\} {=dignidad =%50%respeto #casi}

::numero:: ¿Cuántos funcionarios? {#=2:0 =%50%1..3 #cerca}

::pares:: Relacione {=Celda -> Espacio =Persona -> Cuerpo =Norma -> Regla}

::ensayo:: Explique el principio de necesidad. {}

::hueco:: El registro debe ser {=proporcional ~excesivo} a la amenaza.

$CATEGORY: todo/otros

Sin título: información final.

¿Sin título también? {F}
"""


def test_every_type_survives_import_export_and_import_again(author, academy):
    first, second = empty_course(academy, "ida"), empty_course(academy, "vuelta")
    assert import_file(author, first, "todo.gift", EVERY_TYPE.encode()).status_code == 302
    exported = author.get(f"{bank(first)}/export.gift?locale=es&scope=all").get_data(as_text=True)
    assert import_file(author, second, "todo.gift", exported.encode()).status_code == 302
    again = author.get(f"{bank(second)}/export.gift?locale=es&scope=all").get_data(as_text=True)

    def shape(of):
        db.session.expire_all()
        return sorted((q.ident, q.category, q.qtype, q.spec, words(q, "es"))
                      for q in db.session.scalars(
            select(Question).where(Question.course_id == of.id)))
    assert len(shape(first)) == 11 and shape(second) == shape(first)
    assert again == exported
    assert {row[2] for row in shape(first)} == {
        "description", "single", "multiple", "truefalse", "shortanswer", "numerical", "matching",
        "essay"}
    assert sorted(q.ident for q in parse_gift(exported)) == [row[0] for row in shape(first)]
