"""Enrolment, click by click: keys, requests, the waiting list, cohorts and files, completing a
course.

The live server's data is shared by the whole session, so every journey that changes enrolment
rules does it on a course its instructor writes and publishes here (a random suffix in its title
and slug); the demo courses keep their open rules (the last journey reads one as it is). The
people are demo people whom no other test enrols in these courses, or people created here.
The journeys run in French, Portuguese, Italian, Spanish and English (the demo people's profile
language, or the browser's for a new person who has not chosen one); what is asserted is the
page's language, addresses, ids, classes, form values and counts, never a translated sentence.
"""
from __future__ import annotations

import csv
import html
import io
import re
import secrets
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from academy.quizzes.gift import GiftQuestion, parse_gift
from tests.browser.steps import (
    add_lesson,
    add_module,
    add_person,
    catalogue_links,
    create_course,
    enrol,
    first_sign_in,
    open_enrolment,
    open_nav,
    publish,
    save_lesson,
    search_catalogue,
    sign_in,
)

BOM = b"\xef\xbb\xbf"


def _suffix() -> str:
    return secrets.token_hex(3)


def _signed_in(new_page, username: str, locale: str) -> Page:
    page = new_page(locale=locale)
    page.goto("/")
    sign_in(page, username)
    return page


def _lesson_links(page: Page):
    return page.locator("ol.outline a[href*='/lessons/']")


def _box(page: Page):
    return page.locator("section.enrolment-box")


def _enrol_button(page: Page):
    return _box(page).locator("form[action$='/enrol'] button[type=submit]")


def _leave_button(page: Page):
    return _box(page).locator("form[action$='/withdraw'] button[type=submit]")


def _roster(page: Page):
    """The roster's rows of people (the "Nobody yet." row has no username under the name)."""
    return page.locator("section[aria-labelledby=roster-title] tbody tr:has(td span.muted)")


def _roster_row(page: Page, username: str):
    return _roster(page).filter(has=page.locator("span.muted", has_text=re.compile(
        rf"^{re.escape(username)}$")))


def _roster_usernames(page: Page) -> list[str]:
    return sorted(name.strip() for name in _roster(page).locator("td span.muted").all_inner_texts())


def _filter_roster(page: Page, status: str) -> None:
    """The roster's status filter (a GET form): choose and send."""
    filters = page.locator("section[aria-labelledby=roster-title] form.filters")
    filters.locator("#status").select_option(status)
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/enrolment\?status={status}$"))
    expect(filters.locator("#status")).to_have_value(status)


def _interface(language: str):
    """The page's lang for a reader of `language`: that language or one of its varieties
    (pt-BR, pt-PT, es-419)."""
    return re.compile(rf"^{language}(-\w+)?$")


def _own_course(page: Page, lang: str, tag: str, *, lessons: int = 1) -> int:
    """As an instructor: write a course of `lessons` lessons in `lang`, publish it; its id.

    Ends on the course's enrolment page, reached from the course editor.
    """
    course_id = create_course(page, f"Curso {tag}", f"inscripcion-{tag}", locales=(lang,))
    add_module(page, f"Módulo {tag}")
    for number in range(1, lessons + 1):
        add_lesson(page, f"Lección {number} {tag}")
        save_lesson(page, body=f"## Lección {number}\n\nTexto de la lección {number}.")
        page.locator("p.breadcrumb a").click()
        expect(page).to_have_url(re.compile(rf"/authoring/courses/{course_id}$"))
    publish(page)
    open_enrolment(page, course_id)
    return course_id


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
    expect(page.locator("html")).to_have_attribute("lang", _interface(lang))
    search_catalogue(page, q=tag)
    expect(catalogue_links(page)).to_have_count(1)
    catalogue_links(page).click()
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(_box(page)).to_be_visible()


def _learning_item(page: Page, section: str, course_id: int):
    """The /learning entry of a course in the "ongoing" or "finished" section."""
    return page.locator(f"section[aria-labelledby={section}-title] ul.course-list > li"
                        f":has(h3 a[href='/courses/{course_id}'])")


# --- 1. With a key ----------------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale", [("fr", "fr", "fr-FR"), ("br", "pt", "pt-BR")],
                         ids=["fr", "pt"])
def test_a_trainee_enrols_with_the_key_the_instructor_gave(new_page, cc, lang, locale):
    tag = _suffix()
    key = f"clave-{tag}"
    staff = _signed_in(new_page, f"{cc}.instructor", locale)
    course_id = _own_course(staff, lang, tag)
    expect(staff.locator("html")).to_have_attribute("lang", _interface(lang))
    expect(_roster(staff)).to_have_count(0)
    _save_rules(staff, policy="key", key=key)

    trainee = _signed_in(new_page, f"{cc}.trainee1", locale)
    _find_course(trainee, tag, course_id, lang)
    expect(_lesson_links(trainee)).to_have_count(0)
    key_field = _box(trainee).locator("#key")
    expect(key_field).to_be_visible()

    key_field.fill("not-the-key")
    _enrol_button(trainee).click()
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-error")).to_be_visible()
    expect(trainee.locator(".flash-success")).to_have_count(0)
    expect(key_field).to_have_value("")  # a wrong key is not shown back
    expect(_lesson_links(trainee)).to_have_count(0)
    expect(_leave_button(trainee)).to_have_count(0)

    key_field.fill(f" {key} ")  # spaces around it, as when pasted from an e-mail
    _enrol_button(trainee).click()
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-success")).to_be_visible()
    expect(_box(trainee).locator("form[action$='/enrol']")).to_have_count(0)
    expect(_lesson_links(trainee)).to_have_count(1)
    expect(_leave_button(trainee)).to_be_visible()

    staff.reload()
    expect(_roster(staff)).to_have_count(1)
    expect(_roster_row(staff,
                       f"{cc}.trainee1").locator("form[action$='/withdraw']")).to_have_count(1)


# --- 2. On request ----------------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale", [("it", "it", "it-IT")], ids=["it"])
def test_a_request_is_approved_then_the_trainee_marks_the_lesson_done(new_page, cc, lang, locale):
    tag = _suffix()
    username = f"{cc}.trainee2"
    staff = _signed_in(new_page, f"{cc}.instructor", locale)
    course_id = _own_course(staff, lang, tag)
    _save_rules(staff, policy="approval", completion="marked")

    trainee = _signed_in(new_page, username, locale)
    _find_course(trainee, tag, course_id, lang)
    expect(_box(trainee).locator("#key")).to_have_count(0)
    _enrol_button(trainee).click()
    expect(trainee.locator(".flash-info")).to_be_visible()
    expect(_enrol_button(trainee)).to_have_count(0)
    expect(_leave_button(trainee)).to_be_visible()  # "Cancel my request"
    expect(_lesson_links(trainee)).to_have_count(0)
    open_nav(trainee, "/learning")
    waiting = _learning_item(trainee, "ongoing", course_id)
    expect(waiting).to_be_visible()
    expect(waiting.locator("progress")).to_have_count(0)  # no progress before approval
    expect(waiting.locator("a.button")).to_have_count(0)

    staff.reload()
    _filter_roster(staff, "pending")
    expect(_roster(staff)).to_have_count(1)
    row = _roster_row(staff, username)
    expect(row.locator("form[action$='/approve']")).to_have_count(1)
    row.locator("form[action$='/approve'] button").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    expect(staff.locator(".flash-success")).to_be_visible()
    row = _roster_row(staff, username)
    expect(row.locator("form[action$='/approve']")).to_have_count(0)
    expect(row.locator("form[action$='/withdraw']")).to_have_count(1)
    _filter_roster(staff, "active")
    expect(_roster(staff)).to_have_count(1)

    trainee.reload()
    started = _learning_item(trainee, "ongoing", course_id)
    expect(started.locator("progress")).to_have_attribute("value", "0")
    started.locator(f"a.button.primary[href='/courses/{course_id}']").click()  # "Start the course"
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(_lesson_links(trainee)).to_have_count(1)
    expect(trainee.locator(".done-mark")).to_have_count(0)
    _lesson_links(trainee).click()
    done = trainee.locator("form.lesson-done")
    expect(done.locator("input[name=next_lesson]")).to_have_count(0)  # the only lesson
    done.locator("button[type=submit]").click()  # "Mark as done"
    expect(trainee).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(trainee.locator(".flash-success")).to_be_visible()  # the course is completed
    expect(trainee.locator("ol.outline .done-mark")).to_have_count(1)

    staff.reload()
    _filter_roster(staff, "completed")
    expect(_roster(staff)).to_have_count(1)
    expect(_roster_row(staff, username)).to_be_visible()


# --- 3. The waiting list ----------------------------------------------------------------------

@pytest.mark.parametrize("cc, lang, locale, freed_by", [("pe", "es", "es-PE", "trainee"),
                                                          ("pt", "pt", "pt-PT", "staff")],
                         ids=["es-trainee-leaves", "pt-staff-withdraws"])
def test_a_place_freed_goes_to_the_first_person_waiting(new_page, cc, lang, locale, freed_by):
    tag = _suffix()
    first = f"{cc}.trainee3"
    staff = _signed_in(new_page, f"{cc}.instructor", locale)
    course_id = _own_course(staff, lang, tag)
    _save_rules(staff, capacity="1")

    if freed_by == "trainee":
        # The second person is new, and has not chosen a language: the browser's (English) is used.
        admin = _signed_in(new_page, f"{cc}.admin", locale)
        second, one_time = add_person(admin, f"espera.{tag}", f"Persona en espera {tag}")
        waiting = new_page(locale="en-GB")
        first_sign_in(waiting, second, one_time, f"una frase de espera {tag}")
        second_lang = "en"
    else:
        second, second_lang = f"{cc}.trainee1", lang
        waiting = _signed_in(new_page, second, locale)

    holder = _signed_in(new_page, first, locale)
    _find_course(holder, tag, course_id, lang)
    expect(_box(holder).locator("p.muted")).to_contain_text("1")  # one place left
    enrol(holder)
    expect(_lesson_links(holder)).to_have_count(1)

    _find_course(waiting, tag, course_id, second_lang)
    _enrol_button(waiting).click()  # "Join the waiting list"
    expect(waiting.locator(".flash-info")).to_be_visible()
    expect(_enrol_button(waiting)).to_have_count(0)
    expect(_box(waiting).locator("p").first).to_have_text(re.compile(r"\b1\b"))  # number 1
    expect(_lesson_links(waiting)).to_have_count(0)
    expect(_leave_button(waiting)).to_be_visible()  # "Cancel my request"
    open_nav(waiting, "/learning")
    expect(waiting.locator("main .flash-success")).to_have_count(0)
    expect(_learning_item(waiting, "ongoing", course_id).locator("progress")).to_have_count(0)

    staff.reload()
    _filter_roster(staff, "waitlisted")
    expect(_roster(staff)).to_have_count(1)
    expect(_roster_row(staff, second)).to_be_visible()

    if freed_by == "trainee":
        holder.reload()
        _leave_button(holder).click()  # "Leave the course"
        expect(holder.locator("main h1")).to_be_visible()  # "Leave the course?": nothing yet
        expect(holder.locator("form[action$='/withdraw'] a")).to_be_visible()  # "Stay"
        holder.locator("form[action$='/withdraw'] button.danger").click()
        expect(holder.locator(".flash-success")).to_be_visible()
        expect(_lesson_links(holder)).to_have_count(0)
        expect(_enrol_button(holder)).to_be_visible()  # the place went to the person waiting
        staff.reload()
    else:
        _filter_roster(staff, "active")
        _roster_row(staff, first).locator("form[action$='/withdraw'] button").click()
        expect(staff.locator(".flash-success")).to_be_visible()
        expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    _filter_roster(staff, "active")
    expect(_roster(staff)).to_have_count(1)
    expect(_roster_row(staff, second)).to_be_visible()
    _filter_roster(staff, "withdrawn")
    expect(_roster_row(staff, first)).to_be_visible()
    expect(_roster_row(staff, first).locator("form")).to_have_count(0)

    waiting.reload()  # /learning: "a place became free"
    expect(waiting.locator("html")).to_have_attribute("lang", _interface(second_lang))
    news = waiting.locator("main .flash-success")
    expect(news).to_have_count(1)
    expect(news).to_contain_text(tag)  # names the course
    promoted = _learning_item(waiting, "ongoing", course_id)
    expect(promoted.locator("progress")).to_have_attribute("value", "0")
    promoted.locator("h3 a").click()
    expect(_lesson_links(waiting)).to_have_count(1)
    expect(_enrol_button(waiting)).to_have_count(0)


# --- 4. Cohorts and files ---------------------------------------------------------------------

def _download(page: Page, selector: str):
    with page.expect_download() as info:
        page.locator(selector).click()
    download = info.value
    assert download.failure() is None, download.failure()
    return download


def test_an_academy_enrols_people_from_a_file_and_a_cohort_then_exports_progress(
        new_page, tmp_path):
    from openpyxl import load_workbook

    tag = _suffix()
    cc, lang, locale = "it", "it", "it-IT"
    names = {"it.trainee1": "Chiara Ricci", "it.trainee2": "Niccolò Fabbri",
             "it.trainee3": "Francesca Galli"}

    # The academy admin groups two trainees into a cohort.
    admin = _signed_in(new_page, f"{cc}.admin", locale)
    admin.locator(".main-nav a[href$='/cohorts']").click()
    expect(admin).to_have_url(re.compile(r"/academies/\d+/cohorts$"))
    expect(admin.locator("html")).to_have_attribute("lang", _interface(lang))
    admin.locator("#name").fill(f"Corso {tag}")
    admin.locator("main form button.primary[type=submit]").click()
    expect(admin).to_have_url(re.compile(r"/cohorts/\d+$"))
    cohort_id = int(re.search(r"/cohorts/(\d+)$", admin.url).group(1))
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.locator("main h1")).to_contain_text(f"Corso {tag}")
    admin.locator("#people").fill(f"it.trainee2\nIT.Trainee3\nnessuno.{tag}\n")
    admin.locator("form[action$='/members'] button[type=submit]").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.locator(".flash-warning")).to_contain_text(f"nessuno.{tag}")
    members = admin.locator("section[aria-labelledby=members-title] tbody td code")
    expect(members).to_have_count(2)
    assert sorted(members.all_inner_texts()) == ["it.trainee2", "it.trainee3"]
    admin.locator("p.breadcrumb a").click()
    expect(admin.locator(f"main a[href='/cohorts/{cohort_id}']")).to_be_visible()

    # The instructor enrols people from a spreadsheet saved as CSV (UTF-8, semicolons, accents).
    staff = _signed_in(new_page, f"{cc}.instructor", locale)
    course_id = _own_course(staff, lang, tag)
    sheet = tmp_path / f"iscrizioni-{tag}.csv"
    sheet.write_text("username;nome\nit.trainee1;Chiara Ricci\nit.trainee2;Niccolò Fabbri\n",
                     encoding="utf-8")
    staff.locator("#csv_file").set_input_files(sheet)
    staff.locator("form[action$='/enrolment/import'] button[type=submit]").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment/import$"))
    expect(staff.locator("main p.notice")).to_be_visible()
    expect(staff.locator("main .form-errors")).to_have_count(0)
    preview = staff.locator("main table tbody tr")
    expect(preview).to_have_count(2)
    expect(staff.locator("main table tr.row-error")).to_have_count(0)
    expect(preview.locator("td code")).to_have_text(["it.trainee1", "it.trainee2"])
    expect(preview.nth(1).locator("td").nth(2)).to_have_text(names["it.trainee2"])
    staff.locator("form[action$='/import/apply'] button[type=submit]").click()  # "Confirm"
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/enrolment$"))
    expect(staff.locator(".flash-success")).to_be_visible()
    assert _roster_usernames(staff) == ["it.trainee1", "it.trainee2"]

    # … and the cohort: one more person, one already there.
    cohort_select = staff.locator("#cohort_id")
    expect(cohort_select.locator(f"option[value='{cohort_id}']")).to_contain_text(
        f"Corso {tag} (2)")
    cohort_select.select_option(str(cohort_id))
    staff.locator("form[action$='/enrolment/cohort'] button[type=submit]").click()
    expect(staff.locator("main ul li")).to_have_count(2)  # first who, then the enrolment
    staff.locator("main form:has(input[name=confirmed]) button.primary").click()
    expect(_roster(staff)).to_have_count(3)  # the page came back (same address as before)
    expect(staff.locator(".flash-success")).to_have_count(1)
    expect(staff.locator(".flash-info")).to_have_count(0)  # nobody waits: no limit of places
    assert _roster_usernames(staff) == sorted(names)

    # The progress grid and its exports.
    staff.locator(f"a.button[href='/authoring/courses/{course_id}/progress']").click()
    expect(staff).to_have_url(re.compile(rf"/authoring/courses/{course_id}/progress$"))
    expect(staff.locator("table.grid tbody tr")).to_have_count(3)
    expect(staff.locator("table.grid thead th.lesson-col")).to_have_count(1)

    download = _download(staff,
                         f"form[action='/authoring/courses/{course_id}/progress.csv'] button")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(BOM), data[:20]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 4, rows  # a header and three people
    assert len(rows[0]) == 6  # name, username, status, progress, completed on, one lesson
    assert {row[1]: row[0] for row in rows[1:]} == names  # accents intact

    download = _download(staff,
                         f"form[action='/authoring/courses/{course_id}/progress.xlsx'] button")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    cells = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    assert [row[:2] for row in cells[1:]] == [[row[0], row[1]] for row in rows[1:]]
    assert {row[1] for row in cells[1:]} == set(names)


# --- 5. Completing a course ---------------------------------------------------------------------

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
    page = _signed_in(new_page, username, locale)
    open_nav(page, "/courses")
    search_catalogue(page, q="Mandela")
    catalogue_links(page).filter(has_text="Mandela").click()  # in every language's title
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    course_id = int(re.search(r"/courses/(\d+)$", page.url).group(1))
    expect(page.locator("html")).to_have_attribute("lang", _interface(lang))
    enrol(page)
    expect(_outline_links(page)).to_have_count(12)  # three modules of three pages and a quiz
    expect(_lesson_links(page)).to_have_count(9)
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
            ongoing = _learning_item(page, "ongoing", course_id)
            expect(ongoing.locator("progress")).to_have_attribute("value", "25")
            resume = f"/courses/{course_id}/lessons/{item_ids[3]}"  # redirects to the quiz
            ongoing.locator(f"a.button.primary[href='{resume}']").click()  # "Continue"
    assert next(quizzes, None) is None  # every quiz of the package was taken

    # The last quiz passed completes the course: its page shows the box "completed on <date>".
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(page.locator("ol.outline .done-mark")).to_have_count(12)
    expect(_enrol_button(page)).to_have_count(0)
    expect(_box(page)).to_contain_text(str(date.today().year))

    open_nav(page, "/learning")
    expect(_learning_item(page, "ongoing", course_id)).to_have_count(0)
    finished = _learning_item(page, "finished", course_id)
    expect(finished).to_be_visible()
    expect(finished.locator("p.muted")).to_contain_text(str(date.today().year))
    finished.locator("h3 a").click()
    expect(page).to_have_url(re.compile(rf"/courses/{course_id}$"))
    expect(page.locator("ol.outline .done-mark")).to_have_count(12)


def test_an_academy_admin_enrols_a_cohort_in_another_academys_shared_course(new_page):
    """ESPEN (Brazil) enrols its group A in ENAP's shared course as it is, without adopting it:
    a cohort, a confirmation with the count and the names, then each person's outcome."""
    page = new_page(locale="pt-BR")
    page.goto("/")
    sign_in(page, "br.admin")
    open_nav(page, "/courses")
    search_catalogue(page, q="")
    catalogue_links(page).filter(has_text=re.compile("[Ss]egurança dinâmica")).first.click()
    expect(page).to_have_url(re.compile(r"/courses/\d+$"))
    page.locator("section.panel a.button.primary[href*='/people?academy=']").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people\?academy=\d+$"))
    group = page.locator("#cohort_id option", has_text="capacitação A").get_attribute("value")
    page.locator("#cohort_id").select_option(group)
    page.locator("form:has(#cohort_id) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people/confirm$"))
    names = page.locator("main ul li")
    expect(names).to_have_count(8)  # eight people: every name shown before anything happens
    expect(page.locator("main form button.primary")).to_contain_text("8")
    page.locator("main form button.primary").click()
    expect(page).to_have_url(re.compile(r"/courses/\d+/people/apply$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(8)
    expect(page.locator("ul.summary-counts li").first).to_contain_text(re.compile(r"\d+"))
    for row in rows.all():
        expect(row.locator("td")).not_to_be_empty()  # an outcome for each, with its reason
