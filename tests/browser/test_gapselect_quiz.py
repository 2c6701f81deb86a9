"""Select missing words in the browser: an instructor imports a Moodle XML "gapselect" question
into a new quiz and publishes the course; two new trainees take the quiz, one with JavaScript and
one without, choosing each missing word in the drop-down at its place, and read the review."""
from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from tests.browser.checks import assert_accessible
from tests.browser.steps import (
    add_lesson,
    add_module,
    add_person,
    add_quiz,
    catalogue_links,
    create_course,
    enrol,
    first_sign_in,
    id_in,
    open_nav,
    publish,
    save_lesson,
    search_catalogue,
    sign_in,
)

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="gapselect">
    <name><text>gatos-{tag}</text></name>
    <questiontext format="html"><text><![CDATA[<p>El [[1]] se sentó en la [[2]]; luego el [[1]] durmió.</p>]]></text></questiontext>
    <generalfeedback format="html"><text>Los gatos se sientan en las alfombras.</text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <shuffleanswers>1</shuffleanswers>
    <correctfeedback format="html"><text>Todo correcto.</text></correctfeedback>
    <partiallycorrectfeedback format="html"><text>En parte correcto.</text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text>Incorrecto.</text></incorrectfeedback>
    <selectoption><text>gato</text><group>1</group></selectoption>
    <selectoption><text>alfombra</text><group>2</group></selectoption>
    <selectoption><text>perro</text><group>1</group></selectoption>
    <selectoption><text>silla</text><group>2</group></selectoption>
  </question>
</quiz>
"""  # noqa: E501 - the data as it is


def _course_with_a_gapselect_quiz(new_page, tmp_path, tag: str) -> tuple[int, int]:
    author = new_page(locale="es-ES")
    author.goto("/")
    sign_in(author, "es.instructor")
    course_id = create_course(author, f"Palabras {tag}", f"palabras-{tag}", locales=("es",))
    add_module(author, "Vocabulario")
    add_lesson(author, "Antes de empezar")
    save_lesson(author, body="Lea la frase entera antes de elegir.", minutes=2)
    author.goto(f"/authoring/courses/{course_id}")
    quiz_id = add_quiz(author, "Palabras que faltan")
    path = tmp_path / f"gatos-{tag}.xml"
    path.write_text(MOODLE_XML.format(tag=tag), encoding="utf-8")
    author.goto(f"/courses/{course_id}/questions/import")
    author.locator("#upload").set_input_files(str(path))
    author.locator("#locale").select_option("es")
    author.locator("#placement").select_option(str(quiz_id))
    author.locator("main form button.primary[type=submit]").click()
    author.locator("form[action$='/questions/import/apply'] button.primary").click()
    expect(author.locator(".flash-success")).to_be_visible()
    author.goto(f"/authoring/courses/{course_id}")
    publish(author)
    return course_id, quiz_id


def _new_trainee(new_page, tag: str, suffix: str) -> tuple[str, str]:
    admin = new_page(locale="es-ES")
    admin.goto("/")
    sign_in(admin, "es.admin")
    return add_person(admin, f"gaps.{suffix}.{tag}", f"Aprendiz {suffix} {tag}")


def _take_the_quiz(page: Page, username: str, one_time: str, tag: str, quiz_id: int,
                   axe=None) -> None:
    first_sign_in(page, username, one_time, f"palabras-{tag}-secretas")
    open_nav(page, "/courses")
    search_catalogue(page, q=f"Palabras {tag}")
    catalogue_links(page).click()
    enrol(page)
    page.locator(f"ol.outline a[href$='/quizzes/{quiz_id}']").click()
    page.locator(f"form[action$='/quizzes/{quiz_id}/start'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+"))
    attempt_id = id_in(page.url, r"/attempts/(\d+)")
    gaps = page.locator("fieldset.question select.gap")
    expect(gaps).to_have_count(3)
    expect(gaps.nth(1)).to_have_attribute("aria-label", re.compile(r"\b2$"))  # "Gap 2"
    # The first place offers the animals only; the second, the things.
    assert sorted(gaps.nth(0).locator("option").all_inner_texts()) == ["", "gato", "perro"]
    assert sorted(gaps.nth(1).locator("option").all_inner_texts()) == ["", "alfombra", "silla"]
    if axe is not None:
        assert_accessible(page, axe)
    gaps.nth(0).select_option(label="gato")
    gaps.nth(1).select_option(label="alfombra")
    gaps.nth(2).select_option(label="perro")  # wrong: the cat slept
    page.locator("#attempt-form .attempt-nav button.primary").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/summary"))
    page.locator(f"form[action$='/attempts/{attempt_id}/submit'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/attempts/{attempt_id}/review"))
    question = page.locator("fieldset.question")
    expect(question.locator(".verdict.right")).to_have_count(2)
    expect(question.locator(".verdict.wrong")).to_have_count(1)
    expect(question.locator("select.gap[disabled]")).to_have_count(3)
    expect(question.locator("select.gap").nth(2)).to_have_value(re.compile(r"\d"))
    expect(question).to_contain_text("En parte correcto.")
    expect(question).to_contain_text("Los gatos se sientan en las alfombras.")
    if axe is not None:
        assert_accessible(page, axe)


def test_trainees_fill_the_missing_words_with_and_without_javascript(new_page, tmp_path, axe):
    tag = secrets.token_hex(3)
    _course_id, quiz_id = _course_with_a_gapselect_quiz(new_page, tmp_path, tag)
    for suffix, scripts in (("js", True), ("nojs", False)):
        username, one_time = _new_trainee(new_page, tag, suffix)
        page = new_page(locale="es-ES", java_script_enabled=scripts)
        _take_the_quiz(page, username, one_time, tag, quiz_id, axe if scripts else None)
