"""Cloze questions in a course: a trainee's page and its review, the statistics, the bank's
editor and preview, Moodle XML in and out, GIFT leaving them out with a word saying so, and
course packages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import answering, closing, queries, slots, starting
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.models import Attempt, Question
from academy.quizzes.moodle_xml import read_moodle_xml
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from tests.factories.cloze import SOURCE, SOURCE_EN, cloze_question
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


# --- A trainee takes a quiz with a cloze question ----------------------------------------------

@pytest.fixture
def cloze_quiz(course):
    """The sample course's quiz holding only a cloze question (es and en)."""
    lesson = queries.quizzes_of(course.id)[0]
    for slot in slots.slots_of(lesson.id):
        slots.remove_slot(lesson, slot.id)
    bank_ops.create_cloze(course, cloze_question(general="Repase la lección."),
                          {"en": cloze_question(SOURCE_EN, general="Read the lesson again.")},
                          lesson)
    lesson.settings = {**lesson.settings, "review_answers": "immediately",
                       "review_feedback": "immediately", "review_score": "immediately"}
    db.session.commit()
    return lesson


@pytest.fixture
def learner(course, create_user, academy):
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def test_a_trainee_answers_a_cloze_question_and_reads_the_review(
        client, login_as, learner, cloze_quiz, course):
    login_as(learner)
    started = post_form(client, f"/courses/{course.id}/quizzes/{cloze_quiz.id}/start", {})
    assert started.status_code == 302
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == learner.id))
    page = client.get(f"/attempts/{attempt.id}", headers=EN).text
    slot = attempt.slots[0]
    name = f"q{slot.position}"
    assert f'<input type="text" name="{name}-0" id="{name}-0"' in page
    assert 'aria-label="Gap 1"' in page and 'aria-label="Gap 4"' in page
    assert f'<select name="{name}-2" id="{name}-2" aria-label="Gap 3">' in page
    assert f'type="checkbox" name="{name}-3"' in page
    assert "Right" not in page and "Before 1990" not in page and "Read the lesson" not in page
    refused = post_form(client, f"/attempts/{attempt.id}",
                        {"page": "1", "shown": str(slot.position), f"{name}-1": "thirty",
                         f"{name}-0": "Bon", f"{name}-2": "1"},
                        token_from=f"/attempts/{attempt.id}")
    assert refused.status_code == 400 and "Write a number, for example 12.5." in refused.text
    assert 'value="Bon"' in refused.text and 'value="thirty"' in refused.text  # kept as typed
    assert '<option value="1" selected>' in refused.text
    saved = post_form(client, f"/attempts/{attempt.id}", {
        "page": "1", "shown": str(slot.position), "go": "summary", f"{name}-0": "Bonn",
        f"{name}-1": "31", f"{name}-2": str(slot.choice_order[2].index(1)),
        f"{name}-3": [str(slot.choice_order[3].index(0)), str(slot.choice_order[3].index(1))]},
        token_from=f"/attempts/{attempt.id}")
    assert saved.status_code == 302, saved.text
    again = client.get(f"/attempts/{attempt.id}", headers=EN).text
    assert 'value="Bonn"' in again and 'value="31"' in again
    done = post_form(client, f"/attempts/{attempt.id}/submit", {},
                     token_from=f"/attempts/{attempt.id}/summary")
    assert done.status_code == 302
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.slots[0].response == ["Bonn", "31", 1, [0, 1]]
    assert attempt.fraction == pytest.approx((0.5 + 2 + 0 + 1) / 5)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert "Gap 1: partly right" in review and "Gap 2: right" in review
    assert "Gap 3: wrong" in review and "Gap 4: right" in review
    assert "(Right answer: Berlin)" in review and "(Right answer: red)" in review
    assert "Before 1990" in review and "Good" in review and 'gap-feedback">No<' in review
    assert "Read the lesson again." in review
    assert f'name="{name}-0" id="{name}-0" value="Bonn"' in review and "disabled" in review


def test_the_review_hides_marks_answers_and_feedback_the_options_hide(
        client, login_as, learner, cloze_quiz, course):
    cloze_quiz.settings = {**cloze_quiz.settings, "review_answers": "never",
                           "review_feedback": "never", "review_score": "never"}
    db.session.commit()
    enrolment = enrolment_ops._enrolment(course, learner)
    settings = queries.effective_settings(cloze_quiz, learner.id)
    attempt = starting.start_attempt(enrolment, cloze_quiz, course, settings, "en", utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    login_as(learner)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert "Gap 1: wrong" not in review and "Right answer:" not in review
    assert "Before 1990" not in review and "Read the lesson again." not in review


def test_the_statistics_page_counts_a_cloze_question(client, login_as, learner, cloze_quiz,
                                                     course, create_user, academy):
    enrolment = enrolment_ops._enrolment(course, learner)
    settings = queries.effective_settings(cloze_quiz, learner.id)
    attempt = starting.start_attempt(enrolment, cloze_quiz, course, settings, "en", utcnow())
    answering.save_answers(attempt, {attempt.slots[0].position: ["Berlin", "30", 0, [0, 1]]},
                           5, utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    from academy.quizzes.statistics import quiz_statistics
    found = quiz_statistics(cloze_quiz.id, "en", course.default_locale)
    assert [(q.qtype, q.facility) for q in found.questions] == [("cloze", 1.0)]
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = client.get(f"/courses/{course.id}/quizzes/{cloze_quiz.id}/statistics", headers=EN)
    assert page.status_code == 200 and "Embedded answers (Cloze)" in page.text
    preview = client.get(f"/courses/{course.id}/quizzes/{cloze_quiz.id}/preview", headers=EN)
    assert preview.status_code == 200 and 'aria-label="Gap 4"' in preview.text


# --- The bank ----------------------------------------------------------------------------------

@pytest.fixture
def author(client, create_user, academy, login_as):
    login_as(create_user(academy=academy, roles=["instructor"], username="ana.instructora"))
    return client


def bank(course) -> str:
    return f"/courses/{course.id}/questions"


def find(course, ident: str) -> Question | None:
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.course_id == course.id,
                                                    Question.ident == ident))


def editor_fields(**changes) -> dict:
    return {"ident": "cloze-new", "category": "", "new_category": "cloze/test", "placement": "",
            "text_format": "html", "text_es": SOURCE, "general_feedback_es": "Repase.",
            "text_en": SOURCE_EN, "general_feedback_en": "Read again.", **changes}


def test_the_type_is_offered_with_its_label(author, course):
    page = author.get(f"{bank(course)}/new", headers=EN).text
    assert "Embedded answers (Cloze)" in page and f"{bank(course)}/new/cloze" in page


def test_an_instructor_writes_a_cloze_question_in_every_language(author, course):
    page = author.get(f"{bank(course)}/new/cloze", headers=EN).text
    assert "text_es" in page and "text_en" in page and "SHORTANSWER" in page
    made = post_form(author, f"{bank(course)}/new/cloze", editor_fields(),
                     token_from=f"{bank(course)}/new/cloze")
    assert made.status_code == 302, made.text
    row = find(course, "cloze-new")
    assert row.qtype == "cloze" and row.category == "cloze/test"
    assert row.spec["gaps"][1] == {"kind": "numerical", "weight": 2, "case_sensitive": False,
                                   "layout": "dropdown", "shuffle": False, "answers": [
                                       {"fraction": 1.0, "value": 30.0, "tolerance": 5.0},
                                       {"fraction": 0.5, "value": 60.0, "tolerance": 0.0}]}
    english = next(t.content for t in row.texts if t.locale == "en")
    assert english["gaps"][0]["answers"][0] == {"text": "Berlin", "feedback": "Right"}
    assert english["text"].startswith("The capital of Germany is {#1}.")
    edit = author.get(f"{bank(course)}/{row.id}", headers=EN).text
    assert "{1:SHORTANSWER:=Berlin#Right~%50%Bonn#Before 1990}" in edit
    assert "{2:NUMERICAL:=30:5#Bien~%50%60#Demasiado}" in edit
    changed = post_form(author, f"{bank(course)}/{row.id}", editor_fields(
        ident="cloze-new", text_es=SOURCE.replace("=rojo", "=rosso"),
        text_en=SOURCE_EN.replace("=red", "=scarlet")), token_from=f"{bank(course)}/{row.id}")
    assert changed.status_code == 302, changed.text
    row = find(course, "cloze-new")
    assert next(t.content for t in row.texts if t.locale == "en")["gaps"][2]["answers"][0][
        "text"] == "scarlet"


def test_a_syntax_error_is_shown_next_to_its_language_and_nothing_is_saved(author, course):
    sent = post_form(author, f"{bank(course)}/new/cloze", editor_fields(
        text_en="Broken {1:SHORTANSWER:Berlin}"), token_from=f"{bank(course)}/new/cloze",
                     headers=EN)
    assert sent.status_code == 422
    assert 'id="text_en-error"' in sent.text
    assert "Line 1: Embedded answer 1: one of its answers must be worth 100%." in sent.text
    assert find(course, "cloze-new") is None


def test_a_language_with_other_gaps_is_refused(author, course):
    sent = post_form(author, f"{bank(course)}/new/cloze", editor_fields(
        text_en=SOURCE_EN.replace("{2:NUMERICAL", "{1:NUMERICAL")),
        token_from=f"{bank(course)}/new/cloze", headers=EN)
    assert sent.status_code == 422 and 'id="text_en-error"' in sent.text
    assert "The embedded answers must be the same as in" in sent.text
    assert find(course, "cloze-new") is None


def test_the_preview_checks_an_answer(author, course):
    row = bank_ops.create_cloze(course, cloze_question(), {}, None)
    db.session.commit()
    url = f"{bank(course)}/{row.id}/preview"
    page = author.get(url, headers=EN).text
    assert 'aria-label="Gap 1"' in page
    checked = post_form(author, url, {"q1-0": "Berlín", "q1-1": "30", "q1-2": "0",
                                      "q1-3": ["0", "1"]}, token_from=url, headers=EN)
    assert checked.status_code == 200 and "Gap 1: right" in checked.text
    assert "Gap 3: right" in checked.text
    refused = post_form(author, url, {"q1-0": "Berlín", "q1-1": "treinta"}, token_from=url,
                        headers=EN)
    assert "Write a number, for example 12.5." in refused.text
    assert 'value="Berlín"' in refused.text and 'value="treinta"' in refused.text


# --- Moodle XML and GIFT -----------------------------------------------------------------------

MOODLE_EXPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multianswer">
    <name><text>capitals</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Capital: {1:SHORTANSWER:=Berlin#Right~%50%Bonn} and {2:NM:=42:0.5}
      and {1:MCS:=l&#39;eau~vin}</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text>Well.</text></generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
  <question type="multianswer">
    <name><text>broken</text></name>
    <questiontext format="html"><text>{1:SA:Berlin} {1:NM:=x}</text></questiontext>
  </question>
</quiz>"""


def test_moodle_multianswer_is_read_and_its_problems_reported(app_ctx):
    found = read_moodle_xml(MOODLE_EXPORT)
    assert [q.ident for q in found.questions] == ["capitals"] and not found.skipped
    capitals = found.questions[0]
    assert capitals.qtype == "cloze" and capitals.text.startswith("<p>Capital: {#1} and {#2}")
    assert [g.kind for g in capitals.gaps] == ["shortanswer", "numerical", "multichoice"]
    assert capitals.gaps[2].shuffle and capitals.gaps[2].answers[0].text == "l&#39;eau"
    assert [(line, str(reason)) for line, reason in found.problems] == [
        (14, "Embedded answer 1: one of its answers must be worth 100%.; "
             "Embedded answer 2: “x” is not a number.")]


def test_moodle_xml_round_trip_is_identical(app_ctx):
    question = cloze_question(general="Repase.")
    again = read_moodle_xml(moodle_xml_file([question])).questions[0]
    again.line = 0
    assert again == question
    assert moodle_xml_file([again]) == moodle_xml_file([question])


def test_the_web_export_and_import_of_moodle_xml_keep_the_question(author, course, academy):
    from academy.curricula import operations as course_ops

    bank_ops.create_cloze(course, cloze_question(), {}, None)
    db.session.commit()
    exported = author.get(f"{bank(course)}/export.gift?locale=es&scope=all&file_format=xml",
                          headers=EN)
    assert b'type="multianswer"' in exported.data and b"{2:NUMERICAL:=30:5#Bien" in exported.data
    empty = course_ops.create_course(academy, slug="vacio", default_locale="es", locales=["es"],
                                     hours=1, tags=[], title="Vacío")
    db.session.commit()
    page = f"{bank(empty)}/import"
    from io import BytesIO
    checked = author.post(page, data={
        "csrf_token": csrf_token(author, page), "category": "", "new_category": "",
        "placement": "", "locale": "es", "upload": (BytesIO(exported.data), "export.xml")},
        headers=EN, content_type="multipart/form-data")
    assert checked.status_code == 200, checked.text
    assert "The file is correct" in checked.text


def test_gift_export_leaves_cloze_questions_out_and_says_so(author, course):
    bank_ops.create_cloze(course, cloze_question(), {}, None)
    db.session.commit()
    exported = author.get(f"{bank(course)}/export.gift?locale=es&scope=all&file_format=gift",
                          headers=EN)
    text = exported.get_data(as_text=True)
    assert exported.status_code == 200 and "cloze-1" not in text and "SHORTANSWER" not in text
    assert text.startswith("// 1 question was left out of the GIFT file: GIFT cannot carry its "
                           "type. Moodle XML carries it.")
    listed = author.get(f"{bank(course)}/export", headers=EN).text
    assert "1 question was left out" in listed  # the flash, on the next page
    assert "1 question of this bank is of a type GIFT cannot carry" in listed



def test_a_course_package_carries_a_cloze_quiz_in_moodle_xml(cloze_quiz, course, other_academy):
    from academy.packages import operations as package_ops
    from academy.packages.archive import read_zip, write_zip
    from academy.packages.writer import export_course

    files = export_course(course.id)
    assert any(name.endswith(".xml") and b"multianswer" in data for name, data in files.items())
    copy = package_ops.import_package(read_zip(write_zip(files, course.slug)),
                                      academy=other_academy)

    def cloze_of(of):
        row = find(of, "cloze-1")
        return row.qtype, row.spec, sorted((t.locale, t.content) for t in row.texts)
    assert cloze_of(copy) == cloze_of(course)
