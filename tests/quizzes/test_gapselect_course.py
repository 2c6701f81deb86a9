"""Select missing words (gapselect) in a course: a trainee answering and reviewing, the
statistics, authoring and translating in the bank, Moodle XML imports, GIFT exports that leave
it out and say so, and course packages."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.extensions import db
from academy.quizzes import answering, closing, gapselect, starting
from academy.quizzes import queries as quiz_queries
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import Answer
from academy.quizzes.models import Attempt, Question
from academy.quizzes.moodle_xml import parse_moodle_xml
from academy.quizzes.statistics import quiz_statistics
from tests.factories.gapselect import MOODLE, TEXT, TEXT_ES, sample, spec_and_content
from tests.support import post_form

EN = {"Accept-Language": "en"}


# --- In a course: authoring, answering, reviewing, exporting ---------------------------------

@pytest.fixture
def quiz(course):
    lesson = quiz_queries.quizzes_of(course.id)[0]
    lesson.settings = {**lesson.settings, "shuffle_questions": False, "shuffle_choices": True,
                       "review_answers": "immediately"}
    db.session.commit()
    return lesson


@pytest.fixture
def gap_question(course, quiz) -> Question:
    row = bank_ops.create_question(course, sample(), quiz)
    bank_ops.update_words(row, "en", sample(text=TEXT))
    bank_ops.update_words(row, "es", sample(text=TEXT_ES, answers=[
        Answer(text="gato", group=1), Answer(text="alfombra", group=2),
        Answer(text="perro", group=1), Answer(text="sofá", group=2)]))
    db.session.commit()
    return row


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")


@pytest.fixture
def author(client, instructor, login_as):
    login_as(instructor)
    return client


@pytest.fixture
def learner(course, create_user, academy):
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    enrolment_ops.enrol_self(person, course)
    db.session.commit()
    return person


def bank(course) -> str:
    return f"/courses/{course.id}/questions"


def stored_question(course, ident: str) -> Question | None:
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.course_id == course.id,
                                                    Question.ident == ident))


def test_a_translation_with_other_places_is_refused(app_ctx, gap_question):
    with pytest.raises(bank_ops.QuestionRejected) as refused:
        bank_ops.update_words(gap_question, "es", sample(text="El [[1]] en la [[2]]."))
    assert refused.value.field == "text"


def start(learner, quiz, course, locale="en") -> Attempt:
    enrolment = enrolment_ops._enrolment(course, learner)
    settings = quiz_queries.effective_settings(quiz, learner.id)
    attempt = starting.start_attempt(enrolment, quiz, course, settings, locale, utcnow())
    db.session.commit()
    return attempt


def gap_slot(attempt: Attempt):
    return next(s for s in attempt.slots if s.version.qtype == "gapselect")


def test_a_trainee_answers_with_drop_downs_and_reviews_per_place(
        client, login_as, learner, quiz, course, gap_question):
    attempt = start(learner, quiz, course)
    slot = gap_slot(attempt)
    assert sorted(slot.choice_order) == [0, 1, 2, 3]
    login_as(learner)
    page = client.get(f"/attempts/{attempt.id}?page={slot.page}", headers=EN).text
    name = f"q{slot.position}"
    for place in range(3):
        assert f'<select name="{name}-{place}" id="{name}-{place}" class="gap" ' \
               f'aria-label="Gap {place + 1}">' in page
    assert "sofa &lt;b&gt;" in page and "[[1]]" not in page  # escaped, and every place replaced
    assert "All right." not in page and "Cats sit on mats." not in page
    shown = {i: str(slot.choice_order.index(i)) for i in range(4)}
    fields = {"page": str(slot.page), "shown": str(slot.position),
              f"{name}-0": shown[0], f"{name}-1": shown[3], f"{name}-2": shown[0], "go": "summary"}
    saved = post_form(client, f"/attempts/{attempt.id}", fields,
                      token_from=f"/attempts/{attempt.id}?page={slot.page}")
    assert saved.status_code == 302, saved.text
    done = post_form(client, f"/attempts/{attempt.id}/submit", {},
                     token_from=f"/attempts/{attempt.id}/summary")
    assert done.status_code == 302
    db.session.expire_all()
    slot = gap_slot(db.session.get(Attempt, attempt.id))
    assert slot.response == [0, 3, 0] and slot.fraction == pytest.approx(2 / 3)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    assert review.count('class="verdict right"') == 2 and review.count('class="verdict wrong"') == 1
    assert "The [cat] sat on the [mat]; then the [cat] slept." in review
    assert "Partly right." in review and "Cats sit on mats." in review
    assert f'name="{name}-0" id="{name}-0" class="gap" aria-label="Gap 1" disabled' in review


def test_the_review_keeps_right_answers_and_feedback_to_its_options(
        client, login_as, learner, quiz, course, gap_question):
    quiz.settings = {**quiz.settings, "review_answers": "never", "review_feedback": "never",
                     "review_score": "never"}
    db.session.commit()
    attempt = start(learner, quiz, course)
    slot = gap_slot(attempt)
    answering.save_answers(attempt, {slot.position: [0, 1, 2]}, 5, utcnow())
    db.session.commit()
    closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow())
    db.session.commit()
    login_as(learner)
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).text
    for secret in ("[cat]", "verdict", "Partly right.", "Cats sit on mats."):
        assert secret not in review


def test_a_tampered_value_is_refused_next_to_the_question(
        client, login_as, learner, quiz, course, gap_question):
    attempt = start(learner, quiz, course)
    slot = gap_slot(attempt)
    login_as(learner)
    other_group = str(slot.choice_order.index(1))  # mat: not offered by the first place
    response = post_form(client, f"/attempts/{attempt.id}",
                         {"page": str(slot.page), "shown": str(slot.position),
                          f"q{slot.position}-0": other_group},
                         token_from=f"/attempts/{attempt.id}?page={slot.page}", headers=EN)
    assert response.status_code == 400
    assert "This choice is not one of the question’s choices." in response.text
    db.session.expire_all()
    assert gap_slot(db.session.get(Attempt, attempt.id)).response is None


def test_the_attempt_reads_places_in_the_trainees_language(learner, quiz, course, gap_question):
    attempt = start(learner, quiz, course, locale="es")
    slot = gap_slot(attempt)
    # Spanish: [[1]] [[1]] [[2]] - the third place offers group 2.
    form = MultiDict({"shown": str(slot.position), f"q{slot.position}-0": str(
        slot.choice_order.index(0)), f"q{slot.position}-1": str(slot.choice_order.index(2)),
        f"q{slot.position}-2": str(slot.choice_order.index(1))})
    values, problems = answering.read_page(attempt, slot.page, form)
    assert not problems and values[slot.position] == [0, 2, 1]
    answering.save_answers(attempt, values, 5, utcnow())
    db.session.commit()  # as the page's request does: the submission is another request
    closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow())
    db.session.commit()
    slot = gap_slot(db.session.get(Attempt, attempt.id))
    assert slot.fraction == pytest.approx(2 / 3)


def _finished(person, quiz, course, locale: str, response: list) -> None:
    attempt = start(person, quiz, course, locale)
    answering.save_answers(attempt, {gap_slot(attempt).position: response}, 5, utcnow())
    db.session.commit()
    closing.submit_attempt(db.session.get(Attempt, attempt.id), utcnow())
    db.session.commit()


def test_the_statistics_count_each_place_in_the_attempts_own_language(
        client, login_as, learner, quiz, course, gap_question, instructor, create_user,
        academy):
    _finished(learner, quiz, course, "en", [0, 1, 0])  # en: [[1]] [[2]] [[1]], all right
    other = create_user(academy=academy, roles=["trainee"], locale="es")
    enrolment_ops.enrol_self(other, course)
    _finished(other, quiz, course, "es", [0, 2, 1])  # es: [[1]] [[1]] [[2]], the dog is wrong
    stats = quiz_statistics(quiz.id, "en", course.default_locale)
    row = next(q for q in stats.questions if q.qtype == "gapselect")
    assert row.facility == pytest.approx((1 + 2 / 3) / 2) and row.answered == 2
    assert [(c.label, c.count, c.is_right) for c in row.choices] == [
        ("Place [[1]]: cat", 3, True), ("Place [[1]]: dog", 1, False),
        ("Place [[2]]: mat", 2, True)]
    login_as(instructor)
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    assert page.status_code == 200 and "Place [[1]]: dog" in page.text
    table = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics/questions.csv?lang=en")
    assert table.status_code == 200 and "Place [[2]]: mat (right): 2" in table.text
    login_as(instructor)
    page = client.get(f"/courses/{course.id}/quizzes/{quiz.id}/statistics?lang=en")
    assert page.status_code == 200 and "Select missing words" in page.text


def test_the_bank_preview_shows_and_checks_the_drop_downs(author, course, gap_question):
    preview = f"{bank(course)}/{gap_question.id}/preview"
    page = author.get(f"{preview}?locale=en", headers=EN).text
    assert 'aria-label="Gap 3"' in page and "sofa &lt;b&gt;" in page
    checked = post_form(author, f"{preview}?locale=en", {"q1-0": "0", "q1-1": "1", "q1-2": "2"},
                        token_from=preview, headers=EN)
    assert checked.status_code == 200
    text = checked.text.replace("\xa0", "")
    assert "mark 67%" in text or "mark 66.67%" in text or "mark 66.7%" in text
    assert "Partly right." in text
    refused = post_form(author, f"{preview}?locale=en", {"q1-0": "1"}, token_from=preview,
                        headers=EN)
    assert "This choice is not one of the question’s choices." in refused.text


def choice_rows(*given: tuple[str, str]) -> dict:
    return {f"answers-{i}-{key}": value for i, (text, group) in enumerate(given)
            for key, value in (("text", text), ("group", group))}


NEW = {"ident": "gs-new", "text": "The [[1]] sat on the [[2]].", "text_format": "html",
       "shuffle": "y", "general_feedback": "Seen.", "correct_feedback": "Yes!",
       "partial_feedback": "Half.", "incorrect_feedback": "No.",
       **choice_rows(("cat", "1"), ("mat", "2"), ("dog", "1"), ("rug", "2"), ("", "1"))}


def test_an_author_creates_and_edits_a_gapselect_question(author, course):
    chooser = author.get(f"{bank(course)}/new", headers=EN).text
    assert "Select missing words" in chooser and "/new/gapselect" in chooser
    blank = author.get(f"{bank(course)}/new/gapselect", headers=EN).text
    assert "Example:" in blank and 'name="answers-0-group"' in blank
    created = post_form(author, f"{bank(course)}/new/gapselect", NEW,
                        token_from=f"{bank(course)}/new/gapselect")
    assert created.status_code == 302, created.text
    row = stored_question(course, "gs-new")
    assert row.spec == {"format": "html", "shuffle": True, "answers": [
        {"group": 1}, {"group": 2}, {"group": 1}, {"group": 2}]}
    content = row.texts[0].content
    assert content["correct_feedback"] == "Yes!" and len(content["answers"]) == 4
    edit = f"{bank(course)}/{row.id}"
    page = author.get(edit, headers=EN).text
    assert 'value="rug"' in page and "The [[1]] sat on the [[2]]." in page and "Half." in page
    changed = {**NEW, **choice_rows(("cat", "1"), ("mat", "2"), ("dog", "1"), ("rug", "2"),
                                    ("chair", "2")), "text": "A [[1]] on a [[5]]."}
    saved = post_form(author, edit, changed, token_from=edit)
    assert saved.status_code == 302, saved.text
    row = stored_question(course, "gs-new")
    assert row.spec["answers"][4] == {"group": 2} and "[[5]]" in row.texts[0].content["text"]


def test_the_editor_shows_each_problem_next_to_its_field(author, course):
    url = f"{bank(course)}/new/gapselect"
    missing = post_form(author, url, {**NEW, "text": "The [[1]] sat on the [[9]]."},
                        token_from=url, headers=EN)
    assert missing.status_code == 422
    assert '<p class="error" id="text-error">The text has the place [[9]], but there is no ' \
           'choice 9.</p>' in missing.text
    lonely = post_form(author, url, {**NEW, **choice_rows(("cat", "1"), ("mat", "2"),
                                                         ("dog", "1"), ("", "2"))},
                       token_from=url, headers=EN)
    assert lonely.status_code == 422 and 'id="choices-error"' in lonely.text
    assert "Group 2 has only one choice" in lonely.text
    hole = post_form(author, url, {**NEW, **choice_rows(("cat", "1"), ("", "2"), ("dog", "1"),
                                                       ("rug", "2"))}, token_from=url,
                     headers=EN)
    assert hole.status_code == 422 and 'id="answers-1-text-error"' in hole.text
    tampered = post_form(author, url, {**NEW, "answers-0-group": "99"}, token_from=url,
                         headers=EN)
    assert tampered.status_code == 422 and "Give a group from 1 to 20." in tampered.text
    assert stored_question(course, "gs-new") is None


def test_a_translation_is_edited_with_the_same_places(author, course, gap_question):
    assert course.default_locale == "es"
    edit = f"{bank(course)}/{gap_question.id}?locale=en"
    page = author.get(edit, headers=EN).text
    assert 'value="cat"' in page and 'name="answers-0-group"' not in page
    assert "gato" in page  # the default language's words beside the inputs
    words = {"text": "A [[2]] and a [[1]], the [[1]] again.", "text_format": "html",
             **{f"answers-{i}-text": t for i, t in enumerate(["kitten", "rug", "puppy", "bed"])}}
    wrong = post_form(author, edit, {**words, "text": "A [[1]]."}, token_from=edit, headers=EN)
    assert wrong.status_code == 422 and "same places" in wrong.text
    assert 'id="text-error"' in wrong.text
    empty = post_form(author, edit, {**words, "answers-2-text": ""}, token_from=edit, headers=EN)
    assert empty.status_code == 422 and 'id="answers-2-text-error"' in empty.text
    saved = post_form(author, edit, words, token_from=edit, headers=EN)
    assert saved.status_code == 302, saved.text
    row = stored_question(course, "gs-cat")
    english = next(t.content for t in row.texts if t.locale == "en")
    assert english["answers"][1] == {"text": "rug"} and row.spec["answers"][1] == {"group": 2}


def test_gift_export_leaves_it_out_and_says_so(author, course, gap_question):
    page = author.get(f"{bank(course)}/export", headers=EN).text
    assert "1 question of this bank is of a type GIFT cannot carry" in page
    download = author.get(f"{bank(course)}/export.gift?locale=en&scope=all&file_format=gift",
                          headers=EN)
    assert download.status_code == 200
    text = download.get_data(as_text=True)
    note = "1 question was left out of the GIFT file: GIFT cannot carry its type. Moodle XML " \
           "carries it."
    assert text.startswith(f"// {note}") and "gs-cat" not in text
    assert note in author.get(f"{bank(course)}", headers=EN).text  # flashed
    xml = author.get(f"{bank(course)}/export.gift?locale=en&scope=all&file_format=xml",
                     headers=EN).get_data()
    back = next(q for q in parse_moodle_xml(xml) if q.ident == "gs-cat")
    back.line = 0
    assert back == sample(text=TEXT)


def test_a_moodle_xml_file_imports_a_gapselect_question(app_ctx, course):
    plan = bank_ops.import_questions(course, MOODLE, "xml", course.default_locale, "", None)
    assert not plan.skipped and len(plan.rows) == 1
    row = stored_question(course, "gs-moodle")
    assert row.qtype == "gapselect" and row.spec["shuffle"] is True
    assert row.texts[0].content["incorrect_feedback"] == "Your answer is incorrect."


def test_drop_downs_go_in_the_sanitised_text_never_inside_a_tag(app_ctx):
    from academy.curricula.rendering import render_question_text
    from academy.quizzes.gapselect_display import render

    spec, content = spec_and_content(
        sample(text='<a title="[[2]]">The</a> [[1]] <script>x</script>'))
    html = str(render(render_question_text(content["text"], "html"), spec, content,
                      [0, 1, 2, 3], None, 1))
    assert 'title="[[2]]"' in html and html.count("<select") == 1 and "<script" not in html
    # The place in the attribute is the first of the source: the drop-down is still the second
    # place's, [[1]], offering group 1.
    assert '<select name="q1-1" id="q1-1" class="gap" aria-label="Gap 2"><option value="">' \
           '</option><option value="0">cat</option><option value="2">dog</option>' in html
    found = gapselect.problems(sample(text='<a title="[[2]]">The</a> [[1]]'))
    assert [field for field, _message in found] == ["text"]


def test_a_course_package_carries_it_in_moodle_xml(app_ctx, course, gap_question,
                                                   other_academy):
    from academy.packages import operations as package_ops
    from academy.packages.archive import read_zip, write_zip
    from academy.packages.writer import export_course

    files = export_course(course.id)
    quiz_files = sorted(name for name in files if "quiz" in name and not name.endswith(".toml"))
    assert quiz_files and all(name.endswith(".xml") for name in quiz_files), quiz_files
    copy = package_ops.import_package(read_zip(write_zip(files, course.slug)),
                                      academy=other_academy)
    db.session.expire_all()
    twin = db.session.scalar(select(Question).where(Question.course_id == copy.id,
                                                    Question.ident == "gs-cat"))
    assert twin.spec == gap_question.spec
    assert {t.locale: t.content for t in twin.texts} == \
        {t.locale: t.content for t in gap_question.texts}
