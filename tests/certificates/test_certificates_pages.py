"""Certificates' pages: coordinators issue in bulk, list and revoke; trainees download their
own; authors and academy admins set the policy and the design; and the review's fixes."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from academy.certificates import (
    codes,
    configuring,
    css,
    issuing,
    queries,
    rendering,
    revoking,
    serials,
)
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.extensions import db
from tests.factories.certificates import (
    complete_a_week_ago,  # noqa: F401 - fixtures
    issue,
    pdf_bytes,
)
from tests.support import CSRF_RE

# --- Pages: coordinators --------------------------------------------------------------------------

def _csrf(client, url) -> str:
    return CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)


def test_a_coordinator_bulk_issues_and_downloads_a_zip_and_a_merged_pdf(
        app, client, login_as, coordinator, course, create_user, academy, complete):
    people = [create_user(academy=academy, roles=["trainee"], display_name=f"Añil Ñoño {i}")
              for i in range(3)]
    enrolments = [complete(person, course) for person in people]
    login_as(coordinator)
    page = client.get("/certificates/eligible").get_data(as_text=True)
    assert all(f'name="enrolments" value="{e.id}"' in page for e in enrolments)
    token = CSRF_RE.search(page).group(1)
    chosen = [str(e.id) for e in enrolments[:2]]
    confirm = client.post("/certificates/issue", data={"csrf_token": token, "enrolments": chosen})
    assert confirm.status_code == 200  # nothing goes out before the coordinator has seen it
    assert "You are about to issue 2 certificates" in confirm.text
    assert "Añil Ñoño 0" in confirm.text and "Añil Ñoño 1" in confirm.text
    assert "Añil Ñoño 2" not in confirm.text
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    response = client.post("/certificates/issue", data={
        "csrf_token": token, "enrolments": chosen, "confirmed": "1"})
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 certificates issued." in job_page
    zip_url = re.search(r'href="([^"]+certificates\.zip)"', job_page).group(1)
    archive = zipfile.ZipFile(io.BytesIO(client.get(zip_url).data))
    names = archive.namelist()
    assert len(names) == 2 and all(re.fullmatch(r"PAN-\d{4}-\d{6}-anil-nono-\d\.pdf", n)
                                   for n in names)
    merged = client.get(zip_url.replace(".zip", ".pdf"))
    assert len(PdfReader(io.BytesIO(merged.data)).pages) == 2
    # the third one is still waiting; the two issued are no longer eligible
    again = client.get("/certificates/eligible").get_data(as_text=True)
    assert f'name="enrolments" value="{enrolments[2].id}"' in again
    assert f'name="enrolments" value="{enrolments[0].id}"' not in again


def test_issue_all_takes_everyone_matching_the_filters(app, client, login_as, coordinator,
                                                      course, create_user, academy,
                                                      other_academy, complete):
    from academy.curricula import operations as course_ops

    course_ops.approve_sharing(course, coordinator)  # so the other academy's trainee may enrol
    here = [complete(create_user(academy=academy, roles=["trainee"]), course) for _ in range(2)]
    there = complete(create_user(academy=other_academy, roles=["trainee"]), course)
    login_as(coordinator)
    page = client.get(f"/certificates/eligible?country=ES&course={course.id}")
    text = page.get_data(as_text=True)
    assert "2 trainees can receive a certificate." in text
    token = CSRF_RE.search(text).group(1)
    confirm = client.post("/certificates/issue-all", data={
        "csrf_token": token, "academy": "", "country": "ES", "course": str(course.id),
        "cohort": ""})
    assert "You are about to issue 2 certificates" in confirm.text
    chosen = re.findall(r'name="enrolments" value="(\d+)"', confirm.text)
    assert sorted(int(i) for i in chosen) == sorted(e.id for e in here)
    response = client.post("/certificates/issue", data={
        "csrf_token": token, "enrolments": chosen, "confirmed": "1"})
    assert response.status_code == 302
    issued = db.session.scalars(select(Certificate.user_id)).all()
    assert sorted(issued) == sorted(e.user_id for e in here) and there.user_id not in issued


def test_wrong_filter_values_are_shown_not_crashed_on(client, login_as, coordinator):
    login_as(coordinator)
    for query in ("academy=abc", "course=999999", "status=lost", "cohort=-1", "page=zz"):
        response = client.get(f"/certificates?{query}")
        assert response.status_code == 200, query
    assert "Not a valid choice" in client.get("/certificates?status=lost").get_data(as_text=True)


def test_the_lists_stay_within_a_bounded_number_of_queries(app, client, login_as, coordinator,
                                                          course, create_user, academy, complete,
                                                          count_queries):
    login_as(coordinator)

    def load():
        assert client.get("/certificates/eligible").status_code == 200
        assert client.get("/certificates").status_code == 200

    people = [create_user(academy=academy, roles=["trainee"]) for _ in range(12)]
    for person in people[:2]:
        issue(complete(person, course))
    for person in people[2:4]:
        complete(person, course)
    few = count_queries(load)
    for person in people[4:8]:
        issue(complete(person, course))
    for person in people[8:]:
        complete(person, course)
    assert count_queries(load) == few


def test_a_coordinator_revokes_then_the_public_check_says_revoked(
        app, client, login_as, coordinator, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    login_as(coordinator)
    url = f"/certificates/{certificate.id}"
    token = _csrf(client, url)
    refused = client.post(f"{url}/revoke", data={"csrf_token": token, "revoke-reason": ""})
    assert refused.status_code == 400 and "This field is required." in \
        refused.get_data(as_text=True)
    done = client.post(f"{url}/revoke", data={"csrf_token": token,
                                              "revoke-reason": "Issued by mistake"})
    assert done.status_code == 302
    public = app.test_client().get(f"/verify/{codes.grouped(certificate.code)}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200 and "was revoked on" in text
    assert "Issued by mistake" not in text  # the reason stays internal


# --- Pages: trainees ---------------------------------------------------------------------------

def test_a_trainee_downloads_the_same_bytes_every_time(client, login_as, course, trainee,
                                                       complete):
    certificate = issue(complete(trainee, course))
    login_as(trainee)
    page = client.get("/my/certificates").get_data(as_text=True)
    assert certificate.serial in page and f"/verify/{codes.grouped(certificate.code)}" in page
    first = client.get(f"/certificates/{certificate.id}/pdf")
    second = client.get(f"/certificates/{certificate.id}/pdf")
    assert first.data == second.data == pdf_bytes(certificate)
    assert hashlib.sha256(first.data).hexdigest() == certificate.pdf_sha256


def test_a_trainee_cannot_download_another_trainees_certificate(client, login_as, course,
                                                               trainee, create_user, academy,
                                                               complete):
    certificate = issue(complete(trainee, course))
    login_as(create_user(academy=academy, roles=["trainee"]))
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404
    assert client.get(f"/certificates/{certificate.id}").status_code == 404


# --- Setting up: policy and design -------------------------------------------------------------

def test_authors_set_the_course_policy_and_wrong_values_are_explained(
        client, login_as, course, create_user, academy):
    instructor = create_user(academy=academy, roles=["instructor"])
    login_as(instructor)
    url = f"/courses/{course.id}/certificate"
    token = _csrf(client, url)
    bad = client.post(url, data={"csrf_token": token, "issuance": "automatic",
                                 "min_grade": "150", "validity_months": "x"})
    assert bad.status_code == 400
    good = client.post(url, data={"csrf_token": token, "issuance": "automatic",
                                  "min_grade": "60", "validity_months": "24", "shows_grade": "y"})
    assert good.status_code == 302
    saved = configuring.policy_of(course.id)
    assert (saved.issuance, saved.min_grade, saved.validity_months, saved.shows_grade) == (
        "automatic", 60, 24, True)


def test_an_academy_admin_designs_the_certificate_and_previews_it(
        client, login_as, academy, academy_admin):
    from tests.factories.images import png_bytes

    login_as(academy_admin)
    url = f"/academies/{academy.id}/certificate"
    token = _csrf(client, url)
    refused = client.post(url, data={"csrf_token": token, "page_size": "a4-landscape",
                                     "accent": "#123456",
                                     "extra_css": "h1 { background: url(http://x/y.png) }"})
    assert refused.status_code == 400 and "url()" in refused.get_data(as_text=True)
    saved = client.post(url, data={
        "csrf_token": token, "page_size": "a4-portrait", "accent": "#123456",
        "texts_es-title": "Diploma de aprovechamiento", "signature_1-name": "Ana Directora",
        "signature_1-title": "Directora",
        "signature_1-image": (io.BytesIO(png_bytes()), "firma.png")},
        content_type="multipart/form-data")
    assert saved.status_code == 302
    template = configuring.template_of(academy.id)
    assert template.page_size == "a4-portrait" and template.signatures[0]["image"]
    specimen = client.get(f"{url}/specimen.pdf?locale=es")
    assert specimen.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(specimen.data)).pages)
    assert "Diploma de aprovechamiento" in text and "Ana Directora" in text
    assert client.get(f"{url}/specimen.pdf?locale=zz").status_code == 200  # falls back


def test_the_app_knows_whether_the_fast_font_subsetter_is_there():
    assert rendering.has_fast_subsetter() is True  # the README's install step provides it


def test_every_certificate_row_counts_once(app_ctx, course, trainee, complete):
    issue(complete(trainee, course))
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


# --- Review fixes ------------------------------------------------------------------------------

def test_a_revoked_certificate_is_not_offered_again_until_a_coordinator_decides(
        client, login_as, course, trainee, complete, coordinator):
    enrolment = complete(trainee, course)
    revoked = issue(enrolment)
    revoking.revoke(revoked, reason="Fraud", actor_id=coordinator.id)
    db.session.commit()
    assert queries.eligible(queries.Filters()).total == 0
    with pytest.raises(issuing.NotEligible):
        issue(enrolment)
    login_as(coordinator)
    url = f"/certificates/{revoked.id}"
    token = _csrf(client, url)
    response = client.post(f"{url}/issue-again", data={"csrf_token": token,
                                                       "again-reason": "Revoked by mistake"})
    assert response.status_code == 302
    new = issuing.current_certificate(trainee.id, course.id)
    assert new is not None and new.id != revoked.id
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    db.session.refresh(revoked)
    assert revoked.status_at(utcnow()) == "revoked" and revoked.superseded_by_id == new.id
    assert client.post(f"{url}/issue-again", data={"csrf_token": token, "again-reason": "x"}
                       ).status_code == 400  # only once


def test_extra_css_cannot_hide_a_font_face_inside_a_media_block():
    with pytest.raises(DomainError):
        css.clean_extra_css('@media print { @font-face { font-family: "DejaVu Serif"; '
                            'src: local("x") } }')


def test_a_page_past_the_end_and_odd_ids_are_not_errors(client, login_as, coordinator):
    login_as(coordinator)
    for url in ("/certificates?page=100000000000000000000", "/certificates/eligible?page=99",
                "/certificates?academy=%C2%B2", "/certificates/eligible?cohort=%D9%A3"):
        assert client.get(url).status_code == 200, url


def test_a_former_coordinator_cannot_follow_their_old_job(app, client, login_as, coordinator,
                                                          course, trainee, complete):
    from academy.accounts.models import NetworkRole

    complete(trainee, course)
    login_as(coordinator)
    page = client.get("/certificates/eligible").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    enrolment_id = re.search(r'name="enrolments" value="(\d+)"', page).group(1)
    job_url = client.post("/certificates/issue", data={
        "csrf_token": token, "enrolments": [enrolment_id], "confirmed": "1"}).headers["Location"]
    assert client.get(job_url).status_code == 200
    db.session.execute(db.delete(NetworkRole).where(NetworkRole.user_id == coordinator.id))
    db.session.commit()
    assert client.get(job_url).status_code == 404


def test_bulk_issuance_leaves_out_who_was_issued_meanwhile(app_ctx, course, create_user, academy,
                                                           complete, coordinator):
    enrolments = [complete(create_user(academy=academy, roles=["trainee"]), course)
                  for _ in range(3)]
    ids = [e.id for e in enrolments]
    drafts = issuing.draft_batch(ids, serials.next_serials(2035, 3), actor_id=coordinator.id,
                                 base_url="https://campus.example.org", job_id=None)
    issue(enrolments[1])  # someone else, between drafting and writing
    kept = issuing.keep_batch(drafts, [b"%PDF-1.7 a", b"%PDF-1.7 b", b"%PDF-1.7 c"],
                              actor_id=coordinator.id, job_id=None)
    db.session.commit()
    assert kept == 2
    holders = db.session.scalars(select(Certificate.user_id)).all()
    assert sorted(holders) == sorted(e.user_id for e in enrolments)


def test_production_refuses_to_start_without_the_public_address(tmp_path):
    from academy import create_app
    from academy.config import ConfigError

    settings = {"ENV": "production", "SECRET_KEY": "s" * 32, "UPLOAD_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}", "PUBLIC_URL": None}
    with pytest.raises(ConfigError, match="ACADEMY_PUBLIC_URL"):
        create_app(settings)
