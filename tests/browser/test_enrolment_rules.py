"""Enrolment rules, click by click: with a key, on request, and the waiting list, in French,
Portuguese, Italian, Spanish and English (the demo people's profile language, or the browser's
for a new person who has not chosen one).

The live server's data is shared by the whole session, so a journey that changes enrolment
rules does it on a course its instructor writes and publishes here (a random suffix in its
title and slug); the demo courses keep their open rules. The people are demo people whom no
other test enrols in these courses, or people created here. What is asserted is the page's
language, addresses, ids, classes, form values and counts, never a translated sentence.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.enrolment_steps import (
    box,
    enrol_button,
    interface,
    learning_item,
    lesson_links,
    own_course,
    roster,
    signed_in,
    suffix,
)
from tests.browser.steps import (
    add_person,
    catalogue_links,
    enrol,
    first_sign_in,
    open_nav,
    search_catalogue,
)


def _leave_button(page: Page):
    return box(page).locator("form[action$='/withdraw'] button[type=submit]")


def _roster_row(page: Page, username: str):
    return roster(page).filter(has=page.locator("span.muted", has_text=re.compile(
        rf"^{re.escape(username)}$")))


def _filter_roster(page: Page, status: str) -> None:
    """The roster's status filter (a GET form): choose and send."""
    filters = page.locator("section[aria-labelledby=roster-title] form.filters")
    filters.locator("#status").select_option(status)
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/enrolment\?status={status}$"))
    expect(filters.locator("#status")).to_have_value(status)


def _save_rules(page: Page, *, policy: str | None = None, key: str | None = None,
                capacity: str | None = None, completion: str | None = None) -> None:
    """On the enrolment page: change some rules, save, and see them kept."""
    form = page.locator("form[action$='/enrolment/rules']")
    if policy is not None:
        form.locator("#policy").select_option(policy)
    if key is not None:
        form.locator("#enrolment_key").fill(key)
    if capacity is not None:
        form.locator("#capacity").fill(capacity)
    if completion is not None:
        form.locator("#completion_mode").select_option(completion)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/authoring/courses/\d+/enrolment$"))
    expect(page.locator(".flash-success")).to_be_visible()
    if policy is not None:
        expect(page.locator("#policy")).to_have_value(policy)
    if key is not None:
        expect(page.locator("#enrolment_key")).to_have_value(key.strip())
    if capacity is not None:
        expect(page.locator("#capacity")).to_have_value(capacity)
    if completion is not None:
        expect(page.locator("#completion_mode")).to_have_value(completion)


def _find_course(page: Page, tag: str, course_id: int, lang: str) -> None:
    """As anyone of the academy: Courses → search the suffix → the one result → its page."""
    open_nav(page, "/courses")
    expect(page.locator("html")).to_have_attribute("lang", interface(lang))
    search_catalogue(page, q=tag)
    expect(catalogue_links(page)).to_have_count(1)
    catalogue_links(page).click()
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(box(page)).to_be_visible()


# --- With a key -------------------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale", [("fr", "fr", "fr-FR"), ("br", "pt", "pt-BR")],
                         ids=["fr", "pt"])
def test_a_trainee_enrols_with_the_key_the_instructor_gave(new_page, cc, lang, locale):
    tag = suffix()
    key = f"clave-{tag}"
    staff = signed_in(new_page, f"{cc}.instructor", locale)
    course_id = own_course(staff, lang, tag)
    expect(staff.locator("html")).to_have_attribute("lang", interface(lang))
    expect(roster(staff)).to_have_count(0)
    _save_rules(staff, policy="key", key=key)

    trainee = signed_in(new_page, f"{cc}.trainee1", locale)
    _find_course(trainee, tag, course_id, lang)
    expect(lesson_links(trainee)).to_have_count(0)
    key_field = box(trainee).locator("#key")
    expect(key_field).to_be_visible()

    key_field.fill("not-the-key")
    enrol_button(trainee).click()
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-error")).to_be_visible()
    expect(trainee.locator(".flash-success")).to_have_count(0)
    expect(key_field).to_have_value("")  # a wrong key is not shown back
    expect(lesson_links(trainee)).to_have_count(0)
    expect(_leave_button(trainee)).to_have_count(0)

    key_field.fill(f" {key} ")  # spaces around it, as when pasted from an e-mail
    enrol_button(trainee).click()
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-success")).to_be_visible()
    expect(box(trainee).locator("form[action$='/enrol']")).to_have_count(0)
    expect(lesson_links(trainee)).to_have_count(1)
    expect(_leave_button(trainee)).to_be_visible()

    staff.reload()
    expect(roster(staff)).to_have_count(1)
    expect(_roster_row(staff,
                       f"{cc}.trainee1").locator("form[action$='/withdraw']")).to_have_count(1)


# --- On request -------------------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale", [("it", "it", "it-IT")], ids=["it"])
def test_a_request_is_approved_then_the_trainee_marks_the_lesson_done(new_page, cc, lang, locale):
    tag = suffix()
    username = f"{cc}.trainee2"
    staff = signed_in(new_page, f"{cc}.instructor", locale)
    course_id = own_course(staff, lang, tag)
    _save_rules(staff, policy="approval", completion="marked")

    trainee = signed_in(new_page, username, locale)
    _find_course(trainee, tag, course_id, lang)
    expect(box(trainee).locator("#key")).to_have_count(0)
    enrol_button(trainee).click()
    expect(trainee.locator(".flash-info")).to_be_visible()
    expect(enrol_button(trainee)).to_have_count(0)
    expect(_leave_button(trainee)).to_be_visible()  # "Cancel my request"
    expect(lesson_links(trainee)).to_have_count(0)
    open_nav(trainee, "/learning")
    waiting = learning_item(trainee, "ongoing", course_id)
    expect(waiting).to_be_visible()
    expect(waiting.locator("progress")).to_have_count(0)  # no progress before approval
    expect(waiting.locator("a.button")).to_have_count(0)

    staff.reload()
    _filter_roster(staff, "pending")
    expect(roster(staff)).to_have_count(1)
    row = _roster_row(staff, username)
    expect(row.locator("form[action$='/approve']")).to_have_count(1)
    row.locator("form[action$='/approve'] button").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    expect(staff.locator(".flash-success")).to_be_visible()
    row = _roster_row(staff, username)
    expect(row.locator("form[action$='/approve']")).to_have_count(0)
    expect(row.locator("form[action$='/withdraw']")).to_have_count(1)
    _filter_roster(staff, "active")
    expect(roster(staff)).to_have_count(1)

    trainee.reload()
    started = learning_item(trainee, "ongoing", course_id)
    expect(started.locator("progress")).to_have_attribute("value", "0")
    started.locator(f"a.button.primary[href='/courses/{course_id}']").click()  # "Start the course"
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(lesson_links(trainee)).to_have_count(1)
    expect(trainee.locator(".done-mark")).to_have_count(0)
    lesson_links(trainee).click()
    done = trainee.locator("form.lesson-done")
    expect(done.locator("input[name=next_lesson]")).to_have_count(0)  # the only lesson
    done.locator("button[type=submit]").click()  # "Mark as done"
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-success")).to_be_visible()  # the course is completed
    expect(trainee.locator("ol.outline .done-mark")).to_have_count(1)

    staff.reload()
    _filter_roster(staff, "completed")
    expect(roster(staff)).to_have_count(1)
    expect(_roster_row(staff, username)).to_be_visible()


# --- The waiting list -------------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale, freed_by", [("pe", "es", "es-PE", "trainee"),
                                                          ("pt", "pt", "pt-PT", "staff")],
                         ids=["es-trainee-leaves", "pt-staff-withdraws"])
def test_a_place_freed_goes_to_the_first_person_waiting(new_page, cc, lang, locale, freed_by):
    tag = suffix()
    first = f"{cc}.trainee3"
    staff = signed_in(new_page, f"{cc}.instructor", locale)
    course_id = own_course(staff, lang, tag)
    _save_rules(staff, capacity="1")

    if freed_by == "trainee":
        # The second person is new, and has not chosen a language: the browser's (English) is used.
        admin = signed_in(new_page, f"{cc}.admin", locale)
        second, one_time = add_person(admin, f"espera.{tag}", f"Persona en espera {tag}")
        waiting = new_page(locale="en-GB")
        first_sign_in(waiting, second, one_time, f"una frase de espera {tag}")
        second_lang = "en"
    else:
        second, second_lang = f"{cc}.trainee1", lang
        waiting = signed_in(new_page, second, locale)

    holder = signed_in(new_page, first, locale)
    _find_course(holder, tag, course_id, lang)
    expect(box(holder).locator("p.muted")).to_contain_text("1")  # one place left
    enrol(holder)
    expect(lesson_links(holder)).to_have_count(1)

    _find_course(waiting, tag, course_id, second_lang)
    enrol_button(waiting).click()  # "Join the waiting list"
    expect(waiting.locator(".flash-info")).to_be_visible()
    expect(enrol_button(waiting)).to_have_count(0)
    expect(box(waiting).locator("p").first).to_have_text(re.compile(r"\b1\b"))  # number 1
    expect(lesson_links(waiting)).to_have_count(0)
    expect(_leave_button(waiting)).to_be_visible()  # "Cancel my request"
    open_nav(waiting, "/learning")
    expect(waiting.locator("main .flash-success")).to_have_count(0)
    expect(learning_item(waiting, "ongoing", course_id).locator("progress")).to_have_count(0)

    staff.reload()
    _filter_roster(staff, "waitlisted")
    expect(roster(staff)).to_have_count(1)
    expect(_roster_row(staff, second)).to_be_visible()

    if freed_by == "trainee":
        holder.reload()
        _leave_button(holder).click()  # "Leave the course"
        expect(holder.locator("main h1")).to_be_visible()  # "Leave the course?": nothing yet
        expect(holder.locator("form[action$='/withdraw'] a")).to_be_visible()  # "Stay"
        holder.locator("form[action$='/withdraw'] button.danger").click()
        expect(holder.locator(".flash-success")).to_be_visible()
        expect(lesson_links(holder)).to_have_count(0)
        expect(enrol_button(holder)).to_be_visible()  # the place went to the person waiting
        staff.reload()
    else:
        _filter_roster(staff, "active")
        _roster_row(staff, first).locator("form[action$='/withdraw'] button").click()
        expect(staff.locator(".flash-success")).to_be_visible()
        expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    _filter_roster(staff, "active")
    expect(roster(staff)).to_have_count(1)
    expect(_roster_row(staff, second)).to_be_visible()
    _filter_roster(staff, "withdrawn")
    expect(_roster_row(staff, first)).to_be_visible()
    expect(_roster_row(staff, first).locator("form")).to_have_count(0)

    waiting.reload()  # /learning: "a place became free"
    expect(waiting.locator("html")).to_have_attribute("lang", interface(second_lang))
    news = waiting.locator("main .flash-success")
    expect(news).to_have_count(1)
    expect(news).to_contain_text(tag)  # names the course
    promoted = learning_item(waiting, "ongoing", course_id)
    expect(promoted.locator("progress")).to_have_attribute("value", "0")
    promoted.locator("h3 a").click()
    expect(lesson_links(waiting)).to_have_count(1)
    expect(enrol_button(waiting)).to_have_count(0)
