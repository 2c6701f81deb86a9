"""Certificates: codes and serials, issuing one (what the PDF says, in which language,
the course's policy, issued on completion) and what the renderer may fetch or the design's CSS
may hold."""
from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from academy.audit.models import AuditEvent
from academy.certificates import (
    codes,
    configuring,
    contents,
    css,
    issuing,
    queries,
    serials,
    weasyprint_pdf,
)
from academy.db import utcnow
from academy.domain_errors import DomainError
from academy.enrolment import operations as enrolment_ops
from academy.enrolment.models import COMPLETED
from academy.extensions import db
from academy.quizzes.models import QuizResult
from tests.factories.certificates import (
    complete_a_week_ago,  # noqa: F401 - fixtures
    issue,
    pdf_bytes,
    pdf_text,
)

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
