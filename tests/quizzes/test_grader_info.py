"""An essay's information for graders (Moodle's graderinfo): written in the bank in each language,
imported from and exported to Moodle XML, shown on the grading page and never to trainees."""
from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import select

from academy.db import utcnow
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.packages.archive import read_zip, write_zip
from academy.packages.writer import export_course
from academy.quizzes import answering, closing
from academy.quizzes import queries as quiz_queries
from academy.quizzes.models import Question
from academy.quizzes.moodle_xml import read_moodle_xml
from tests.factories.question_bank import (
    EN,
    bank,
    import_file,
    post,
    question,
    trainee_attempt,
    upload,
    words,
)

GRADER_INFO = "<p>A good answer names <strong>necessity</strong>.</p><script>x()</script>"


@pytest.fixture
def quiz(course):
    return quiz_queries.quizzes_of(course.id)[0]


@pytest.fixture
def author(client, create_user, academy, login_as):
    login_as(create_user(academy=academy, roles=["instructor"], username="ana.instructora"))
    return client


def _essay_xml(info: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="essay"><name><text>'
            'ensayo</text></name><questiontext format="html"><text>Why?</text></questiontext>'
            f'<graderinfo format="html"><text><![CDATA[{info}]]></text></graderinfo></question>\n'
            '</quiz>\n').encode()


def test_graderinfo_comes_in_from_moodle_xml_and_goes_back_out(author, course):
    [read] = read_moodle_xml(_essay_xml(GRADER_INFO)).questions
    assert read.grader_info == GRADER_INFO
    page = upload(author, course, "moodle.xml", _essay_xml(GRADER_INFO)).get_data(as_text=True)
    assert "information for graders" not in page.lower()  # kept: nothing to warn about
    assert import_file(author, course, "moodle.xml", _essay_xml(GRADER_INFO)).status_code == 302
    assert words(question(course, "ensayo"), "es")["grader_info"] == GRADER_INFO
    exported = author.get(f"{bank(course)}/export.gift?locale=es&scope=all&file_format=xml")
    root = etree.fromstring(exported.data, etree.XMLParser(resolve_entities=False))
    [written] = root.xpath("question[name/text='ensayo']")
    assert written.findtext("graderinfo/text") == GRADER_INFO


def test_the_essay_form_edits_it_in_each_language_and_other_types_have_no_such_field(
        author, course):
    essay, choice = question(course, "p-q7"), question(course, "p-q1")
    assert 'name="grader_info"' in author.get(f"{bank(course)}/{essay.id}", headers=EN).text
    assert 'name="grader_info"' not in author.get(f"{bank(course)}/{choice.id}", headers=EN).text
    response = post(author, f"{bank(course)}/{essay.id}", {
        "ident": "p-q7", "category": essay.category, "text": "Explique el principio.",
        "text_format": "moodle", "grader_info": "Debe citar la necesidad."})
    assert response.status_code == 302, response.text
    translation = f"{bank(course)}/{essay.id}?locale=en"
    page = author.get(translation, headers=EN).text
    assert "In Spanish: Debe citar la necesidad." in page
    post(author, translation, {"text": "Explain the principle.", "text_format": "moodle",
                               "grader_info": "Must name necessity."})
    row = question(course, "p-q7")
    assert words(row, "es")["grader_info"] == "Debe citar la necesidad."
    assert words(row, "en")["grader_info"] == "Must name necessity."


def test_graders_read_it_sanitised_and_trainees_never_see_it(
        author, client, course, quiz, create_user, academy, login_as):
    essay = question(course, "p-q7")
    content = dict(words(essay, "es"))
    content["grader_info"] = GRADER_INFO
    next(text for text in essay.texts if text.locale == "es").content = content
    db.session.commit()
    attempt = trainee_attempt(course, quiz, create_user, academy, submit=False)
    slot = next(s for s in attempt.slots if s.version.ident == "p-q7")
    answering.save_answers(attempt, {slot.position: "Lo mínimo necesario."}, 1, utcnow())
    closing.submit_attempt(attempt, utcnow())
    db.session.commit()
    page = author.get(f"/attempts/{attempt.id}/questions/{slot.position}/grade", headers=EN).text
    assert "Information for graders" in page
    assert "A good answer names <strong>necessity</strong>." in page and "<script>" not in page
    login_as(_trainee_of(attempt))
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN)
    assert review.status_code == 200
    review = review.text
    assert "necessity" not in review and "Information for graders" not in review


def _trainee_of(attempt):
    from academy.accounts.models import User
    return db.session.get(User, attempt.user_id)


def _bank_of(course) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(select(Question).where(Question.course_id == course.id)
                              .order_by(Question.position))
    return [(q.ident, q.category, q.qtype, q.spec,
             sorted((t.locale, sorted(t.content.items())) for t in q.texts)) for q in rows]


def test_a_course_package_keeps_it_by_writing_that_quiz_in_moodle_xml(app_ctx, course,
                                                                      other_academy):
    essay = question(course, "p-q7")
    for text in essay.texts:
        text.content = {**text.content, "grader_info": f"Notas ({text.locale})"}
    db.session.commit()
    files = export_course(course.id)
    quiz_files = sorted(name for name in files if "quiz" in name and not name.endswith(".toml"))
    assert quiz_files and all(name.endswith(".xml") for name in quiz_files), quiz_files
    copy = package_ops.import_package(read_zip(write_zip(files, course.slug)),
                                      academy=other_academy)
    assert _bank_of(copy) == _bank_of(course)  # every question of the quiz, not only the essay
