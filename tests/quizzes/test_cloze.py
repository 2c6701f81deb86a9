"""Cloze questions (Moodle's embedded answers): the syntax read and written back, grading as
Moodle grades it, the trainee's form, the page and its review, the bank's editor, Moodle XML in
and out, and GIFT leaving them out with a word saying so."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import (
    answering,
    closing,
    cloze,
    cloze_answers,
    grading,
    queries,
    slots,
    starting,
)
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import GiftError, GiftQuestion
from academy.quizzes.models import Attempt, Question
from academy.quizzes.moodle_xml import read_moodle_xml
from academy.quizzes.moodle_xml_writer import moodle_xml_file
from academy.quizzes.responses import AnswerRejected
from academy.quizzes.stored import as_gift, question_content, question_spec
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}
SOURCE = ("La capital de Alemania es {1:SHORTANSWER:=Berlín#Correcto~%50%Bonn#Antes de 1990}. "
          "Un registro dura {2:NUMERICAL:=30:5#Bien~%50%60#Demasiado} minutos; "
          "el color es {1:MULTICHOICE:=rojo#Sí~verde#No~azul}.\n"
          "Marque los derechos: {1:MULTIRESPONSE:%50%dignidad~%50%intimidad~%-100%ninguno}")
SOURCE_EN = ("The capital of Germany is {1:SHORTANSWER:=Berlin#Right~%50%Bonn#Before 1990}. "
             "A search lasts {2:NUMERICAL:=30:5#Good~%50%60#Too long} minutes; "
             "the colour is {1:MULTICHOICE:=red#Yes~green#No~blue}.\n"
             "Tick the rights: {1:MULTIRESPONSE:%50%dignity~%50%privacy~%-100%none}")


def cloze_question(source: str = SOURCE, ident: str = "cloze-1", general: str = "") -> GiftQuestion:
    text, gaps = cloze.parse_embedded(source)
    return GiftQuestion(0, ident, "", "cloze", text, "html", gaps=gaps, general_feedback=general)


def stored(source: str = SOURCE) -> tuple[dict, dict]:
    question = cloze_question(source)
    return question_spec(question), question_content(question)


# --- The syntax --------------------------------------------------------------------------------

@pytest.mark.parametrize("keyword", sorted(cloze.KINDS))
def test_every_moodle_kind_and_abbreviation_is_read_and_written_back(keyword):
    kind, case_sensitive, layout, shuffle = cloze.KINDS[keyword]
    answers = "%50%a~%50%b~c" if kind == "multiresponse" else ("=4:1~%50%2" if kind == "numerical"
                                                               else "=a~b")
    text, gaps = cloze.parse_embedded(f"x {{2:{keyword}:{answers}}} y")
    assert text == "x {#1} y"
    gap = gaps[0]
    assert (gap.kind, gap.case_sensitive, gap.layout, gap.shuffle, gap.weight) == \
        (kind, case_sensitive, layout, shuffle, 2)
    written = cloze.write_embedded(text, gaps)
    assert cloze.parse_embedded(written) == (text, gaps)
    assert cloze.write_embedded(*cloze.parse_embedded(written)) == written


def test_weights_feedback_and_numbers_are_read():
    text, gaps = cloze.parse_embedded(SOURCE)
    assert text.startswith("La capital de Alemania es {#1}. Un registro dura {#2} minutos")
    berlin, minutes, colour, rights = gaps
    assert [(a.text, a.fraction, a.feedback) for a in berlin.answers] == [
        ("Berlín", 1.0, "Correcto"), ("Bonn", 0.5, "Antes de 1990")]
    assert minutes.weight == 2 and [(a.value, a.tolerance, a.fraction) for a in minutes.answers] \
        == [(30.0, 5.0, 1.0), (60.0, 0.0, 0.5)]
    assert [a.fraction for a in colour.answers] == [1.0, 0.0, 0.0]
    assert [a.fraction for a in rights.answers] == [0.5, 0.5, -1.0]


def test_escapes_and_html_entities_are_answer_text_and_written_back_the_same():
    source = (r"{1:SHORTANSWER:=a\}b\#c\~d\/e\"f\\g#fb \# x~%50%l&#39;eau} and "
              r"{:MCV:=one#{#1\} is fine here~two}")
    text, gaps = cloze.parse_embedded(source)
    assert gaps[0].answers[0].text == 'a}b#c~d/e"f\\g' and gaps[0].answers[0].feedback == "fb # x"
    assert gaps[0].answers[1].text == "l&#39;eau" and gaps[1].weight == 1
    assert gaps[1].answers[0].feedback == "{#1} is fine here"
    assert cloze.parse_embedded(cloze.write_embedded(text, gaps)) == (text, gaps)


def test_answers_that_start_like_a_weight_survive_the_round_trip():
    text, gaps = cloze.parse_embedded("{1:MC:=right~%0%=wrong~%0%%5%}")
    assert [a.text for a in gaps[0].answers] == ["right", "=wrong", "%5%"]
    assert cloze.parse_embedded(cloze.write_embedded(text, gaps)) == (text, gaps)


def test_every_problem_is_reported_with_its_line_and_gap():
    source = ("{1:FOO:=a} then {1:SA:b}\n{1:NM:=abc}\n{1:SA:=a~%150%b} {1:MR:%50%a~b}\n"
              "{0:SA:=x} {1:SA:=a~} {#3}\n{1:SA:=open")
    with pytest.raises(GiftError) as raised:
        cloze.parse_embedded(source)
    assert [(e.line, str(e.reason)) for e in raised.value.errors] == [
        (1, "Embedded answer 1: “FOO” is not a type of embedded answer."),
        (1, "Embedded answer 2: one of its answers must be worth 100%."),
        (2, "Embedded answer 3: “abc” is not a number."),
        (3, "Embedded answer 4: the weight 150% is outside -100% to 100%."),
        (3, "Embedded answer 5: the positive weights of its answers must add up to 100%."),
        (4, "Embedded answer 6: its mark must be a whole number from 1 to 100."),
        (4, "Embedded answer 7: an answer is empty."),
        (5, "Embedded answer 8: it is not closed with }."),
        (4, "“{#3}” cannot be written in the text.")]


def test_a_text_without_embedded_answers_is_refused_with_an_example():
    with pytest.raises(GiftError, match="has no embedded answers, e.g. {1:SHORTANSWER:"):
        cloze.parse_embedded("Just words {not a gap}")


def test_translations_must_have_the_same_gaps():
    spanish, english = cloze_question(), cloze_question(SOURCE_EN)
    assert spanish.structure() == english.structure()
    assert cloze_question(SOURCE.replace("{2:NUMERICAL", "{1:NUMERICAL")).structure() != \
        english.structure()


def test_stored_form_gives_the_same_question_back():
    question = cloze_question()
    row = Question(ident="cloze-1", category="", qtype="cloze", spec=question_spec(question))
    again = as_gift(row, question_content(question))
    assert (again.text, again.gaps) == (question.text, question.gaps)
    assert cloze.write_embedded(again.text, again.gaps) == cloze.write_embedded(
        *cloze.parse_embedded(SOURCE))


# --- Grading and the form ----------------------------------------------------------------------

def test_grading_weighs_each_gap_by_its_mark_with_partial_credit():
    spec, content = stored()
    # weights 1, 2, 1, 1 (Moodle: the number before the type is the gap's mark)
    assert grading.grade("cloze", spec, content, ["berlín", "32", 0, [0, 1]]) == 1.0
    assert grading.grade("cloze", spec, content, ["Bonn", "60", 1, [0]]) == pytest.approx(
        (0.5 + 2 * 0.5 + 0 + 0.5) / 5)
    assert grading.grade("cloze", spec, content, [None, "30", None, [0, 1, 2]]) == 0.4
    assert grading.grade("cloze", spec, content, None) == 0.0
    assert grading.grade("cloze", spec, content, ["x", "y", 9, ["a"]]) == 0.0


def test_a_case_sensitive_gap_needs_the_same_case():
    spec, content = stored("{1:SAC:=ONU} {1:SA:=onu}")
    assert grading.grade("cloze", spec, content, ["onu", "ONU"]) == 0.5


def test_the_form_is_read_per_gap_in_the_order_shown():
    spec, _content = stored()
    order = [[], [], [2, 0, 1], [1, 2, 0]]
    form = MultiDict([("q3-0", " Berlín "), ("q3-1", "30,5"), ("q3-2", "1"), ("q3-3", "0"),
                      ("q3-3", "2")])
    assert cloze_answers.read(spec, order, form, 3) == ["Berlín", "30,5", 0, [0, 1]]
    assert cloze_answers.read(spec, order, MultiDict(), 3) == [None, None, None, None]
    shown = cloze_answers.shown_values(spec, order, ["Berlín", "30,5", 0, [0, 1]])
    assert shown == ["Berlín", "30,5", "1", {"0", "2"}]


@pytest.mark.parametrize("tampered", [{"q3-2": "7"}, {"q3-2": "-1"}, {"q3-3": "x"},
                                      {"q3-1": "treinta"}, {"q3-0": "a" * 501}])
def test_a_tampered_or_wrong_value_is_refused(tampered):
    spec, _content = stored()
    with pytest.raises(AnswerRejected):
        cloze_answers.read(spec, [[], [], [0, 1, 2], [0, 1, 2]], MultiDict(tampered), 3)


def test_choices_are_shuffled_only_for_the_shuffled_kinds():
    import random
    spec, _content = stored("{1:MC:=a~b~c~d~e~f~g~h} {1:MCS:=a~b~c~d~e~f~g~h} {1:SA:=x}")
    orders = cloze.choice_order(spec, random.Random(4))
    assert orders[0] == list(range(8)) and sorted(orders[1]) == list(range(8))
    assert orders[1] != list(range(8)) and orders[2] == []


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
