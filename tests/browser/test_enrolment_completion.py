"""Completing a course, click by click: a trainee reads every lesson of the demo's Mandela course
and passes every quiz, answered from the package's GIFT files, in French; the course page and
/learning say it is completed.

The live server's data is shared by the whole session, so a journey that changes enrolment
rules does it on a course its instructor writes and publishes here (a random suffix in its
title and slug); the demo courses keep their open rules. The people are demo people whom no
other test enrols in these courses, or people created here. What is asserted is the page's
language, addresses, ids, classes, form values and counts, never a translated sentence.
"""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from academy.quizzes.gift import GiftQuestion, parse_gift
from tests.browser.enrolment_steps import (
    box,
    enrol_button,
    interface,
    learning_item,
    lesson_links,
    signed_in,
)
from tests.browser.steps import catalogue_links, enrol, open_nav, search_catalogue

# --- Completing a course ------------------------------------------------------------------------

MANDELA = Path(__file__).resolve().parents[2] / "courses" / "mandela-rules-in-practice"


def _outline_links(page: Page):
    """Every item of the course outline: its pages (/lessons/) and quizzes (/quizzes/)."""
    return page.locator("ol.outline a[href*='/lessons/'], ol.outline a[href*='/quizzes/']")


def _quizzes_of(course: Path, lang: str) -> list[list[GiftQuestion]]:
    """The questions of each quiz of a course package, module by module, in `lang`."""
    return [parse_gift(path.read_text(encoding="utf-8"))
            for path in sorted(course.glob(f"*/quiz-*.{lang}.gift"))]


def _plain(text: str) -> str:
    """Words as a person reads them: no tags, entities decoded, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _right_text(asked: GiftQuestion) -> str:
    """What to type for a short-answer or numerical question to earn its whole mark."""
    best = [answer for answer in asked.answers if answer.fraction >= 1]
    if asked.qtype == "numerical":
        answer = best[0]
        value = answer.value if answer.minimum is None else (answer.minimum + answer.maximum) / 2
        return f"{value:g}"
    plain = [answer.text for answer in best if "*" not in answer.text]
    return plain[0] if plain else best[0].text.replace("*", "")  # `*` matches any run, even none


def _tick(question: Locator, text: str) -> None:
    """Click the label of the choice that reads `text` (choices are shuffled) and see it ticked."""
    labels = question.locator("ul.choices label")
    shown = [_plain(label) for label in labels.all_inner_texts()]
    assert shown.count(_plain(text)) == 1, f"{text!r} not once among {shown}"
    label = labels.nth(shown.index(_plain(text)))
    label.click()
    expect(question.locator(f"input[id='{label.get_attribute('for')}']")).to_be_checked()


def _answer_right(question: Locator, asked: GiftQuestion) -> None:
    """Give a question shown in an attempt the answer its GIFT text gives full marks."""
    if asked.qtype in ("single", "multiple"):
        best = max(answer.fraction for answer in asked.answers)
        for answer in asked.answers:
            if (answer.fraction > 0 if asked.qtype == "multiple" else answer.fraction == best):
                _tick(question, answer.text)
    elif asked.qtype == "truefalse":  # the label "Vrai" / "Faux", found by its radio's value
        value = "true" if asked.correct else "false"
        question.locator(f"label[for$='-{value}']").click()
        expect(question.locator(f"input[type=radio][value={value}]")).to_be_checked()
    elif asked.qtype in ("shortanswer", "numerical"):
        question.locator("input[type=text]").fill(_right_text(asked))
    elif asked.qtype == "matching":
        for row in question.locator("table.matching tbody tr").all():
            item = _plain(row.locator("td").first.inner_text())
            pair = next(pair for pair in asked.answers if _plain(pair.text) == item)
            row.locator("select").select_option(label=pair.match)
    else:
        raise AssertionError(f"{asked.ident}: a {asked.qtype} question has no right answer to give")


def _pass_quiz(page: Page, questions: list[GiftQuestion]) -> None:
    """On a quiz's page: start, answer every question right page by page, finish, submit.

    Ends on the attempt's review, which shows the grade at once.
    """
    page.locator("form[action$='/start'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    by_text = {_plain(asked.text): asked for asked in questions}
    answered: list[str] = []
    while True:
        shown = page.locator("#attempt-form fieldset.question")
        expect(shown.first).to_be_visible()
        for question in shown.all():
            text = _plain(question.locator(".question-text").inner_text())
            assert text in by_text, f"a question the quiz's GIFT file does not hold: {text!r}"
            _answer_right(question, by_text[text])
            answered.append(by_text[text].ident)
        go = page.locator("#attempt-form .attempt-nav button.primary")  # next page, or finish
        where = go.get_attribute("value")
        go.click()
        if where == "summary":  # "Finish attempt…"
            break
        expect(page).to_have_url(re.compile(rf"/attempts/\d+\?page={where}$"))  # "Next page"
    assert sorted(answered) == sorted(asked.ident for asked in questions)
    expect(page).to_have_url(re.compile(r"/attempts/\d+/summary$"))
    expect(page.locator("main table tbody tr")).to_have_count(len(questions))
    expect(page.locator("main table tbody strong")).to_have_count(0)  # "Not answered yet"
    page.locator("form[action$='/submit'] button[type=submit]").click()  # "Submit all and finish"
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))
    expect(page.locator(".flash-success").first).to_be_visible()  # submitted
    expect(page.locator("dl.facts dd strong")).to_have_text(re.compile(r"^100\s?%$"))
    expect(page.locator("main fieldset.question")).to_have_count(len(questions))


@pytest.mark.parametrize("username, lang, locale", [("fr.trainee3", "fr", "fr-FR")], ids=["fr"])
def test_a_trainee_reads_every_lesson_and_passes_every_quiz_and_the_course_is_completed(
        new_page, username, lang, locale):
    quizzes = iter(_quizzes_of(MANDELA, lang))
    page = signed_in(new_page, username, locale)
    open_nav(page, "/courses")
    search_catalogue(page, q="Mandela")
    catalogue_links(page).filter(has_text="Mandela").click()  # in every language's title
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    course_id = int(re.search(r"/courses/(\d+)$", page.url).group(1))
    expect(page.locator("html")).to_have_attribute("lang", interface(lang))
    enrol(page)
    expect(_outline_links(page)).to_have_count(12)  # three modules of three pages and a quiz
    expect(lesson_links(page)).to_have_count(9)
    items = [_outline_links(page).nth(i).get_attribute("href") for i in range(12)]
    assert [("/quizzes/" in href) for href in items] == [False, False, False, True] * 3, items
    item_ids = [int(href.rsplit("/", 1)[1]) for href in items]
    expect(page.locator("ol.outline .done-mark")).to_have_count(0)

    _outline_links(page).first.click()
    for number, href in enumerate(items, start=1):
        expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"))
        if "/quizzes/" in href:
            _pass_quiz(page, next(quizzes))
            # Submitted; and, with the last quiz passed, the course is completed.
            expect(page.locator(".flash-success")).to_have_count(2 if number == len(items) else 1)
            page.locator("p.breadcrumb a").first.click()  # back to the course
            expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
            expect(page.locator("ol.outline .done-mark")).to_have_count(number)
            if number < len(items):  # on to the next module's first page
                page.locator(f"ol.outline a[href='{items[number]}']").click()
            continue
        expect(page.locator("article.lesson .lesson-body")).to_have_attribute("lang", lang)
        done = page.locator("form.lesson-done")
        # Every page has a next item: "Next lesson" after a module's last page leads to its quiz.
        expect(done.locator("input[name=next_lesson]")).to_have_value(str(item_ids[number]))
        done.locator("button[type=submit]").click()  # "Next lesson"
        if number == 3:
            # Midway, the dashboard shows a quarter done (3 of 12); "Continue where you left off"
            # leads to where the trainee went on to (the first quiz), not back to the page read.
            expect(page).to_have_url(re.compile(rf"{re.escape(items[3])}$"))
            open_nav(page, "/learning")
            ongoing = learning_item(page, "ongoing", course_id)
            expect(ongoing.locator("progress")).to_have_attribute("value", "25")
            resume = f"/courses/{course_id}/lessons/{item_ids[3]}"  # redirects to the quiz
            ongoing.locator(f"a.button.primary[href='{resume}']").click()  # "Continue"
    assert next(quizzes, None) is None  # every quiz of the package was taken

    # The last quiz passed completes the course: its page shows the box "completed on <date>".
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(page.locator("ol.outline .done-mark")).to_have_count(12)
    expect(enrol_button(page)).to_have_count(0)
    expect(box(page)).to_contain_text(str(date.today().year))

    open_nav(page, "/learning")
    expect(learning_item(page, "ongoing", course_id)).to_have_count(0)
    finished = learning_item(page, "finished", course_id)
    expect(finished).to_be_visible()
    expect(finished.locator("p.muted")).to_contain_text(str(date.today().year))
    finished.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(page.locator("ol.outline .done-mark")).to_have_count(12)
