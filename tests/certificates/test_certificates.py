"""Certificates: issuing (one and in bulk), what the PDF says, renewal, revocation, reissue,
and the public check by code, by file and as JSON."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import UTC, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from academy import storage
from academy.audit.models import AuditEvent
from academy.certificates import (
    codes,
    configuring,
    contents,
    css,
    issuing,
    queries,
    rendering,
    replacing,
    revoking,
    serials,
    weasyprint_pdf,
)
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from academy.quizzes.models import QuizResult
from tests.support import CSRF_RE


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], username="laura.coord",
                       display_name="Laura Méndez")


@pytest.fixture
def complete(app_ctx):
    """Factory: enrol a person in a course and mark it completed (a week ago)."""

    def _complete(user, course, days_ago: int = 7):
        enrolment = enrolment_ops.enrol_by_staff(user, course)
        enrolment.status, enrolment.completed_at = COMPLETED, utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return enrolment

    return _complete


def pdf_text(certificate: Certificate) -> str:
    path = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf")
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def pdf_bytes(certificate: Certificate) -> bytes:
    return storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf").read_bytes()


def issue(enrolment, actor=None) -> Certificate:
    certificate = issuing.issue_certificate(enrolment, actor_id=actor.id if actor else None,
                                            base_url="https://campus.example.org")
    db.session.commit()
    return certificate


# --- Codes and serials --------------------------------------------------------------------------

def test_a_code_has_at_least_128_random_bits_in_blocks_of_four():
    code = codes.new_code()
    assert len(code) * 5 >= 128 and set(code) <= set(codes.ALPHABET)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", codes.grouped(code))
    assert len({codes.new_code() for _ in range(1000)}) == 1000


def test_a_typed_code_survives_case_spaces_and_confusable_letters():
    code = "0123456789ABCDEFGHJKMNPQRSTV"
    typed = " o123-4567 89ab cdef-ghjk mnpq rstv "
    assert codes.normalise(typed) == code
    assert codes.normalise("O1I1-L") is None  # too short
    assert codes.normalise("U" * 28) is None  # U is not in the alphabet
    assert codes.normalise("") is None


def test_serials_are_consecutive_per_year_and_never_reused(app_ctx):
    first = serials.next_serials(2031, 3)
    assert first == ["PAN-2031-000001", "PAN-2031-000002", "PAN-2031-000003"]
    assert serials.next_serials(2031) == ["PAN-2031-000004"]
    assert serials.next_serials(2032) == ["PAN-2032-000001"]


# --- Issuing one --------------------------------------------------------------------------------

def test_issued_certificate_says_who_what_and_when_and_keeps_its_hash(course, trainee, complete,
                                                                      coordinator):
    certificate = issue(complete(trainee, course), coordinator)
    year = utcnow().year
    assert re.fullmatch(rf"PAN-{year}-\d{{6}}", certificate.serial)
    data = pdf_bytes(certificate)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert certificate.pdf_size == len(data) and data.startswith(b"%PDF-")
    text = pdf_text(certificate)
    assert "María López Fernández" in text  # exactly as registered, accents and all
    assert "Registros con dignidad" in text  # the course title in the trainee's language (es)
    assert certificate.serial in text and codes.grouped(certificate.code) in text
    assert "1 hora de formación" in text  # the sample course states 1 hour
    assert certificate.completed_at.year == year or certificate.completed_at.year == year - 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "certificate",
                                                      AuditEvent.target_id == certificate.id))
    assert event.action == "certificate.issue" and event.actor_id == coordinator.id
    assert event.details["serial"] == certificate.serial


def test_the_pdf_embeds_its_fonts_and_declares_pdf_a(course, trainee, complete):
    certificate = issue(complete(trainee, course))
    reader = PdfReader(io.BytesIO(pdf_bytes(certificate)))
    fonts = [font for page in reader.pages
             for font in page["/Resources"]["/Font"].values()]
    for font in fonts:
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
    metadata = reader.xmp_metadata
    assert metadata is not None
    assert "pdfaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


@pytest.mark.parametrize(("locale", "words"), [
    ("es", ["Certificado", "ha superado"]),
    ("es_419", ["Certificado de aprobación", "ha aprobado"]),
    ("pt_BR", ["Certificado", "Certificamos que", "concluiu com êxito"]),
    ("pt_PT", ["Certificado", "Certifica-se que", "concluiu com aproveitamento"]),
    ("fr", ["Certificat", "a suivi avec succès"]),
    ("en", ["Certificate of completion", "has successfully completed"]),
    ("it", ["Attestato", "ha completato"]),
])
def test_the_certificate_is_in_the_trainees_language(course, create_user, academy, complete,
                                                     locale, words):
    person = create_user(academy=academy, roles=["trainee"], locale=locale,
                         display_name="Zoë Ñúñez-Gonçalves d'Àvila")
    certificate = issue(complete(person, course))
    assert certificate.locale == locale
    text = pdf_text(certificate)
    assert "Zoë Ñúñez-Gonçalves d'Àvila" in text
    for word in words:
        assert word in text, (locale, word)


def test_a_bilingual_design_adds_the_academys_language(course, create_user, academy, complete,
                                                       academy_admin):
    configuring.save_template(academy, actor_id=academy_admin.id, is_bilingual=True)
    person = create_user(academy=academy, roles=["trainee"], locale="en")
    certificate = issue(complete(person, course))
    assert (certificate.locale, certificate.second_locale) == ("en", "es")
    text = pdf_text(certificate)
    assert "Searches with dignity" in text and "Registros con dignidad" in text


def test_a_certificate_is_issued_once_per_course(course, trainee, complete):
    enrolment = complete(trainee, course)
    issue(enrolment)
    with pytest.raises(issuing.NotEligible):
        issue(enrolment)


def test_no_certificate_before_completion_or_when_the_course_gives_none(course, trainee,
                                                                         create_user, academy,
                                                                         complete, coordinator):
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    with pytest.raises(issuing.NotEligible):
        issue(enrolment)
    configuring.save_policy(course, issuance="none", min_grade=None, validity_months=None,
                            shows_grade=False, actor_id=coordinator.id)
    other = complete(create_user(academy=academy, roles=["trainee"]), course)
    with pytest.raises(issuing.NotEligible):
        issue(other)


def _grade(user, course, fraction: float) -> None:
    quiz = next(lesson for module in course.modules for lesson in module.lessons
                if lesson.kind == "quiz")
    db.session.add(QuizResult(lesson_id=quiz.id, user_id=user.id, course_id=course.id,
                              fraction=fraction, is_passed=fraction >= 0.7, attempts=1))
    db.session.commit()


def test_the_minimum_grade_is_enforced_and_the_grade_shown_when_asked(course, create_user,
                                                                      academy, complete,
                                                                      coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=75, validity_months=None,
                            shows_grade=True, actor_id=coordinator.id)
    low, high = (create_user(academy=academy, roles=["trainee"]) for _ in range(2))
    _grade(low, course, 0.74)
    _grade(high, course, 0.875)
    low_enrolment, high_enrolment = complete(low, course), complete(high, course)
    with pytest.raises(issuing.NotEligible):
        issue(low_enrolment)
    listing = queries.eligible(queries.Filters(course_id=course.id))
    assert [row.user.id for row in listing.rows] == [high.id] and listing.total == 1
    certificate = issue(high_enrolment)
    assert certificate.grade == pytest.approx(87.5)
    assert "87,5" in pdf_text(certificate)


def test_validity_sets_an_expiry_date_and_expiry_shows_in_the_status(course, trainee, complete,
                                                                     coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=None, validity_months=12,
                            shows_grade=False, actor_id=coordinator.id)
    certificate = issue(complete(trainee, course))
    assert certificate.expires_at.date() == contents.add_months(certificate.issued_at, 12).date()
    assert certificate.status_at(utcnow()) == "valid"
    assert certificate.status_at(certificate.expires_at + timedelta(seconds=1)) == "expired"


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import datetime
    moment = datetime(2026, 1, 31, 12, tzinfo=UTC)
    assert contents.add_months(moment, 1).date().isoformat() == "2026-02-28"
    assert contents.add_months(moment, 13).date().isoformat() == "2027-02-28"
    assert contents.add_months(moment, 24).date().isoformat() == "2028-01-31"


def test_completing_a_course_issues_at_once_when_the_policy_says_so(course, trainee, coordinator):
    configuring.save_policy(course, issuance="automatic", min_grade=None, validity_months=None,
                            shows_grade=False, actor_id=coordinator.id)
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    for lesson in lessons:
        enrolment_ops.complete_lesson(enrolment, lesson)
    db.session.commit()
    certificate = issuing.current_certificate(trainee.id, course.id)
    assert certificate is not None and certificate.issued_by_id is None
    assert certificate.pdf_sha256 and "María López Fernández" in pdf_text(certificate)


def test_a_quiz_passed_last_completes_the_course_and_both_receivers_keep_the_same_grade(
        course, trainee, coordinator):
    """Completion's receivers run in no set order (enrolment/signals.py): the grade the
    automatic certificate prints is the one kept with the completion, whichever runs first."""
    from academy.quizzes import marking
    from academy.quizzes.models import FINISHED, Attempt

    configuring.save_policy(course, issuance="automatic", min_grade=None, validity_months=None,
                            shows_grade=True, actor_id=coordinator.id)
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    quiz = next(lesson for module in course.modules for lesson in module.lessons
                if lesson.kind == "quiz")
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.id != quiz.id:
                enrolment_ops.complete_lesson(enrolment, lesson)
    db.session.add(Attempt(course_id=course.id, lesson_id=quiz.id, user_id=trainee.id, number=1,
                           locale="es", status=FINISHED, started_at=utcnow(),
                           finished_at=utcnow(), fraction=0.875))
    db.session.flush()
    marking.update_result(quiz.id, trainee.id)
    db.session.commit()
    certificate = issuing.current_certificate(trainee.id, course.id)
    assert enrolment.status == COMPLETED and enrolment.final_grade == pytest.approx(87.5)
    assert certificate is not None and certificate.grade == pytest.approx(87.5)


def test_completing_a_course_waits_for_a_coordinator_by_default(course, trainee):
    enrolment = enrolment_ops.enrol_by_staff(trainee, course)
    for lesson in [lesson for module in course.modules for lesson in module.lessons]:
        enrolment_ops.complete_lesson(enrolment, lesson)
    db.session.commit()
    assert enrolment.status == COMPLETED
    assert issuing.current_certificate(trainee.id, course.id) is None
    listing = queries.eligible(queries.Filters())
    assert [row.enrolment_id for row in listing.rows] == [enrolment.id]


# --- After issue ----------------------------------------------------------------------------------

def test_revocation_keeps_the_reason_and_who_did_it(course, trainee, complete, coordinator):
    certificate = issue(complete(trainee, course))
    revoking.revoke(certificate, reason="Obtained by fraud", actor_id=coordinator.id)
    db.session.commit()
    assert certificate.status_at(utcnow()) == "revoked"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.actor_id == coordinator.id and event.details["reason"] == "Obtained by fraud"
    with pytest.raises(issuing.NotEligible):
        revoking.revoke(certificate, reason="again", actor_id=coordinator.id)


def test_renewal_supersedes_the_old_certificate_with_a_new_serial(course, trainee, complete,
                                                                 coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=None, validity_months=6,
                            shows_grade=False, actor_id=coordinator.id)
    old = issue(complete(trainee, course))
    new = replacing.renew(old, actor_id=coordinator.id, reason="Recertified")
    db.session.commit()
    assert new.serial != old.serial and new.code != old.code
    assert old.status_at(utcnow()) == "superseded" and old.superseded_by_id == new.id
    assert new.status_at(utcnow()) == "valid"
    assert issuing.current_certificate(trainee.id, course.id).id == new.id
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.target_type == "certificate")).all()
    assert actions.count("certificate.renew") == 2  # on the new one and on the old one


def test_reissue_after_a_name_correction_shows_the_new_name_and_keeps_the_expiry(
        course, trainee, complete, coordinator):
    configuring.save_policy(course, issuance="approval", min_grade=None, validity_months=24,
                            shows_grade=False, actor_id=coordinator.id)
    old = issue(complete(trainee, course))
    trainee.display_name = "María López-Fernández de Castro"
    db.session.commit()
    new = replacing.reissue(old, actor_id=coordinator.id, reason="Second surname was missing")
    db.session.commit()
    assert new.name == "María López-Fernández de Castro"
    assert "María López-Fernández de Castro" in pdf_text(new)
    assert new.expires_at == old.expires_at
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "certificate.reissue", AuditEvent.target_id == new.id))
    assert event.details["name_before"] == "María López Fernández"
    with pytest.raises(issuing.NotEligible):
        replacing.renew(old, actor_id=coordinator.id)


# --- Rendering safety ---------------------------------------------------------------------------

def test_the_renderer_fetches_nothing_outside_the_apps_own_files(app_ctx, tmp_path):
    root = tmp_path / "allowed"
    root.mkdir()
    (root / "logo.png").write_bytes(b"png")
    fetcher = weasyprint_pdf.AppFilesFetcher((str(root),))
    assert fetcher.fetch((root / "logo.png").as_uri()).read() == b"png"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("http://127.0.0.1:6379/", "https://example.org/x.png", "file:///etc/passwd",
                (root / ".." / "secret").as_uri(), "ftp://example.org/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.parametrize("text", [
    "h1 { background: url(http://example.org/x.png) }", "@import 'https://example.org/a.css';",
    "@font-face { font-family: x; src: local(Arial) }", "h1 { background: u\\72l(x) }",
    "@media print { .name { background-image: image-set('a.png' 1x) } }", "</style><script>",
])
def test_extra_css_that_could_reach_outside_is_refused(text):
    with pytest.raises(DomainError):
        css.clean_extra_css(text)


def test_plain_extra_css_is_kept():
    assert css.clean_extra_css(" h1 { letter-spacing: 0; color: #222 } ") == (
        "h1 { letter-spacing: 0; color: #222 }")


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


# --- Public check --------------------------------------------------------------------------------

def test_the_public_check_shows_only_what_the_certificate_shows(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    client = app.test_client()
    response = client.get(f"/verify/{codes.grouped(certificate.code)}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "This certificate is genuine and valid." in text
    assert "María López Fernández" in text and "Registros con dignidad" in text
    assert trainee.username not in text and "noindex" in response.headers["X-Robots-Tag"]
    as_json = client.get(f"/verify/{codes.grouped(certificate.code)}.json").get_json()
    assert as_json["status"] == "valid" and as_json["serial"] == certificate.serial
    assert as_json["name"] == "María López Fernández" and "username" not in as_json


def test_a_typed_code_is_forgiving_and_leads_to_the_certificate(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    typed = codes.grouped(certificate.code).lower().replace("-", " ").replace("0", "o")
    response = app.test_client().get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{codes.grouped(certificate.code)}")


def test_unknown_codes_get_the_same_answer_whether_near_or_random(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    near = certificate.code[:-1] + ("0" if certificate.code[-1] != "0" else "1")
    client = app.test_client()
    answers = []
    for code in (near, codes.new_code()):
        response = client.get(f"/verify/{codes.grouped(code)}")
        body = response.get_data(as_text=True).replace(codes.grouped(code), "CODE")
        answers.append((response.status_code, re.sub(r'value="[^"]*"', "", body)))
        assert client.get(f"/verify/{codes.grouped(code)}.json").get_json() == {"status": "unknown"}
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert client.get(f"/verify/{certificate.serial}").status_code == 404  # a serial is not enough


def test_a_malformed_code_is_explained_next_to_the_field(app):
    response = app.test_client().get("/verify?code=ABC-123")
    assert response.status_code == 400
    assert "A verification code has 28 letters and digits" in response.get_data(as_text=True)


def test_the_public_check_is_rate_limited_per_address(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    app.config["VERIFY_MAX_PER_ADDRESS"] = 3
    try:
        client = app.test_client()
        url = f"/verify/{codes.grouped(certificate.code)}"
        statuses = [client.get(url, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
                    for _ in range(4)]
        other = client.get(url, environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code
    finally:
        app.config["VERIFY_MAX_PER_ADDRESS"] = 60
    assert statuses == [200, 200, 200, 429] and other == 200


def test_an_uploaded_pdf_is_checked_against_the_stored_hash(app, course, trainee, complete):
    certificate = issue(complete(trainee, course))
    data = pdf_bytes(certificate)
    client = app.test_client()
    url = f"/verify/{codes.grouped(certificate.code)}/file"
    token = CSRF_RE.search(client.get(f"/verify/{codes.grouped(certificate.code)}")
                           .get_data(as_text=True)).group(1)
    good = client.post(url, data={"csrf_token": token, "pdf": (io.BytesIO(data), "c.pdf")},
                       content_type="multipart/form-data")
    assert "exactly the PDF Campus issued" in good.get_data(as_text=True)
    tampered = data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]  # one bit changed
    bad = client.post(url, data={"csrf_token": token, "pdf": (io.BytesIO(tampered), "c.pdf")},
                      content_type="multipart/form-data")
    assert "is not the PDF Campus issued" in bad.get_data(as_text=True)
    anywhere = client.post("/verify/file", data={"csrf_token": token,
                                                 "pdf": (io.BytesIO(data), "c.pdf")},
                           content_type="multipart/form-data")
    assert certificate.serial in anywhere.get_data(as_text=True)


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
