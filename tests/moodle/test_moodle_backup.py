"""Moodle course backups (.mbz) imported as draft courses: through the command line and the
upload page (preview, then confirmation), every mapped element checked, skipped items listed,
all or nothing, access control, and hostile archives refused."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from academy.audit.models import AuditEvent
from academy.extensions import db
from academy.moodle import operations, uploads
from academy.quizzes.models import Question, QuizSlot
from tests.factories.moodle_backups import PNG, V4, V39, BackupBuilder, answer, tags
from tests.factories.moodle_sample import courses_of, sample_backup
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


def _cli_import(runner, tmp_path, data: bytes, academy, *extra):
    path = tmp_path / "backup.mbz"
    path.write_bytes(data)
    return runner.invoke(args=["moodle", "import", str(path), "--academy", academy.slug, *extra])


def _body(lesson) -> str:
    return lesson.texts[0].body


def _lessons(course) -> dict[str, object]:
    return {lesson.texts[0].title: lesson for module in course.modules for lesson in module.lessons}


# -- the whole course, through the command line ------------------------------------------------

@pytest.mark.parametrize("version", [V4, V39])
@pytest.mark.parametrize("fmt", ["tar", "zip"])
def test_command_line_imports_a_course_backup_as_a_draft(runner, tmp_path, academy, version, fmt):
    result = _cli_import(runner, tmp_path, sample_backup(version).build(fmt), academy)
    assert result.exit_code == 0, result.output
    assert "Imported safe101 into cep-madrid as a draft." in result.output
    db.session.expire_all()
    [course] = courses_of(academy)
    assert course.status == "draft" and course.default_locale == "es" and course.locales == ["es"]
    assert course.title_in("es") == "Safety first"
    assert "![Cover](<files/cover.png>)" in course.texts[0].summary
    assert [m.texts[0].title for m in course.modules] == ["General", "Basics", "Practice"]
    assert [[lesson.slug for lesson in m.lessons] for m in course.modules] == [
        ["general"], ["why-it-matters", "remember", "chapter-one", "chapter-two"],
        ["the-handbook", "documents", "rules-online", "safety-check"]]
    _check_lessons(_lessons(course))
    assert sorted(f.name for f in course.files) == [
        "chap.png", "cover.png", "diagram-one.png", "handbook.pdf", "notes.pdf", "rules.pdf",
        "sign.png"]
    _check_quiz(course)
    _check_questions(course)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "course.import_moodle"))
    assert event.target_id == course.id


def _check_lessons(lessons) -> None:
    page = _body(lessons["Why it matters"])
    assert "### Dignity" in page and "script" not in page and "alert" not in page
    assert "![Diagram](<files/diagram-one.png>)" in page
    assert "[the rules](<files/rules.pdf>)" in page and "@@PLUGINFILE@@" not in page
    assert "- first\n- second" in page
    assert _body(lessons["Remember"]).strip() == "**Remember** to read."
    assert "![c](<files/chap.png>)" in _body(lessons["Chapter one"])
    assert "Secret chapter" not in lessons
    assert _body(lessons["The handbook"]) == "Print it.\n\n- [handbook.pdf](files/handbook.pdf)\n"
    assert "[notes.pdf](files/notes.pdf)" in _body(lessons["Documents"])
    assert "film" not in _body(lessons["Documents"])
    assert _body(lessons["Rules online"]).strip() == "[Rules online](<https://example.org/rules>)"
    assert _body(lessons["General"]).strip() == "Welcome to the course."
    assert _body(lessons["Safety check"]).strip() == "Answer *all* questions."


def _check_quiz(course) -> None:
    quiz = _lessons(course)["Safety check"]
    assert quiz.kind == "quiz"
    assert quiz.settings == {
        "time_limit_minutes": 30, "attempts": 3, "pass_mark": 60, "grading_method": "average",
        "questions_per_page": 2, "shuffle_choices": True, "shuffle_questions": True,
        "review_score": "immediately", "review_feedback": "after_close", "review_answers": "never"}
    slots = list(db.session.scalars(select(QuizSlot).where(QuizSlot.lesson_id == quiz.id)
                                    .order_by(QuizSlot.position)))
    shown = [(s.question.ident if s.question else f"random:{s.category}", s.mark, s.page)
             for s in slots]
    expected = [("Who decides", 1.0, 1), ("Which apply", 2.0, 1), ("Proportional", 1.0, 2),
                ("Capital", 1.0, 2), ("How many", 3.0, 3), ("Pairs", 1.0, 3),
                ("Explain", 5.0, 4), ("Intro text", 0.0, 4)]
    expected.append(("Cloze one", 4.0, 5))
    expected.append(("Select words", 2.0, 5))
    expected.append(("random:Default for SAFE101/Numbers", 1.5, 6))
    assert shown == expected


def _check_questions(course) -> None:
    questions = {q.ident: q for q in db.session.scalars(
        select(Question).where(Question.course_id == course.id))}
    kinds = {ident: (q.qtype, q.category) for ident, q in questions.items()}
    assert kinds["Who decides"] == ("single", "Default for SAFE101")
    assert kinds["Which apply"] == ("multiple", "Default for SAFE101")
    assert kinds["Proportional"][0] == "truefalse" and kinds["Capital"][0] == "shortanswer"
    assert kinds["How many"] == ("numerical", "Default for SAFE101/Numbers")
    assert kinds["Pairs"][0] == "matching" and kinds["Explain"][0] == "essay"
    assert kinds["Intro text"][0] == "description"
    assert questions["Explain"].texts[0].content["grader_info"] == "<p>Look for dignity.</p>"
    assert kinds["Spare number"] == ("numerical", "Default for SAFE101/Numbers")
    assert "Formula" not in questions and "Drag words" not in questions
    single = questions["Who decides"]
    content = single.texts[0].content
    assert content["text"] == '<p>Who decides? <img src="files/sign.png" alt="sign"></p>'
    assert [a["text"] for a in content["answers"]] == ["The director", "Anyone"]
    assert [a["fraction"] for a in single.spec["answers"]] == [1.0, 0.0]
    assert content["answers"][0]["feedback"] == "Right"
    assert [a["fraction"] for a in questions["Which apply"].spec["answers"]] == [0.5, 0.5, -1.0]
    truefalse = questions["Proportional"]
    assert truefalse.spec["correct"] is True
    assert truefalse.texts[0].content["feedback_true"] == "Yes indeed"
    assert truefalse.texts[0].content["feedback_false"] == "Read again"
    assert questions["Capital"].spec["case_sensitive"] is True
    assert [a["text"] for a in questions["Capital"].texts[0].content["answers"]] == \
        ["Madrid", "madrid*"]
    assert questions["How many"].spec["answers"] == [{"fraction": 1.0, "value": 2.0,
                                                      "tolerance": 0.5}]
    pairs = questions["Pairs"].texts[0].content["answers"]
    assert [(p["text"], p["match"]) for p in pairs] == [("Cell", "Search"), ("Person", "Frisk")]


@pytest.mark.parametrize("version", [V4, V39])
def test_dry_run_lists_what_maps_and_what_is_skipped_and_writes_nothing(runner, tmp_path, academy,
                                                                         version):
    result = _cli_import(runner, tmp_path, sample_backup(version).build(), academy, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Dry run: nothing was imported." in out
    assert "activities/page_101/page.xml: Why it matters -> a lesson" in out
    assert "activities/book_103/book.xml: Handbook -> 2 lessons, one per chapter" in out
    assert "activities/quiz_109/quiz.xml: Safety check -> a quiz of" in out
    assert "skipped activities/forum_107: Announcements (forum)" in out
    assert "skipped activities/assign_108: Essay task (assign): Campus has no assignments." in out
    assert "skipped activities/scorm_110: Old package (scorm): Campus cannot play SCORM" in out
    assert re.search(r"skipped questions.xml:\d+: Formula: Campus has no “calculated” questions",
                     out)
    assert re.search(r"skipped questions.xml:\d+: Drag words: Campus has no “ddwtos”", out)
    assert "videos/film.mp4: Only images" in out
    assert "skipped activities/book_103/book.xml: Secret chapter" in out
    assert "information for graders" not in out.lower()  # kept, so nothing to warn about
    assert "Slot 11 is left out: its question is skipped." in out
    assert courses_of(academy) == []


def test_a_backup_with_a_problem_imports_nothing_and_names_the_file(runner, tmp_path, academy):
    b = sample_backup()
    b.question(230, "multichoice", "No right answer", "<p>Pick</p>", 2,
               answer(40, "A", 0.5) + answer(41, "B",
                                             0) + "<multichoice><single>1</single></multichoice>")
    del b.contents[next(k for k in b.contents if b.contents[k] == PNG)]  # a file's content lost
    b.raw["activities/url_106/url.xml"] = b"<activity><url>broken"
    result = _cli_import(runner, tmp_path, b.build(), academy)
    assert result.exit_code == 1
    out = result.output
    assert "nothing was imported" in out
    assert re.search(r"questions.xml:\d+: Question “No right answer”: A single-choice question "
                     r"needs one answer worth 100%", out)
    assert "activities/url_106/url.xml:1: The file is not well-formed XML" in out
    assert re.search(r"files/[0-9a-f]{2}/[0-9a-f]{40}: The file “\S+” listed in files.xml is "
                     r"missing from the backup.", out)
    assert courses_of(academy) == []
    with pytest.raises(operations.BackupInvalid) as raised:
        operations.import_backup(b.build(), academy)
    assert {p.path for p in raised.value.problems} >= {"questions.xml",
                                                       "activities/url_106/url.xml"}
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_the_course_language_comes_from_the_backup_or_the_academy(runner, tmp_path, academy,
                                                                  other_academy):
    assert _cli_import(runner, tmp_path, sample_backup(lang="pt_br").build(),
                       academy).exit_code == 0
    assert courses_of(academy)[0].default_locale == "pt"
    result = _cli_import(runner, tmp_path, sample_backup(lang="").build(), other_academy)
    assert result.exit_code == 0, result.output
    course = courses_of(other_academy)[0]
    assert course.default_locale == "fr"  # the academy's own
    # Section 0, named in the course's language.
    assert course.modules[0].texts[0].title == "Généralités"  # Moodle's own French name


def test_an_activity_backup_becomes_a_course_of_one_module(runner, tmp_path, academy):
    b = BackupBuilder(V4, kind="activity")
    b.activity(301, "page", 0, "Alone", tags(name="Alone", content="<p>Just me.</p>",
                                             contentformat=1))
    result = _cli_import(runner, tmp_path, b.build("zip"), academy)
    assert result.exit_code == 0, result.output
    [course] = courses_of(academy)
    assert course.title_in("es") == "Safety first" and len(course.modules) == 1
    assert course.modules[0].lessons[0].texts[0].body == "Just me.\n"


def test_moodle_4_takes_the_latest_version_and_draws_random_slots_from_the_category(academy):
    preview = operations.preview_backup(sample_backup(V4).build(), academy)
    assert preview.is_valid
    [question] = [q for q in preview.course.bank["es"] if q.ident == "Who decides"]
    assert "Old version" not in question.text
    assert any("draws from its category only, not its subcategories" in str(n.what)
               for n in preview.notes)


def test_an_excluded_activity_is_not_read(academy):
    b = sample_backup()
    b.settings["forum_107_included"] = "0"
    b.raw["activities/forum_107/forum.xml"] = b"not even xml"
    preview = operations.preview_backup(b.build(), academy)
    assert preview.is_valid and not any("forum" in item.path for item in preview.skipped)


def test_cloze_questions_become_cloze_with_their_gaps(academy):
    preview = operations.preview_backup(sample_backup(V4).build(), academy)
    assert preview.is_valid, preview.problems
    [cloze] = [q for q in preview.course.bank["es"] if q.ident == "Cloze one"]
    assert cloze.qtype == "cloze"
    assert cloze.text == "<p>The capital is {#1}, it has {#2} rivers; pick {#3}.</p>"
    shapes = [(g.kind, g.weight, g.case_sensitive, g.layout, g.shuffle) for g in cloze.gaps]
    assert shapes == [("shortanswer", 2, False, "dropdown", False),
                      ("numerical", 1, False, "dropdown", False),
                      ("multichoice", 1, False, "vertical", False)]
    assert [(a.text, a.fraction, a.feedback) for a in cloze.gaps[0].answers] == \
        [("Madrid", 1.0, "ok")]
    assert [(a.value, a.tolerance) for a in cloze.gaps[1].answers] == [(1.0, 0.0)]
    assert [(a.text, a.fraction) for a in cloze.gaps[2].answers] == [("red", 1.0), ("blue", 0.0)]


def test_select_missing_words_keep_their_groups_and_shuffling(academy):
    preview = operations.preview_backup(sample_backup(V39).build(), academy)
    assert preview.is_valid, preview.problems
    [question] = [q for q in preview.course.bank["es"] if q.ident == "Select words"]
    assert question.qtype == "gapselect" and question.shuffle is True
    assert question.text == "<p>The [[1]] sat on the [[2]].</p>"
    assert [(a.text, a.group) for a in question.answers] == [
        ("cat", 1), ("mat", 2), ("dog", 1), ("sofa", 2)]
    assert (question.correct_feedback, question.partial_feedback, question.incorrect_feedback) == (
        "<p>Well done</p>", "<p>Partly</p>", "<p>No</p>")


# -- the upload page --------------------------------------------------------------------------

def _upload(client, data: bytes, academy_id, name: str = "course.mbz"):
    return client.post("/authoring/moodle-import", data={
        "csrf_token": csrf_token(client, "/authoring/moodle-import"), "academy": str(academy_id),
        "backup": (io.BytesIO(data), name)}, content_type="multipart/form-data", headers=EN)


def test_an_instructor_uploads_sees_the_preview_and_confirms(client, login_as, instructor, academy):
    login_as(instructor)
    assert "Import a Moodle backup" in client.get("/authoring", headers=EN).get_data(as_text=True)
    response = _upload(client, sample_backup(V39).build("zip"), academy.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "What will be imported" in page and "activities/page_101/page.xml" in page
    assert "Campus has no assignments." in page and "Campus cannot play SCORM packages." in page
    assert "Campus has no “calculated” questions." in page
    assert courses_of(academy) == []  # a preview writes nothing
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/authoring/moodle-import/confirm", data={
        "csrf_token": token, "digest": digest, "academy": str(academy.id)}, headers=EN)
    assert response.status_code == 302
    [course] = courses_of(academy)
    assert response.headers["Location"].endswith(f"/authoring/courses/{course.id}")
    assert course.status == "draft" and uploads.kept(digest) is None
    _check_lessons(_lessons(course))


def test_the_upload_page_lists_every_problem_and_imports_nothing(client, login_as, instructor,
                                                                 academy):
    login_as(instructor)
    b = sample_backup()
    b.raw["activities/quiz_109/quiz.xml"] = b"<activity><quiz>"
    response = _upload(client, b.build(), academy.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nothing will be imported" in page and "activities/quiz_109/quiz.xml" in page
    assert 'name="digest"' not in page and courses_of(academy) == []


def test_a_trainee_cannot_import_a_backup(client, login_as, trainee, academy):
    login_as(trainee)
    assert client.get("/authoring/moodle-import").status_code == 403
    token = csrf_token(client, "/")
    assert client.post("/authoring/moodle-import/confirm", data={
        "csrf_token": token, "digest": "0" * 64, "academy": str(academy.id)}).status_code == 403


def test_another_academys_instructor_cannot_import_into_this_academy(
        client, login_as, create_user, academy, other_academy):
    stranger = create_user(academy=other_academy, roles=["instructor"])
    login_as(stranger)
    response = _upload(client, sample_backup().build(), academy.id)
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    with client.application.test_request_context():
        digest = uploads.keep(sample_backup().build())
    response = client.post("/authoring/moodle-import/confirm", data={
        "csrf_token": csrf_token(client, "/authoring/moodle-import"), "digest": digest,
        "academy": str(academy.id)})
    assert response.status_code == 403 and courses_of(academy) == []


def test_user_data_in_a_backup_is_never_imported(runner, tmp_path, academy):
    from academy.accounts.models import User
    from academy.quizzes.models import Attempt

    people = db.session.scalar(select(func.count()).select_from(User))
    b = sample_backup()
    b.raw["users.xml"] = (b'<?xml version="1.0"?>\n<users><user id="5" contextid="30">'
                          b"<username>student1</username><firstname>Stu</firstname></user></users>")
    quiz = b.activities[-1]
    quiz.body += ('<attempts><attempt id="1">' + tags(userid=5, attempt=1, sumgrades="7.0")
                  + "</attempt></attempts><grades><grade id=\"1\">" + tags(userid=5, grade="7")
                  + "</grade></grades>")
    result = _cli_import(runner, tmp_path, b.build(), academy)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == people
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


@pytest.mark.parametrize("condition, expected", [
    ('{"questioncategoryid":"5","includingsubcategories":"1"}', ("5", True)),  # Moodle 4.0-4.2
    ('{"filter":{"category":{"jointype":1,"values":[7],"filteroptions":'
     '{"includesubcategories":false}}},"cat":"7,20"}', ("7", False)),  # Moodle 4.3-4.5
    ("not json", ("", False)),
])
def test_random_slots_read_both_ways_moodle_4_writes_their_category(condition, expected):
    from academy.moodle.quiz import _filter

    assert _filter(condition) == expected


def test_moodle_html_becomes_the_markdown_of_lessons():
    from academy.curricula.rendering import render_markdown
    from academy.moodle.markdown import to_markdown

    html = ('<h1>Rules</h1><p>Keep <b>calm</b> &amp; <i>polite</i>: 1 * 2 [a]</p>'
            '<ol><li>one</li><li>two<ul><li>inner</li></ul></li></ol>'
            '<table><tr><th>Who</th><th>When</th></tr><tr><td>Staff</td><td>Daily</td></tr></table>'
            '<p onclick="x()"><a href="javascript:alert(1)">bad</a><style>p{}</style></p>')
    text = to_markdown(html)
    assert text.startswith("## Rules\n\nKeep **calm** & *polite*: 1 \\* 2 \\[a\\]")
    assert "1. one\n2. two\n   - inner" in text and "| Who | When |\n| --- | --- |" in text
    shown = str(render_markdown(text))
    assert "javascript" not in shown and "onclick" not in shown and "<table>" in shown
    assert to_markdown("1. not a list\n*x*", 2) == "1\\. not a list\\\n\\*x\\*"
    assert to_markdown("**kept**", 4) == "**kept**"
