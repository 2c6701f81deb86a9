"""A quiz written in the browser: an instructor adds it to a module, picks five questions of the
bank and three random ones, in two languages, previews it, publishes and shares the course; a
coordinator approves it; a trainee of another academy enrols and takes the quiz."""
from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.browser.steps import (
    add_lesson,
    add_module,
    add_quiz,
    coordinator_approves,
    create_course,
    enrol,
    find_in_catalogue,
    id_in,
    import_questions,
    publish_and_share,
    save_lesson,
    sign_in,
)


def _gift(words: dict[str, str], category: str, count: int, prefix: str) -> str:
    """A GIFT file of true statements (the trainee answers "true" to all)."""
    lines = [f"$CATEGORY: {category}", ""]
    for n in range(1, count + 1):
        lines += [f"::{prefix}-{n}:: {words['statement']} {n}. {{T}}", ""]
    return "\n".join(lines)


SPANISH = {"statement": "Afirmación verdadera número"}
ENGLISH = {"statement": "True statement number"}


def test_an_instructor_writes_a_quiz_and_a_trainee_of_another_academy_takes_it(new_page, tmp_path):
    tag = secrets.token_hex(3)
    author = new_page(locale="es-ES")
    author.goto("/")
    sign_in(author, "es.instructor")
    course_id = create_course(author, f"Evaluaciones {tag}", f"evaluaciones-{tag}",
                              locales=("es", "en"))
    add_module(author, "Evaluación")
    add_lesson(author, "Antes de empezar")
    save_lesson(author, body="Repase las lecciones antes del cuestionario.", minutes=5)
    author.goto(f"/authoring/courses/{course_id}")
    quiz_id = add_quiz(author, "Evaluación final")
    expect(author.locator("main h1")).to_contain_text("Editar el cuestionario")
    author.locator("#body").fill("Tiene **veinte minutos**. Lea cada pregunta con calma.")
    author.locator("#minutes").fill("20")
    author.locator("button[name=action][value=save]").click()
    expect(author.locator(".flash-success")).to_be_visible()
    author.locator(".page-head .locale-links a[lang=en]").click()
    author.locator("#title").fill("Final assessment")
    author.locator("#body").fill("You have **twenty minutes**.")
    author.locator("button[name=action][value=save]").click()
    expect(author.locator(".flash-success")).to_be_visible()

    # The bank gets its questions in both languages (the English file translates the Spanish).
    for locale, words in (("es", SPANISH), ("en", ENGLISH)):
        for category, count, prefix in (("evaluacion/fijas", 6, "f"), ("evaluacion/azar", 4, "a")):
            path = tmp_path / f"{prefix}-{locale}.gift"
            path.write_text(_gift(words, category, count, f"{prefix}{tag}"), encoding="utf-8")
            import_questions(author, course_id, path, locale)

    author.goto(f"/courses/{course_id}/quizzes/{quiz_id}/questions")
    expect(author.locator("main")).to_contain_text("El cuestionario todavía no tiene preguntas.")
    author.locator("#category").select_option("evaluacion/fijas")
    author.locator("#add form.filters button[type=submit]").click()
    picks = author.locator("ul.pick-list input[type=checkbox]")
    expect(picks).to_have_count(6)
    for index in range(5):
        picks.nth(index).check()
    author.locator("#add form[method=post] button[type=submit]").click()
    expect(author.locator(".flash-success")).to_contain_text("5")
    author.locator("#random-count").fill("3")
    author.locator("#random-category").select_option("evaluacion/azar")
    author.locator("#random button[type=submit]").click()
    expect(author.locator("table.slots tr.slot")).to_have_count(8)
    expect(author.locator("table.slots")).to_contain_text("Pregunta aleatoria")
    # The questions in English, the language being edited, one click away.
    author.locator(".page-head .locale-links a[lang=en]").click()
    expect(author.locator("table.slots")).to_contain_text("True statement number 1.")
    # Page 2 starts after the fifth question; a mark of 2 for the first.
    expect(author.locator("tbody.slot-page")).to_have_count(2)
    author.locator("table.slots tr.slot input[name$='-mark']").first.fill("2")
    author.locator("button[name=action][value=marks]").click()
    expect(author.locator(".flash-success")).to_be_visible()
    expect(author.locator("main .hint").first).to_contain_text("9")  # total of marks

    author.locator("nav.subnav a[href$='/preview']").click()
    expect(author.locator("main")).to_contain_text("No se registra nada de lo que haga aquí")
    expect(author.locator("fieldset.question")).to_have_count(5)
    expect(author.locator(".lesson-body strong")).to_have_text("veinte minutos")
    author.locator("nav.pager a.button.primary").click()
    expect(author.locator("fieldset.question")).to_have_count(3)

    author.goto(f"/authoring/courses/{course_id}")
    publish_and_share(author)

    coordinator_approves(new_page(locale="es-ES"), course_id)

    trainee = new_page(locale="pt-PT")
    find_in_catalogue(trainee, "pt.trainee2", f"Evaluaciones {tag}")
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    enrol(trainee)
    trainee.locator(f"ol.outline a[href$='/quizzes/{quiz_id}']").click()
    trainee.locator(f"form[action$='/quizzes/{quiz_id}/start'] button[type=submit]").click()
    expect(trainee).to_have_url(re.compile(r"/attempts/\d+"))
    attempt_id = id_in(trainee.url, r"/attempts/(\d+)")
    for _page_number in (1, 2):
        for radio in trainee.locator("input[type=radio][value=true]").all():
            radio.check()
        trainee.locator("#attempt-form .attempt-nav button.primary").click()
    expect(trainee).to_have_url(re.compile(rf"/attempts/{attempt_id}/summary"))
    trainee.locator(f"form[action$='/attempts/{attempt_id}/submit'] button[type=submit]").click()
    expect(trainee).to_have_url(re.compile(rf"/attempts/{attempt_id}/review"))
    expect(trainee.locator("main")).to_contain_text("100")
    expect(trainee.locator("fieldset.question")).to_have_count(8)
