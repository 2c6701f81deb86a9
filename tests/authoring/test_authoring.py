"""Instructors write, translate, publish and share courses; coordinators review; others adopt."""
from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from academy.curricula.models import Course, CourseReview, Lesson
from academy.extensions import db
from academy.packages.archive import read_zip, write_zip
from tests.factories.packages import sample_package
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], username="coord")


def _new_course(client, **fields):
    data = {"title": "Registros con dignidad", "slug": "registros", "summary": "Cómo registrar.",
            "default_locale": "es", "locales": ["es", "en"], "hours": "1",
            "tags": "searches, human-rights",
            **fields}
    return post_form(client, "/authoring/courses/new", data, headers=EN)


def _course(slug="registros") -> Course:
    db.session.expire_all()
    return db.session.scalar(select(Course).where(Course.slug == slug))


def test_instructor_writes_a_course_in_two_languages(client, instructor, login_as):
    login_as(instructor)
    response = _new_course(client)
    course = _course()
    assert response.headers["Location"] == f"/authoring/courses/{course.id}"
    assert course.status == "draft" and course.tags == ["human-rights", "searches"]
    page = f"/authoring/courses/{course.id}"
    post_form(client, f"{page}/modules", {"title": "Principios"}, token_from=page)
    module = _course().modules[0]
    response = post_form(client, f"/authoring/modules/{module.id}/lessons", {"title": "Por qué"},
                         token_from=page)
    lesson = _course().modules[0].lessons[0]
    editor = f"/authoring/lessons/{lesson.id}/texts/es"
    assert response.headers["Location"] == editor
    post_form(client, editor, {"title": "Por qué importa", "minutes": "15",
                               "body": "## Dignidad\n\nUn registro **proporcional**.",
                               "action": "save"})
    english = f"/authoring/lessons/{lesson.id}/texts/en"
    page_html = client.get(english, headers=EN).get_data(as_text=True)
    assert "In Spanish (default)" in page_html and "<strong>proporcional</strong>" in page_html
    post_form(client, english, {"title": "Why it matters", "minutes": "15",
                                "body": "## Dignity\n\nA **proportionate** search.",
                                "action": "save"})
    db.session.expire_all()
    texts = {t.locale: (t.title, t.body) for t in db.session.get(Lesson, lesson.id).texts}
    assert texts["en"] == ("Why it matters", "## Dignity\n\nA **proportionate** search.")
    status = client.get(page, headers=EN).get_data(as_text=True)
    assert "3 / 3" in status and "1 / 3" in status  # Spanish complete; English has the lesson only


def test_preview_shows_the_lesson_without_saving_and_without_javascript(client, instructor,
                                                                        login_as, app_ctx):
    login_as(instructor)
    _new_course(client)
    course = _course()
    post_form(client, f"/authoring/courses/{course.id}/modules", {"title": "M"},
              token_from=f"/authoring/courses/{course.id}")
    module = _course().modules[0]
    post_form(client, f"/authoring/modules/{module.id}/lessons", {"title": "L"},
              token_from=f"/authoring/courses/{course.id}")
    lesson = _course().modules[0].lessons[0]
    editor = f"/authoring/lessons/{lesson.id}/texts/es"
    page = post_form(client, editor, {"title": "L", "body": "**negrita** <script>x()</script>",
                                      "action": "preview"}).get_data(as_text=True)
    assert "<strong>negrita</strong>" in page and "<script>x()" not in page
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).texts[0].body == ""
    live = post_form(client, "/authoring/preview", {"body": "*cursiva*"}, token_from=editor)
    assert live.get_data(as_text=True).strip() == "<p><em>cursiva</em></p>"


def test_modules_and_lessons_can_be_reordered_and_deleted(client, instructor, login_as):
    login_as(instructor)
    _new_course(client)
    course = _course()
    page = f"/authoring/courses/{course.id}"
    for title in ("Uno", "Dos", "Tres"):
        post_form(client, f"{page}/modules", {"title": title}, token_from=page)
    second = _course().modules[1]
    post_form(client, f"/authoring/modules/{second.id}/move", {"direction": "up"}, token_from=page)
    assert [m.texts[0].title for m in _course().modules] == ["Dos", "Uno", "Tres"]
    asked = post_form(client, f"/authoring/modules/{second.id}/delete", token_from=page,
                      headers={"Accept-Language": "en"})
    assert asked.status_code == 200 and "Delete the module “Dos”?" in asked.text
    assert len(_course().modules) == 3  # nothing is deleted before the confirmation
    post_form(client, f"/authoring/modules/{second.id}/delete", {"confirmed": "1"},
              token_from=page)
    modules = _course().modules
    assert [m.texts[0].title for m in modules] == ["Uno", "Tres"] and \
        [m.position for m in modules] == [1, 2]


def test_bad_course_settings_are_shown_next_to_the_fields(client, instructor, login_as):
    login_as(instructor)
    blank = client.get("/authoring/courses/new").get_data(as_text=True)
    assert 'name="tags" type="text" value=""' in blank
    response = _new_course(client, slug="Bad Slug!", locales=["en"], hours="5000", tags="Bad Tag")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="hours-error"' in page and 'value="Registros con dignidad"' in page
    response = _new_course(client, slug="Bad Slug!", hours="5")
    assert 'id="slug-error"' in response.get_data(as_text=True)
    response = _new_course(client, locales=["en"])
    assert "The default language must be one of the course&#39;s languages." in \
        response.get_data(as_text=True)


def test_sharing_goes_through_a_coordinators_review(app, client, instructor, coordinator, login_as,
                                                    create_user, other_academy):
    login_as(instructor)
    _new_course(client)
    course = _course()
    page = f"/authoring/courses/{course.id}"
    post_form(client, f"{page}/status", {"change": "publish"}, token_from=page)
    post_form(client, f"{page}/share", token_from=page)
    assert _course().review_status == "pending"
    stranger = app.test_client()
    login_as(create_user(academy=other_academy, roles=["trainee"]), stranger)
    assert "Registros con dignidad" not in stranger.get("/courses").get_data(as_text=True)
    reviewer = app.test_client()
    login_as(coordinator, reviewer)
    review_page = f"/reviews/{course.id}"
    returned = post_form(reviewer, review_page, {"decision": "return", "comment": ""}, headers=EN)
    assert "Say what the authors should change." in returned.get_data(as_text=True)
    post_form(reviewer, review_page, {"decision": "return",
                                      "comment": "Falta el resumen en inglés."})
    assert _course().review_status == "returned"
    assert "Falta el resumen en inglés." in client.get(page).get_data(as_text=True)
    post_form(client, f"{page}/share", token_from=page)
    post_form(reviewer, review_page, {"decision": "approve", "comment": ""})
    shared = _course()
    assert shared.is_shared and shared.approved_version == 1
    decisions = db.session.scalars(select(CourseReview.decision).where(
        CourseReview.course_id == course.id).order_by(CourseReview.id)).all()
    assert decisions == ["returned", "approved"]
    assert "Registros con dignidad" in stranger.get("/courses").get_data(as_text=True)
    # A new release is a revision (tests/authoring/test_revisions.py), not the same course shared
    # again.
    again = post_form(client, f"{page}/share", token_from=page, headers=EN, follow_redirects=True)
    assert "already shared with the network: change it through a new version" in \
        again.get_data(as_text=True)
    assert (_course().version, _course().review_status) == (1, "approved")
    assert "Registros con dignidad" in stranger.get("/courses").get_data(as_text=True)


def test_another_academy_adopts_a_shared_course(app, client, instructor, coordinator, login_as,
                                                create_user, other_academy, app_ctx):
    from academy.curricula import operations
    from academy.packages import operations as package_ops

    source = package_ops.import_package(sample_package())
    operations.publish_course(source)
    operations.approve_sharing(source, coordinator)
    db.session.commit()
    adopter = app.test_client()
    login_as(create_user(academy=other_academy, roles=["instructor"]), adopter)
    detail = adopter.get(f"/courses/{source.id}", headers=EN).get_data(as_text=True)
    assert "Adopt this course" in detail
    response = post_form(adopter, f"/courses/{source.id}/adopt", token_from=f"/courses/{source.id}")
    copy_id = int(re.search(r"/authoring/courses/(\d+)", response.headers["Location"]).group(1))
    db.session.expire_all()
    copy = db.session.get(Course, copy_id)
    assert copy.academy_id == other_academy.id and copy.status == "draft"
    assert copy.source_course_id == source.id and copy.source_version == 3  # the package says 3
    assert len(copy.modules) == len(source.modules)
    login_as(instructor)  # the source academy's own authors are not offered to adopt it
    assert "Adopt this course" not in client.get(f"/courses/{source.id}",
                                                 headers=EN).get_data(as_text=True)


def test_package_upload_imports_or_lists_every_problem(client, instructor, login_as):
    login_as(instructor)
    good = write_zip(sample_package(), "searches-with-dignity")
    response = client.post("/authoring/import", data={
        "csrf_token": csrf_token(client, "/authoring/import"),
        "package": (io.BytesIO(good), "course.zip")}, content_type="multipart/form-data")
    assert response.status_code == 302
    course = _course("searches-with-dignity")
    exported = client.get(f"/authoring/courses/{course.id}/package.zip")
    assert exported.mimetype == "application/zip"
    assert set(read_zip(exported.data)) == set(sample_package())
    bad = write_zip(sample_package(**{"01-principles__01-why.es.md": None,
                                      "course.toml": b"format = 2"}), "x")
    response = client.post("/authoring/import", data={
        "csrf_token": csrf_token(client, "/authoring/import"),
        "package": (io.BytesIO(bad), "bad.zip")}, content_type="multipart/form-data", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "nothing was imported" in page
    assert "course.toml" in page and "must be 1" in page
    junk = client.post("/authoring/import", data={
        "csrf_token": csrf_token(client, "/authoring/import"),
        "package": (io.BytesIO(b"not a zip"), "x.zip")}, content_type="multipart/form-data",
                       headers=EN)
    assert junk.status_code == 422 and "This is not a zip file." in junk.get_data(as_text=True)


def test_an_author_cannot_touch_another_academys_course_by_changing_the_id(
        client, instructor, login_as, create_user, other_academy, app_ctx):
    from academy.packages import operations as package_ops

    theirs = package_ops.import_package(sample_package(), academy=other_academy)
    db.session.commit()
    login_as(instructor)
    lesson = theirs.modules[0].lessons[0]
    assert client.get(f"/authoring/courses/{theirs.id}").status_code == 404
    assert client.get(f"/authoring/lessons/{lesson.id}/texts/es").status_code == 404
    response = post_form(client, f"/authoring/lessons/{lesson.id}/delete", token_from="/authoring")
    assert response.status_code == 404
    assert client.get(f"/courses/{theirs.id}").status_code == 404


def _upload(client, course_id, name, data):
    page = f"/authoring/courses/{course_id}"
    return client.post(f"{page}/files", data={"csrf_token": csrf_token(client, page),
                                              "upload": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=EN)


def _upload_error(response) -> str:
    """The message next to the upload field of a course page re-shown after a refused file."""
    page = response.get_data(as_text=True)
    found = re.search(r'<p class="error" id="upload-error">(.*?)</p>', page)
    return html.unescape(found.group(1)) if found else ""


def test_images_and_documents_are_checked_and_served_safely(app, client, instructor, login_as,
                                                            create_user, other_academy):
    from tests.factories.images import png_bytes

    login_as(instructor)
    _new_course(client)
    course = _course()
    _upload(client, course.id, "Diagrama Celda.PNG", png_bytes())
    _upload(client, course.id, "guide.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    for name, data in (("evil.svg",
                        b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'),
                       ("page.html", b"<html><script>x</script></html>"),
                       ("fake.pdf", b"MZ\x90\x00 not a pdf"), ("photo.pdf", png_bytes())):
        response = _upload(client, course.id, name, data)
        assert response.status_code == 422, name
        assert _upload_error(response).startswith(
            "Only images (PNG, JPEG, GIF, WebP), PDF and office documents"), name
    assert sorted(f.name for f in _course().files) == ["diagrama-celda.png", "guide.pdf"]
    image = client.get(f"/courses/{course.id}/files/diagrama-celda.png")
    assert image.mimetype == "image/png" and "attachment" not in \
        image.headers.get("Content-Disposition", "")
    assert "sandbox" in image.headers["Content-Security-Policy"]
    document = client.get(f"/courses/{course.id}/files/guide.pdf")
    assert document.headers["Content-Disposition"].startswith("attachment")
    stranger = app.test_client()
    login_as(create_user(academy=other_academy, roles=["trainee"]), stranger)
    assert stranger.get(f"/courses/{course.id}/files/guide.pdf").status_code == 404
    assert app.test_client().get(f"/courses/{course.id}/files/guide.pdf").status_code == 302


def test_lessons_show_the_courses_images(client, instructor, login_as):
    from tests.factories.images import png_bytes

    login_as(instructor)
    _new_course(client)
    course = _course()
    _upload(client, course.id, "plan.png", png_bytes())
    page = f"/authoring/courses/{course.id}"
    post_form(client, f"{page}/modules", {"title": "M"}, token_from=page)
    post_form(client, f"/authoring/modules/{_course().modules[0].id}/lessons", {"title": "L"},
              token_from=page)
    lesson = _course().modules[0].lessons[0]
    post_form(client, f"/authoring/lessons/{lesson.id}/texts/es",
              {"title": "L", "body": "![Plano](files/plan.png)", "action": "save"})
    html = client.get(f"/courses/{course.id}/lessons/{lesson.id}").get_data(as_text=True)
    assert f'<img src="/courses/{course.id}/files/plan.png" alt="Plano">' in html
    files = read_zip(client.get(f"{page}/package.zip").data)
    assert "files/plan.png" in files


def test_a_cover_picture_is_checked_and_shown_in_the_catalogue(client, instructor, login_as):
    from tests.factories.images import png_bytes

    login_as(instructor)
    _new_course(client)
    course = _course()
    page = f"/authoring/courses/{course.id}"
    fields = {"csrf_token": csrf_token(client, page), "default_locale": "es", "locales": ["es"],
              "hours": "3", "tags": ""}
    bad = client.post(f"{page}/settings", data={**fields,
                                                "cover": (io.BytesIO(b"<svg/>"), "c.svg")},
                      content_type="multipart/form-data", headers=EN)
    assert bad.status_code == 422
    assert "The image must be a PNG, JPEG, GIF or WebP file." in bad.get_data(as_text=True)
    client.post(f"{page}/settings", data={**fields, "cover": (io.BytesIO(png_bytes((1600, 900))),
                                                              "c.png")},
                content_type="multipart/form-data")
    cover = _course().cover_filename
    assert cover
    post_form(client, f"{page}/status", {"change": "publish"}, token_from=page)
    assert f"/courses/{course.id}/cover/{cover}" in client.get("/courses").get_data(as_text=True)
    picture = client.get(f"/courses/{course.id}/cover/{cover}")
    assert picture.mimetype == "image/png"
