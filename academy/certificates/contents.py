"""What a certificate says: the address that checks it, its languages and dates, the document
its PDF is drawn from; and where that PDF is kept."""
from __future__ import annotations

import calendar
from datetime import datetime

from flask import current_app

from academy import request_edge, storage
from academy.academies.models import Academy
from academy.accounts.models import User
from academy.certificates import codes, documents, signed_qr
from academy.certificates.configuring import template_of
from academy.certificates.models import Certificate, CertificateTemplate
from academy.curricula.models import Course
from academy.i18n import content_language, is_interface_locale

PDF_KIND = "certificates"
VERIFY_PATH = "/verify/"


def public_base_url() -> str:
    """The address printed on certificates: PUBLIC_URL (required in production), else, in
    development, the address of the request being served (academy/request_edge.py), else
    http://localhost:5000 (the CLI's, a job's)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    requested = request_edge.host_url()
    if requested:
        return requested.rstrip("/")
    return "http://localhost:5000"


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}{VERIFY_PATH}{codes.grouped(code)}"


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def certificate_locales(user: User, course: Course,
                        template: CertificateTemplate) -> tuple[str, str | None]:
    """The trainee's locale (their variety: pt_BR, es_419 …), and the academy's as a second one
    when the template asks."""
    academy = course.academy
    locale = user.locale if is_interface_locale(user.locale) else academy.default_locale
    locale = locale if is_interface_locale(locale) else current_app.config["DEFAULT_LOCALE"]
    return locale, second_locale(academy, template, locale)


def second_locale(academy: Academy, template: CertificateTemplate, locale: str) -> str | None:
    """The academy's language beside `locale`, when the design is bilingual and they differ (a
    pt_PT reader of a pt_BR academy reads one Portuguese, not two)."""
    second = academy.default_locale if template.is_bilingual else None
    if not is_interface_locale(second) or content_language(second) == content_language(locale):
        return None
    return second


def facts_of(certificate: Certificate, course: Course, base_url: str) -> documents.Facts:
    titles = {certificate.locale: certificate.course_title}
    if certificate.second_locale:
        titles[certificate.second_locale] = course.title_in(certificate.second_locale)
    return documents.Facts(
        serial=certificate.serial, code=certificate.code, name=certificate.name,
        course_titles=titles, hours=certificate.hours, grade=certificate.grade,
        completed_at=certificate.completed_at, issued_at=certificate.issued_at,
        expires_at=certificate.expires_at, academy_names=dict(course.academy.names or {}),
        logo_filename=course.academy.logo_filename,
        verify_url=verify_url(base_url, certificate.code),
        signed_payload=signed_qr.payload_for(certificate, course.academy))


def document_of(certificate: Certificate, course: Course, base_url: str,
                template: CertificateTemplate | None = None) -> tuple[str, str]:
    """The (html, css) a certificate's PDF is rendered from."""
    template = template or template_of(course.academy_id)
    values = documents.values(facts_of(certificate, course, base_url), template,
                              certificate.locale, certificate.second_locale)
    return documents.html(values), documents.stylesheet(template)


def attach_pdf(certificate: Certificate, pdf: bytes) -> None:
    certificate.pdf_sha256 = storage.store(PDF_KIND, pdf, ".pdf")
    certificate.pdf_size = len(pdf)
