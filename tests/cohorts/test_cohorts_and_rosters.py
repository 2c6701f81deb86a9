"""Cohorts, enrolling a cohort or a CSV file, the progress grid and its exports."""
from __future__ import annotations

import base64
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from academy.cohorts.models import Cohort
from academy.enrolment import operations
from academy.enrolment.models import Enrolment
from academy.extensions import db
from tests.factories.people import csv_multipart
from tests.support import csrf_token, post_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def author(create_user, academy):
    return create_user(academy=academy, roles=["instructor"])


@pytest.fixture
def intake(create_user, academy):
    return [create_user(academy=academy, roles=["trainee"], username=f"cadete{n}",
                        display_name=f"Cadete Número {n}", email=f"cadete{n}@example.org")
            for n in range(1, 5)]


def _count(course, status=None):
    stmt = select(func.count()).select_from(Enrolment).where(Enrolment.course_id == course.id)
    return db.session.scalar(stmt.where(Enrolment.status == status) if status else stmt)


def test_academy_admin_builds_a_cohort(client, academy, academy_admin, intake, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/academies/{academy.id}/cohorts", {"name": "Promoción 2026"})
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Promoción 2026"))
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    added = post_form(client, f"/cohorts/{cohort.id}/members",
                      {"people": "cadete1\nCADETE2\ncadete3@example.org\nnobody.here"}, headers=EN)
    page = client.get(added.headers["Location"], headers=EN).get_data(as_text=True)
    assert "3 people added." in page and "Not found in this academy: nobody.here" in page
    duplicate = post_form(client, f"/academies/{academy.id}/cohorts", {"name": "Promoción 2026"},
                          headers=EN)
    assert "The academy already has a cohort with this name." in duplicate.get_data(as_text=True)


def test_people_are_added_to_a_cohort_by_searching_ticking_and_pasting(
        client, academy, academy_admin, intake, login_as):
    login_as(academy_admin)
    post_form(client, f"/academies/{academy.id}/cohorts", {"name": "Promoción 2027"})
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Promoción 2027"))
    found = client.get(f"/cohorts/{cohort.id}?q=numero", headers=EN).text  # accents aside
    assert "4 people found" in found
    ids = re.findall(r'name="person" value="(\d+)"', found)
    assert len(ids) == 4
    added = post_form(client, f"/cohorts/{cohort.id}/members",
                      {"person": ids[:2], "people": "cadete3, cadete4@example.org;\tcadete1"},
                      token_from=f"/cohorts/{cohort.id}", headers=EN)
    page = client.get(added.headers["Location"], headers=EN).text
    assert "4 people added." in page
    again = client.get(f"/cohorts/{cohort.id}?q=numero", headers=EN).text
    assert 'name="person"' not in again  # those already in are not offered again


def test_instructor_enrols_a_cohort_with_places_then_a_waiting_list(app, client, academy, course,
                                                                    author, intake, login_as):
    from academy.cohorts import operations as cohort_ops

    cohort = cohort_ops.create_cohort(academy, "2026")
    cohort_ops.add_members(cohort, [p.username for p in intake])
    operations.save_rules(course, policy="closed", enrolment_key=None, capacity=3, opens_at=None,
                          closes_at=None, starts_at=None, ends_at=None, allow_withdrawal=True,
                          completion_mode="viewed", allowed_academy_ids=set())
    db.session.commit()
    login_as(author)
    page = f"/authoring/courses/{course.id}/enrolment"
    asked = post_form(client, f"{page}/cohort", {"cohort_id": cohort.id}, token_from=page,
                      headers=EN)
    assert f"You are about to enrol {len(intake)} people" in asked.text  # first who, then do it
    response = post_form(client, f"{page}/cohort", {"cohort_id": cohort.id, "confirmed": "1"},
                         token_from=page, headers=EN)
    text = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "3 people of the cohort are enrolled or were already." in text
    assert "1 person is on the waiting list." in text
    assert (_count(course, "active"), _count(course, "waitlisted")) == (3, 1)


def _upload(client, course, content: bytes):
    # Built by hand: Flask's test client leaks a temporary file for large multipart bodies.
    page = f"/authoring/courses/{course.id}/enrolment"
    body, content_type = csv_multipart({"csrf_token": csrf_token(client, page)}, "list.csv",
                                       content)
    return client.post(f"{page}/import", data=body, content_type=content_type, headers=EN)


def test_academy_enrols_people_from_a_csv_after_a_preview(client, course, author, intake, login_as):
    login_as(author)
    preview = _upload(client, course, b"username\ncadete1\ncadete2@example.org\n")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and page.count("Will be enrolled") == 2
    assert _count(course) == 0  # the preview writes nothing
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    page_url = f"/authoring/courses/{course.id}/enrolment"
    post_form(client, f"{page_url}/import/apply", {"payload": payload}, token_from=page_url)
    assert _count(course, "active") == 2


def test_csv_problems_are_reported_per_row_and_change_nothing(client, course, author, intake,
                                                              login_as):
    login_as(author)
    response = _upload(client, course, b"email\ncadete1@example.org\nghost@example.org\n"
                                       b"cadete1@example.org\n\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nobody has that username or e-mail." in page and "already on line 2" in page
    for content, message in ((b"name\nx\n", "needs a column named username or email"),
                             ("username\nJos\xe9\n".encode("latin-1"), "not in UTF-8"),
                             (b"username\n" + b"x" * (3 * 1024 * 1024), "The file is too large")):
        assert message in _upload(client, course, content).get_data(as_text=True)
    page_url = f"/authoring/courses/{course.id}/enrolment"
    tampered = base64.b64encode(b"username\ncadete1\nghost\n").decode()
    response = post_form(client, f"{page_url}/import/apply", {"payload": tampered},
                         token_from=page_url)
    assert response.status_code == 422 and _count(course) == 0


def test_progress_grid_and_exports(client, course, author, intake, login_as):
    enrolment = operations.enrol_by_staff(intake[0], course)
    operations.enrol_by_staff(intake[1], course)
    operations.complete_lesson(enrolment, course.modules[0].lessons[0])
    db.session.commit()
    login_as(author)
    grid = client.get(f"/authoring/courses/{course.id}/progress", headers=EN).get_data(as_text=True)
    assert "Cadete Número 1" in grid and "33%" in grid
    token = csrf_token(client, f"/authoring/courses/{course.id}/progress")
    exported = client.post(f"/authoring/courses/{course.id}/progress.csv", headers=EN,
                           data={"csrf_token": token})
    assert exported.data.startswith(b"\xef\xbb\xbfName,Username,Status")
    assert "Cadete Número 1,cadete1,Enrolled,33%" in exported.data.decode("utf-8-sig")
    xlsx = client.post(f"/authoring/courses/{course.id}/progress.xlsx", headers=EN,
                       data={"csrf_token": token})
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("Name", "Username", "Status") and len(rows) == 3
    assert rows[1][0] == "Cadete Número 1" and "✓" in rows[1]


def test_exports_do_not_run_formulas(client, course, author, create_user, academy, login_as):
    person = create_user(academy=academy, roles=["trainee"], display_name="=HYPERLINK(\"x\")")
    operations.enrol_by_staff(person, course)
    db.session.commit()
    login_as(author)
    exported = post_form(client, f"/authoring/courses/{course.id}/progress.csv",
                         token_from=f"/authoring/courses/{course.id}/progress")
    exported = exported.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported


def test_staff_cannot_enrol_someone_whose_academy_cannot_see_the_course(
        client, course, author, create_user, other_academy, intake, login_as, academy):
    from academy.cohorts import operations as cohort_ops

    outsider = create_user(academy=other_academy, roles=["trainee"], username="fuera.de.casa")
    login_as(author)
    page = f"/authoring/courses/{course.id}/enrolment"
    response = post_form(client, f"{page}/people", {"username": "fuera.de.casa"}, token_from=page,
                         headers=EN)
    assert "cannot be enrolled" in client.get(response.headers["Location"],
                                              headers=EN).get_data(as_text=True)
    assert _count(course) == 0
    preview = _upload(client, course, b"username\nfuera.de.casa\ncadete1\n")
    assert "academy cannot see this course" in preview.get_data(as_text=True)
    intake[1].is_active = False
    cohort = cohort_ops.create_cohort(academy, "Con baja")
    cohort_ops.add_members(cohort, [intake[0].username, intake[1].username])
    db.session.commit()
    response = post_form(client, f"{page}/cohort", {"cohort_id": cohort.id, "confirmed": "1"},
                         token_from=page, headers=EN)
    text = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Not enrolled (deactivated" in text and intake[1].display_name in text
    assert _count(course, "active") == 1
    assert outsider.id not in set(db.session.scalars(select(Enrolment.user_id)))


def test_deleting_a_cohort_asks_first_and_names_its_people(
        client, academy, academy_admin, intake, login_as):
    from academy.cohorts import operations as cohort_ops

    cohort = cohort_ops.create_cohort(academy, "Para borrar")
    cohort_ops.add_members(cohort, [p.username for p in intake])
    db.session.commit()
    login_as(academy_admin)
    cohort_id, page = cohort.id, f"/cohorts/{cohort.id}"
    asked = post_form(client, f"{page}/delete", token_from=page, headers=EN)
    assert asked.status_code == 200 and "Its 4 people stay in the academy" in asked.text
    assert all(p.display_name in asked.text for p in intake)
    assert db.session.get(Cohort, cohort_id) is not None
    done = post_form(client, f"{page}/delete", {"confirmed": "1"}, token_from=page)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cohort, cohort_id) is None
