"""The sample Moodle course backup: every activity and question type the import maps, in the
shapes of Moodle 3.9 and 4.x (built with tests/factories/moodle_backups.py)."""
from __future__ import annotations

from sqlalchemy import select

from academy.curricula.models import Course
from academy.extensions import db
from tests.factories.moodle_backups import (
    COURSE_CONTEXT,
    MP4,
    PDF,
    PNG,
    QUIZ_CONTEXT,
    V4,
    V39,
    BackupBuilder,
    Question,
    answer,
    entry_id,
    filter_condition,
    tags,
)


def _quiz_body(version: str, slots: list[tuple]) -> str:
    """quiz.xml's <quiz> inner XML; slots are (slot number, page, mark, question or random)."""
    instances = []
    for number, page, mark, target in slots:
        head = f'<question_instance id="{number}">' + tags(slot=number, page=page,
                                                           requireprevious=0)
        if version == V39:
            ref = tags(questionid=target.id, questioncategoryid="$@NULL@$")
        elif isinstance(target, tuple):  # (category id, subcategories): a random slot
            ref = ('<question_set_reference id="1">' + tags(
                usingcontextid=QUIZ_CONTEXT, component="mod_quiz", questionarea="slot",
                questionscontextid=COURSE_CONTEXT,
                filtercondition=filter_condition(*target)) + "</question_set_reference>")
        else:
            ref = ('<question_reference id="1">' + tags(
                usingcontextid=QUIZ_CONTEXT, component="mod_quiz", questionarea="slot",
                questionbankentryid=entry_id(target), version="$@NULL@$")
                + "</question_reference>")
        instances.append(head + ref + tags(maxmark=f"{mark:.7f}") + "</question_instance>")
    return tags(
        name="Safety check", intro='<p>Answer <em>all</em> questions.</p>', introformat=1,
        timeopen=0, timeclose=0, timelimit=1800, overduehandling="autosubmit", graceperiod=0,
        preferredbehaviour="deferredfeedback", attempts_number=3, grademethod=2,
        questionsperpage=2, navmethod="free", shuffleanswers=1, sumgrades="10.0000000",
        grade="10.0000000", reviewattempt=0x11110, reviewcorrectness=0x11110,
        reviewmarks=0x11110, reviewspecificfeedback=0x00010, reviewgeneralfeedback=0x00010,
        reviewrightanswer=0, reviewoverallfeedback=0,
    ) + ("<question_instances>" + "".join(instances) + "</question_instances>"
         "<sections><section id=\"1\"><firstslot>1</firstslot><heading></heading>"
         "<shufflequestions>1</shufflequestions></section></sections>")


GRADES = ('<?xml version="1.0" encoding="UTF-8"?>\n<activity_gradebook><grade_items>'
          '<grade_item id="7">' + tags(itemtype="mod", itemmodule="quiz", iteminstance=1,
                                       itemnumber=0, grademax="10.00000", gradepass="6.00000")
          + "</grade_item></grade_items></activity_gradebook>")


def add_questions(b: BackupBuilder) -> dict[str, Question]:
    """One question of each type (and a Cloze's gaps, a random draw and unsupported types)."""
    b.category(1, 0, "top")
    b.category(2, 1, "Default for SAFE101")
    b.category(3, 2, "Numbers")
    q = {}
    b.add_file(COURSE_CONTEXT, "question", "questiontext", "sign.png", PNG, itemid=201)
    q["single"] = b.question(201, "multichoice", "Who decides",
                             '<p>Who decides? <img src="@@PLUGINFILE@@/sign.png" alt="sign"></p>',
                             2,
                             answer(1, "The director", 1, "Right") + answer(2, "Anyone", 0, "No")
                             + '<multichoice id="1">' + tags(layout=0, single=1, shuffleanswers=1)
                             + "</multichoice>")
    q["multiple"] = b.question(202, "multichoice", "Which apply", "<p>Which apply?</p>", 2,
                               answer(3, "Dignity", 0.5) + answer(4, "Respect", 0.5)
                               + answer(5, "Force", -1) + '<multichoice id="2">'
                               + tags(layout=0, single=0, shuffleanswers=0) + "</multichoice>")
    q["truefalse"] = b.question(203, "truefalse", "Proportional", "<p>It is proportional.</p>", 2,
                                answer(6, "True", 1, "Yes indeed")
                                + answer(7, "False", 0, "Read again")
                                + '<truefalse id="1"><trueanswer>6</trueanswer>'
                                '<falseanswer>7</falseanswer></truefalse>')
    q["shortanswer"] = b.question(204, "shortanswer", "Capital", "<p>Capital of Spain?</p>", 2,
                                  answer(8, "Madrid", 1) + answer(9, "madrid*", 0.5)
                                  + '<shortanswer id="1"><usecase>1</usecase></shortanswer>')
    q["numerical"] = b.question(205, "numerical", "How many", "<p>How many officers?</p>", 3,
                                answer(10, "2", 1) + answer(11, "*", 0, "Too many")
                                + "<numerical_records><numerical_record id=\"1\">"
                                + tags(answer=10, tolerance="0.5") + "</numerical_record>"
                                "</numerical_records><numerical_units></numerical_units>")
    q["matching"] = b.question(206, "match", "Pairs", "<p>Match them.</p>", 2,
                               '<matchoptions '
                               'id="1"><shuffleanswers>1</shuffleanswers></matchoptions>'
                               "<matches>" + "".join(
                                   f'<match id="{i}">' + tags(questiontext=a, questiontextformat=1,
                                                              answertext=b_) + "</match>"
                                   for i, (a, b_) in enumerate(
                                       [("Cell", "Search"), ("Person", "Frisk"), ("", "Spare")], 1))
                               + "</matches>")
    q["essay"] = b.question(207, "essay", "Explain", "<p>Explain why.</p>", 2,
                            '<essay id="1">' + tags(responseformat="editor", responserequired=1,
                                                    graderinfo="<p>Look for dignity.</p>",
                                                    graderinfoformat=1) + "</essay>")
    q["description"] = b.question(208, "description", "Intro text", "<p>Read this first.</p>", 2,
                                  mark=0)
    q["cloze"] = b.question(209, "multianswer", "Cloze one",
                            "<p>The capital is {#1}, it has {#2} rivers; pick {#3}.</p>", 2,
                            '<multianswer id="1">' + tags(question=209, sequence="210,211,212")
                            + "</multianswer>", mark=4)
    b.question(210, "shortanswer", "gap1", "{1:SHORTANSWER:=Madrid}", 2,
               answer(12, "Madrid", 1,
                      "ok") + '<shortanswer id="2"><usecase>0</usecase></shortanswer>',
               parent=209, mark=2)
    b.question(211, "numerical", "gap2", "{1:NUMERICAL:=1:0}", 2,
               answer(13, "1", 1) + '<numerical_records><numerical_record id="2">'
               + tags(answer=13, tolerance="0") + "</numerical_record></numerical_records>",
               parent=209)
    b.question(212, "multichoice", "gap3", "{1:MCV:=red~blue}", 2,
               answer(14, "red", 1) + answer(15, "blue", 0) + '<multichoice id="3">'
               + tags(layout=1, single=1, shuffleanswers=0) + "</multichoice>", parent=209)
    q["gapselect"] = b.question(213, "gapselect", "Select words",
                                "<p>The [[1]] sat on the [[2]].</p>", 2,
                                answer(16, "cat", 0, "1") + answer(17, "mat", 0, "2")
                                + answer(18, "dog", 0, "1") + answer(19, "sofa", 0, "2")
                                + '<gapselect id="1">'
                                + tags(shuffleanswers=1, correctfeedback="<p>Well done</p>",
                                       partiallycorrectfeedback="<p>Partly</p>",
                                       incorrectfeedback="<p>No</p>") + "</gapselect>")
    q["calculated"] = b.question(214, "calculated", "Formula", "<p>{a} + {b}?</p>", 2)
    q["ddwtos"] = b.question(215, "ddwtos", "Drag words", "<p>[[1]]</p>", 2)
    if b.version == V39:
        q["random"] = b.question(216, "random", "Random (Numbers)", "0", 3)
    else:
        q["old"] = b.question(217, "multichoice", "Who decides", "<p>Old version.</p>", 2,
                              answer(19, "A", 1) + answer(20, "B", 0), version=0)
    b.question(218, "numerical", "Spare number", "<p>2 + 2?</p>", 3,
               answer(21, "4", 1) + '<numerical_records><numerical_record id="3">'
               + tags(answer=21, tolerance="0") + "</numerical_record></numerical_records>")
    return q


def sample_backup(version: str = V4, lang: str = "es", kind: str = "course") -> BackupBuilder:
    """A course with every mapped activity and question type, and some skipped ones."""
    b = BackupBuilder(version, kind, lang)
    b.section(11, 0, summary="<p>Welcome to the course.</p>")
    b.section(12, 1, "Basics")
    b.section(13, 2, "Practice")
    b.add_file(COURSE_CONTEXT, "course", "summary", "cover.png", PNG)
    b.add_file("101", "mod_page", "content", "diagram one.png", PNG)
    b.add_file("101", "mod_page", "content", "rules.pdf", PDF)
    b.activity(101, "page", 12, "Why it matters", tags(
        name="Why it matters", intro="", introformat=1, contentformat=1, content=(
            '<h3>Dignity</h3><p>See <img src="@@PLUGINFILE@@/diagram%20one.png" alt="Diagram">'
            ' and <a href="@@PLUGINFILE@@/rules.pdf">the rules</a>.</p>'
            "<ul><li>first</li><li>second</li></ul><script>alert(1)</script>")))
    b.activity(102, "label", 12, "Remember", tags(
        name="Remember", intro="<p><strong>Remember</strong> to read.</p>", introformat=1))
    b.add_file("103", "mod_book", "chapter", "chap.png", PNG, itemid=1)
    b.activity(103, "book", 12, "Handbook", tags(name="Handbook", intro="", introformat=1) + (
        "<chapters>"
        + '<chapter id="1">' + tags(pagenum=1, subchapter=0, title="Chapter one", contentformat=1,
                                    content='<p>One <img src="@@PLUGINFILE@@/chap.png" '
                                            'alt="c"></p>',
                                    hidden=0) + "</chapter>"
        + '<chapter id="2">' + tags(pagenum=2, subchapter=1, title="Chapter two", contentformat=1,
                                    content="<p>Two</p>", hidden=0) + "</chapter>"
        + '<chapter id="3">' + tags(pagenum=3, subchapter=0, title="Secret chapter",
                                    contentformat=1, content="<p>Hidden</p>", hidden=1)
        + "</chapter></chapters>"))
    b.add_file("104", "mod_resource", "content", "handbook.pdf", PDF)
    b.activity(104, "resource", 13, "The handbook", tags(name="The handbook",
                                                         intro="<p>Print it.</p>", introformat=1))
    b.add_file("105", "mod_folder", "content", "notes.pdf", PDF + b"notes")
    b.add_file("105", "mod_folder", "content", "film.mp4", MP4, filepath="/videos/")
    b.activity(105, "folder", 13, "Documents", tags(name="Documents", intro="", introformat=1))
    b.activity(106, "url", 13, "Rules online", tags(name="Rules online", intro="",
                                                    introformat=1,
                                                    externalurl="https://example.org/rules"))
    b.activity(107, "forum", 13, "Announcements", tags(name="Announcements"))
    b.activity(108, "assign", 13, "Essay task", tags(name="Essay task"))
    b.activity(110, "scorm", 13, "Old package", tags(name="Old package"))
    q = add_questions(b)
    slots = [(1, 1, 1.0, q["single"]), (2, 1, 2.0, q["multiple"]), (3, 2, 1.0, q["truefalse"]),
             (4, 2, 1.0, q["shortanswer"]), (5, 3, 3.0, q["numerical"]), (6, 3, 1.0, q["matching"]),
             (7, 4, 5.0, q["essay"]), (8, 4, 0.0, q["description"]), (9, 5, 4.0, q["cloze"]),
             (10, 5, 2.0, q["gapselect"]), (11, 6, 1.0, q["calculated"]),
             (12, 6, 1.5, q["random"] if version == V39 else (3, True))]
    b.activity(109, "quiz", 13, "Safety check", _quiz_body(version, slots),
               **{"grades.xml": GRADES})
    return b


def courses_of(academy) -> list[Course]:
    """The courses the academy holds (what an import made)."""
    return list(db.session.scalars(select(Course).where(Course.academy_id == academy.id)))
