"""Course packages: checked whole, imported all or nothing, exported to the same course."""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from academy.curricula.models import Course, Lesson
from academy.extensions import db
from academy.packages import operations as package_ops
from academy.packages.archive import ArchiveError, read_zip, write_zip
from academy.packages.data import PackageInvalid
from academy.packages.reader import read_package
from academy.packages.writer import export_course
from academy.quizzes.models import Question
from tests.factories.packages import (
    COURSE_TOML,
    GIFT_EN,
    GIFT_ES,
    MODULE_1,
    QUIZ_TOML,
    sample_package,
)


def _problems(files) -> list[str]:
    with pytest.raises(PackageInvalid) as caught:
        package_ops.import_package(files)
    return [str(problem) for problem in caught.value.problems]


def _canonical(course: Course) -> dict:
    """Everything a package says about a course, in a comparable form."""
    questions = db.session.scalars(select(Question).where(Question.course_id == course.id)
                                   .order_by(Question.position)).all()
    return {
        "course": (course.slug, course.version, course.default_locale, course.locales, course.hours,
                   course.tags, course.visibility,
                   sorted((t.locale, t.title, t.summary) for t in course.texts)),
        "modules": [(m.slug, sorted((t.locale, t.title) for t in m.texts),
                     [(lesson.slug, lesson.kind, lesson.minutes, lesson.settings,
                       sorted((t.locale, t.title, t.body) for t in lesson.texts))
                      for lesson in m.lessons])
                    for m in course.modules],
        "questions": [(q.ident, q.category, q.qtype, q.spec,
                       sorted((t.locale, sorted(t.content.items())) for t in q.texts))
                      for q in questions],
    }


def test_a_package_imports_as_a_draft_of_its_owner_academy(app_ctx, academy):
    course = package_ops.import_package(sample_package())
    assert course.academy_id == academy.id and course.status == "draft"
    assert course.title_in("en") == "Searches with dignity"
    assert [m.slug for m in course.modules] == ["principles", "practice"]
    quiz = course.modules[0].lessons[1]
    assert quiz.kind == "quiz" and quiz.settings["pass_mark"] == 70
    kinds = db.session.scalars(select(Question.qtype).where(Question.course_id == course.id)
                               .order_by(Question.position)).all()
    assert kinds == ["single", "truefalse", "numerical", "multiple", "matching", "shortanswer",
                     "essay"]


def test_export_then_import_gives_the_same_course(app_ctx, academy, other_academy):
    original = package_ops.import_package(sample_package())
    files = export_course(original.id)
    copy = package_ops.import_package(read_zip(write_zip(files, "searches-with-dignity")),
                                     academy=other_academy)
    assert _canonical(copy) == _canonical(original)
    again = export_course(copy.id)
    again["course.toml"] = again["course.toml"].replace(b'owner = "enap-agen"',
                                                        b'owner = "cep-madrid"')
    assert again == files  # byte for byte, once the new owner is accounted for


@pytest.mark.parametrize("changes, expected", [
    ({"course.toml": b"format = 1\nslug = [unclosed"}, "course.toml:2: This is not valid TOML"),
    ({"01-principles/01-why.es.md": None}, "01-principles/01-why.es.md: The file is missing."),
    ({"01-principles/01-why.xx.md": b"+++\ntitle='x'\n+++\n"},
     "01-principles/01-why.xx.md: “xx” is not one of the course's languages."),
    ({"course.toml": COURSE_TOML.replace('["es", "en"]', '["es", "de"]').encode()},
     "course.toml: “locales” must list languages among es, pt, fr, en and it."),
    ({"01-principles/module.toml": MODULE_1.replace('"quiz-principles"]', '"01-why"]').encode()},
     "01-principles/module.toml: “01-why” appears twice."),
    ({"01-principles/01-why.en.md": b"no front matter"},
     "01-principles/01-why.en.md:1: A lesson starts with a +++ front matter"),
    ({"01-principles/quiz-principles.en.gift": GIFT_EN.replace("{#2:0}", "{#3:0}").encode()},
     "01-principles/quiz-principles.en.gift:11: Question “p-q3” has other answers"),
    ({"01-principles/quiz-principles.es.gift": GIFT_ES.replace("{=dignidad",
                                                               "{=dignidad {").encode()},
     "01-principles/quiz-principles.es.gift:17: GIFT: Each question needs exactly one answer "
     "block"),
    ({"course.toml": COURSE_TOML.replace('owner = "cep-madrid"', 'owner = "nowhere"').encode()},
     "course.toml: There is no academy with the short name “nowhere”."),
    ({"01-principles/01-why.es.md": b"\xff\xfe bad bytes"},
     "01-principles/01-why.es.md:1: The file is not UTF-8 text."),
])
def test_bad_packages_are_reported_with_file_and_line_and_change_nothing(app_ctx, academy, changes,
                                                                         expected):
    before = db.session.scalar(select(func.count()).select_from(Lesson))
    problems = _problems(sample_package(**{k.replace("/", "__"): v for k, v in changes.items()}))
    assert any(p.startswith(expected) for p in problems), problems
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == before


def test_every_problem_is_reported_at_once(app_ctx, academy):
    problems = _problems(sample_package(**{
        "01-principles__01-why.es.md": None,
        "02-practice__module.toml": b"lessons = []",
    }))
    assert len(problems) >= 2


def test_the_same_course_twice_in_one_academy_is_refused(app_ctx, academy):
    package_ops.import_package(sample_package())
    assert any("already has a course with the short name" in p for p in _problems(sample_package()))


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_paths_that_escape_the_folder_are_refused():
    with pytest.raises(ArchiveError, match="leaves the package folder"):
        read_zip(_zip({"course/../../etc/passwd": b"x"}))
    with pytest.raises(ArchiveError, match="leaves the package folder"):
        read_zip(_zip({"/abs/course.toml": b"x"}))


def test_zip_bombs_are_refused():
    with pytest.raises(ArchiveError, match="too large once unpacked"):
        read_zip(_zip({"course/course.toml": b"0" * (30 * 1024 * 1024)}))


def test_a_zip_of_too_many_files_is_refused_in_the_persons_words(app_ctx, monkeypatch):
    from academy.packages import archive

    monkeypatch.setattr(archive, "MAX_FILES", 2)
    with pytest.raises(ArchiveError, match="The package has more than 2 files."):
        read_zip(_zip({"a.md": b"a", "b.md": b"b", "c.md": b"c"}))


def test_something_that_is_not_a_zip_is_refused():
    with pytest.raises(ArchiveError, match="This is not a zip file."):
        read_zip(b"<html>a page saved as .zip</html>")
    with pytest.raises(ArchiveError, match="The zip file is damaged or incomplete"):
        read_zip(b"PK\x03\x04 but not really")  # starts as a zip does: one cut short


def test_optional_quiz_settings_are_read_and_checked(app_ctx):
    good = QUIZ_TOML.replace("[title]",
                             'grading_method = "average"\nquestions_per_page = 3\n\n[title]')
    data = read_package(sample_package(**{"01-principles__quiz-principles.toml": good.encode()}))
    quiz = data.modules[0].lessons[-1].quiz
    assert quiz.settings["grading_method"] == "average" and quiz.settings["questions_per_page"] == 3
    assert "review_answers" not in quiz.settings  # unnamed optional settings keep their default
    bad = QUIZ_TOML.replace("[title]", 'grading_method = "best"\n\n[title]')
    problems = _problems(sample_package(**{"01-principles__quiz-principles.toml": bad.encode()}))
    assert "01-principles/quiz-principles.toml: “grading_method” has a wrong value." in problems
