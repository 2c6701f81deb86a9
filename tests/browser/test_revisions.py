"""A shared lesson changes only when a coordinator approves it: the instructor edits a revision,
the trainee keeps reading the approved text, the coordinator approves on a page that shows the
change, and then the trainee reads the new text."""
from __future__ import annotations

import re
import secrets

from playwright.sync_api import expect

from tests.browser.steps import (
    add_lesson,
    add_module,
    coordinator_approves,
    create_course,
    enrol,
    find_in_catalogue,
    id_in,
    open_nav,
    publish_and_share,
    save_lesson,
    sign_in,
)


def test_a_shared_lesson_changes_only_when_the_coordinator_approves_the_revision(new_page):
    tag = secrets.token_hex(3)
    author = new_page(locale="es-ES")
    author.goto("/")
    sign_in(author, "es.instructor")
    course_id = create_course(author, f"Visitas {tag}", f"visitas-{tag}", locales=("es", "en"))
    add_module(author, "Visitas")
    lesson_id = add_lesson(author, "Registro de visitas")
    save_lesson(author, body="Las visitas se registran en el libro oficial.", minutes=5)
    author.goto(f"/authoring/courses/{course_id}")
    publish_and_share(author)
    reviewer = new_page(locale="es-ES")
    coordinator_approves(reviewer, course_id)

    trainee = new_page(locale="fr-FR")
    find_in_catalogue(trainee, "fr.trainee2", f"Visitas {tag}")
    enrol(trainee)
    lesson_url = f"/courses/{course_id}/lessons/{lesson_id}"
    trainee.goto(lesson_url)
    expect(trainee.locator(".lesson-body")).to_contain_text("libro oficial")

    # Editing the shared lesson leads to a revision, not to the lesson the network reads.
    author.goto(f"/authoring/lessons/{lesson_id}/texts/es")
    expect(author).to_have_url(re.compile(rf"/authoring/courses/{course_id}#revision$"))
    expect(author.locator("#revision")).to_contain_text("versión")
    author.locator(f"form[action$='/authoring/courses/{course_id}/revision'] button").click()
    revision_id = id_in(author.url, r"/authoring/courses/(\d+)$")
    assert revision_id != course_id
    author.locator("ol.outline .locale-links a[lang=es]").last.click()
    save_lesson(author, body="Las visitas se registran en el **registro electrónico**.")
    author.goto(f"/authoring/courses/{revision_id}")
    author.locator(f"a[href='/authoring/courses/{revision_id}/changes']").click()
    expect(author.locator("pre.diff ins")).to_contain_text(["registro electrónico"])
    expect(author.locator("pre.diff del")).to_contain_text(["libro oficial"])
    author.goto(f"/authoring/courses/{revision_id}")
    author.locator("form[action$='/revision/review'] button").click()
    expect(author.locator(".flash-success")).to_be_visible()

    trainee.goto(lesson_url)  # still the approved text
    expect(trainee.locator(".lesson-body")).to_contain_text("libro oficial")
    expect(trainee.locator(".lesson-body")).not_to_contain_text("registro electrónico")

    open_nav(reviewer, "/reviews")
    reviewer.locator(f"main a[href='/reviews/{revision_id}']").click()
    expect(reviewer.locator("pre.diff ins")).to_contain_text(["registro electrónico"])
    reviewer.locator("button[name=decision][value=approve]").click()
    expect(reviewer.locator(".flash-success")).to_be_visible()

    trainee.goto(lesson_url)
    expect(trainee.locator(".lesson-body strong")).to_have_text("registro electrónico")
