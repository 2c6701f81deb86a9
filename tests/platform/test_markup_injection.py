"""Text that came from a user or a file is shown as text: a quiz title, a category, a name or a
line of an imported file never becomes markup in a page (issue 16, security fixes 1 and 2)."""
from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from flask import flash, get_flashed_messages, render_template_string
from markupsafe import Markup, escape
from wtforms import Form, SelectField

from academy.curricula import operations as course_ops
from academy.curricula.models import LessonText
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.forms import choices
from academy.i18n import lazy_gettext as _l
from academy.packages import operations as package_ops
from academy.packages.archive import write_zip
from academy.quizzes import queries as quiz_queries
from tests.factories.packages import sample_package
from tests.factories.question_bank import EN, add_question, bank, create, rows, upload
from tests.support import csrf_token

REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example">'
SCRIPT = "<script>alert(1)</script>"
ACADEMY_DIR = Path(__file__).resolve().parents[2] / "academy"


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")


@pytest.fixture
def author(client, instructor, login_as):
    """The client, signed in as an instructor of the course's academy."""
    login_as(instructor)
    return client


@pytest.fixture
def quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


def assert_shown_as_text(page: str, *texts: str) -> None:
    for text in texts:
        assert text not in page, text
        assert str(escape(text)) in page, text


# --- The one way a lazy message is built --------------------------------------------------------

def test_a_lazy_message_is_plain_text_wherever_it_is_printed(app_ctx):
    message = _l("Quiz %(title)s", title=SCRIPT)
    assert str(message) == f"Quiz {SCRIPT}"  # as the CLI, a CSV or a log prints it
    assert render_template_string("{{ m }}", m=message) == f"Quiz {escape(SCRIPT)}"
    assert Markup("<p>{}</p>").format(message) == f"<p>Quiz {escape(SCRIPT)}</p>"

    class Pick(Form):
        scope = SelectField(_l("Questions %(n)s", n=SCRIPT), choices=choices([("x", message)]))

    rendered = str(Pick().scope) + str(Pick().scope.label)
    assert SCRIPT not in rendered and rendered.count(str(escape(SCRIPT))) == 2
    flash(message)
    assert escape(get_flashed_messages()[0]) == f"Quiz {escape(SCRIPT)}"


def test_no_module_builds_a_lazy_message_that_claims_to_be_markup():
    """Flask-Babel's own lazy strings print their values as markup: every module imports
    `lazy_gettext`/`lazy_ngettext` from academy.i18n, and builds no LazyString itself."""
    offenders = []
    for path in sorted(ACADEMY_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                names = {alias.name for alias in node.names}
                if names & {"lazy_gettext", "lazy_ngettext", "lazy_pgettext"}:
                    offenders.append(f"{path.relative_to(ACADEMY_DIR)}:{node.lineno}")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "LazyString":
                offenders.append(f"{path.relative_to(ACADEMY_DIR)}:{node.lineno}")
    assert offenders == []


# --- Fix 1: titles and names in pages -----------------------------------------------------------

def _retitle(lesson, title: str) -> None:
    for text in lesson.texts:
        text.title = title
    if not lesson.texts:
        lesson.texts.append(LessonText(locale="es", title=title, body=""))


def test_quiz_titles_and_categories_are_text_in_the_export_choices(author, course, quiz):
    add_question(course, "meta-cat", category=REFRESH)
    add_question(course, "script-cat", category=SCRIPT)
    _retitle(quiz, f"{REFRESH}{SCRIPT}")
    db.session.commit()
    for locale in ("en", "es"):
        response = author.get(f"{bank(course)}/export", headers={"Accept-Language": locale})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert_shown_as_text(page, REFRESH, SCRIPT)
        assert 'http-equiv="refresh"' not in page


def test_titles_in_the_course_checklist_are_text(author, course, quiz):
    module = course_ops.add_module(course, REFRESH)  # a module with no lessons is a finding
    _retitle(quiz, SCRIPT)
    db.session.commit()
    page = author.get(f"/authoring/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert module.id and "has no lessons" in page
    assert_shown_as_text(page, REFRESH, SCRIPT)


def test_a_trainees_name_in_an_enrolment_refusal_is_text(app_ctx, course, create_user,
                                                         other_academy):
    stranger = create_user(academy=other_academy, roles=["trainee"], display_name=SCRIPT)
    with pytest.raises(enrolment_ops.EnrolmentRefused) as refused:
        enrolment_ops.enrol_by_staff(stranger, course)
    assert render_template_string("{{ m }}",
                                  m=refused.value.message).startswith(str(escape(SCRIPT)))


# --- Fix 2: what an imported file says, echoed in its error messages ---------------------------

def test_a_course_package_problem_shows_the_files_markup_as_text(author, course):
    files = sample_package(**{"course.toml": sample_package()["course.toml"].replace(
        b'modules = ["01-principles", "02-practice"]',
        b'modules = ["01-principles", "02-practice", "03-<script>alert(1)</script>"]')})
    assert files["course.toml"] != sample_package()["course.toml"]
    response = author.post("/authoring/import", data={
        "csrf_token": csrf_token(author, "/authoring/import"),
        "package": (io.BytesIO(write_zip(files, "pkg")), "pkg.zip")},
        content_type="multipart/form-data", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is not a valid name" in page
    assert_shown_as_text(page, "03-<script>alert(1)</script>")


def test_a_gift_file_error_shows_the_files_markup_as_text(author, course):
    response = upload(author, course, "bad.gift", b"::n:: How many? {#<b>three</b>}\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "line 1" in page
    assert "“<b>three</b>” is not a number." not in page
    assert "“&lt;b&gt;three&lt;/b&gt;” is not a number." in page


@pytest.mark.parametrize("document, shown", [
    (b'<?xml version="1.0"?>\n<script>alert(1)</script>', "not <script>."),
    (b'<?xml version="1.0"?>\n<quiz>\n<question type="numerical"><questiontext><text>?</text>'
     b'</questiontext><answer fraction="100"><text>&lt;b&gt;3&lt;/b&gt;</text></answer>'
     b'</question></quiz>', "“<b>3</b>” is not a number."),
])
def test_a_moodle_xml_error_shows_the_files_markup_as_text(author, course, document, shown):
    response = upload(author, course, "bad.xml", document)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_shown_as_text(page, shown)


def test_a_moodle_xml_type_campus_lacks_is_named_as_text_in_the_preview(author, course):
    """A question type Campus does not have is skipped, and the preview names it as text."""
    response = upload(author, course, "bad.xml", (
        b'<?xml version="1.0"?>\n<quiz>\n<question type="&lt;img src=x onerror=alert(1)&gt;">'
        b'<questiontext><text>?</text></questiontext></question></quiz>'))
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert_shown_as_text(page, "“<img src=x onerror=alert(1)>” question will be skipped")


def test_a_people_csv_error_shows_the_files_markup_as_text(client, academy, academy_admin,
                                                         login_as):
    login_as(academy_admin)
    path = f"/academies/{academy.id}/people/import"
    for data, shown in (
            ("username,display_name,<script>alert(1)</script>\nana,Ana,x\n",
             "unknown columns: <script>alert(1)</script>."),
            ("username,display_name,role\nana.perez,Ana,<b>boss</b>\n",
             "Unknown role “<b>boss</b>”")):
        response = client.post(path, data={
            "csrf_token": csrf_token(client, path),
            "csv_file": (io.BytesIO(data.encode()), "people.csv")},
            content_type="multipart/form-data", headers=EN)
        page = response.get_data(as_text=True)
        assert response.status_code in (200, 422)
        assert_shown_as_text(page, shown)


def test_the_numerical_question_form_shows_what_was_typed_as_text(author, course):
    response = create(author, course, "numerical", {"ident": "n", "text": "How many?", **rows(
        {"value": "<b>2</b>", "tolerance": "0", "percent": "100"})})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_shown_as_text(page, "“<b>2</b>” is not a number.")


def test_the_cli_prints_a_packages_problems_as_plain_text(app, course):
    files = sample_package(**{"course.toml": sample_package()["course.toml"].replace(
        b'modules = ["01-principles", "02-practice"]', b'modules = ["01-principles", "<b>x</b>"]')})
    with app.test_request_context(), pytest.raises(package_ops.PackageInvalid) as invalid:
        package_ops.import_package(files)
    assert any("“<b>x</b>” is not a valid name" in str(p) for p in invalid.value.problems)
