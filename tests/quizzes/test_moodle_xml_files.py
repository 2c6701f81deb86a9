"""Pictures inside Moodle XML questions come across as course files, and go back out embedded;
hints, units and combined feedback that Campus drops are named in the preview."""
from __future__ import annotations

import base64
import hashlib
import html
import io
import re
from urllib.parse import quote

import pytest
from lxml import etree
from PIL import Image
from sqlalchemy import select

from academy.curricula import operations as course_ops
from academy.curricula.models import CourseFile
from academy.extensions import db
from academy.quizzes.bank import operations as bank_ops
from academy.quizzes.gift import Answer, GiftQuestion
from academy.quizzes.models import Question
from academy.quizzes.moodle_xml import read_moodle_xml
from tests.factories.question_bank import EN, bank, import_file, question, upload, words


@pytest.fixture
def author(client, create_user, academy, login_as):
    login_as(create_user(academy=academy, roles=["instructor"], username="ana.instructora"))
    return client


def _png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG")
    return out.getvalue()


def _file(name: str, data: bytes) -> str:
    return (f'<file name="{name}" path="/" '
            f'encoding="base64">{base64.b64encode(data).decode()}</file>')


def _quiz(*questions: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions)
            + "\n</quiz>\n").encode()


def _pictured(name: str, picture: str, data: bytes, extra: str = "") -> str:
    """A single choice with a picture in its text and its right answer's feedback; the links
    URL-encoded as Moodle writes them."""
    link = quote(picture)
    return (f'<question type="multichoice"><name><text>{name}</text></name>'
            f'<questiontext format="html"><text><![CDATA[<p>Look: <img src="@@PLUGINFILE@@/{link}" '
            f'alt="map"></p>]]></text>{_file(picture, data)}</questiontext>'
            '<single>true</single>'
            '<answer fraction="100"><text>North</text><feedback format="html"><text><![CDATA['
            f'<img src="@@PLUGINFILE@@/{link}">]]></text></feedback></answer>'
            f'<answer fraction="0"><text>South</text></answer>{extra}</question>')


def _text(response) -> str:
    """The page's words as a person reads them (tags out, spaces folded)."""
    words_only = re.sub(r"<[^>]+>", "", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words_only))


def _course_files(course) -> dict[str, str]:
    db.session.expire_all()
    return {row.name: row.sha256 for row in db.session.scalars(
        select(CourseFile).where(CourseFile.course_id == course.id))}


def test_an_embedded_picture_becomes_a_course_file_and_the_links_follow(author, course):
    red = _png("red")
    data = _quiz(_pictured("mapa", "Mapa del módulo.png", red))
    page = _text(upload(author, course, "moodle.xml", data))
    assert "1 picture or document inside the file will be added to the course's files: " \
           "mapa-del-modulo.png" in page
    assert import_file(author, course, "moodle.xml", data).status_code == 302
    assert _course_files(course)["mapa-del-modulo.png"] == hashlib.sha256(red).hexdigest()
    content = words(question(course, "mapa"), "es")
    assert '<img src="files/mapa-del-modulo.png" alt="map">' in content["text"]
    assert content["answers"][0]["feedback"] == '<img src="files/mapa-del-modulo.png">'
    shown = author.get(f"{bank(course)}/{question(course, 'mapa').id}/preview", headers=EN)
    assert f'/courses/{course.id}/files/mapa-del-modulo.png' in shown.get_data(as_text=True)
    served = author.get(f"/courses/{course.id}/files/mapa-del-modulo.png")
    assert served.status_code == 200 and served.data == red


def test_a_picture_named_like_another_course_file_gets_a_new_name(author, course):
    course_ops.add_course_file(course, "plano.png", _png("blue"))
    course_ops.add_course_file(course, "igual.png", _png("green"))
    db.session.commit()
    data = _quiz(_pictured("otro", "plano.png", _png("red")),
                 _pictured("mismo", "igual.png", _png("green")))
    assert import_file(author, course, "moodle.xml", data).status_code == 302
    held = _course_files(course)
    assert set(held) == {"plano.png", "plano-2.png", "igual.png"}
    assert held["plano.png"] == hashlib.sha256(_png("blue")).hexdigest()  # the course's own kept
    assert 'src="files/plano-2.png"' in words(question(course, "otro"), "es")["text"]
    assert 'src="files/igual.png"' in words(question(course, "mismo"), "es")["text"]


def test_a_file_campus_does_not_keep_is_left_out_with_a_note(author, course):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data = _quiz(_pictured("vector", "dibujo.svg", svg))
    page = _text(upload(author, course, "moodle.xml", data))
    assert "The embedded file “dibujo.svg” is left out: Only images (PNG, JPEG, GIF, WebP)" in page
    assert import_file(author, course, "moodle.xml", data).status_code == 302
    assert _course_files(course) == {}
    assert "@@PLUGINFILE@@/dibujo.svg" in words(question(course, "vector"), "es")["text"]


def test_the_export_embeds_the_pictures_and_imports_back_whole(author, course, academy):
    course_ops.add_course_file(course, "celda.png", _png("red"))
    bank_ops.create_question(course, GiftQuestion(
        0, "celda", "", "single", '<p><img src="files/celda.png" alt="Celda"></p>', "html",
        answers=[Answer(text="Sí", fraction=1.0, feedback='Ver <img src="files/celda.png">'),
                 Answer(text="No")]), None)
    db.session.commit()
    response = author.get(f"{bank(course)}/export.gift?locale=es&scope=all&file_format=xml",
                          headers=EN)
    root = etree.fromstring(response.data, etree.XMLParser(resolve_entities=False, no_network=True))
    [written] = root.xpath("question[name/text='celda']")
    assert 'src="@@PLUGINFILE@@/celda.png"' in written.findtext("questiontext/text")
    [embedded] = written.findall("questiontext/file")
    assert embedded.get("name") == "celda.png" and \
        base64.b64decode(embedded.text) == _png("red")
    assert written.findall("answer/feedback/file")  # the feedback's picture goes with it
    empty = course_ops.create_course(academy, slug="vacio", default_locale="es", locales=["es"],
                                     hours=1, tags=[], title="Vacío")
    db.session.commit()
    assert import_file(author, empty, "export.xml", response.data).status_code == 302
    assert _course_files(empty) == _course_files(course)
    copy = db.session.scalar(select(Question).where(Question.course_id == empty.id,
                                                    Question.ident == "celda"))
    assert words(copy, "es") == words(question(course, "celda"), "es")


def test_hints_units_and_combined_feedback_are_named_not_dropped_silently(app_ctx):
    data = _quiz(
        '<question type="numerical"><name><text>n</text></name><questiontext><text>How far?'
        '</text></questiontext><answer fraction="100"><text>5</text><tolerance>0</tolerance>'
        '</answer><units><unit><multiplier>1</multiplier><unit_name>km</unit_name></unit>'
        '</units><hint format="html"><text>Count the gates.</text></hint></question>',
        _pictured("c", "a.png", _png("red"), '<correctfeedback format="html"><text>Well done'
                  '</text></correctfeedback>'))
    found = read_moodle_xml(data)
    numbers, choice = ([str(note) for note in notes] for notes in found.notes)
    assert any("Hints for several tries (1) are not used by Campus" in n for n in numbers)
    assert any("Units (km) are not kept" in n for n in numbers)
    assert any("right, partly right and wrong answers is not kept" in n for n in choice)
