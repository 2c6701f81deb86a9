"""What a certificate's PDF says, as plain values, and the HTML and CSS WeasyPrint lays out.

Everything here runs with the app (translations, templates) but hands the renderer only strings,
so the bulk job's worker processes never touch the database or the ORM.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from academy import images
from academy.certificates import codes
from academy.certificates.models import PAGE_SIZES, TEMPLATE_TEXTS, CertificateTemplate
from academy.i18n import bcp47, content_language, format_number

STATIC_DIR = Path(__file__).resolve().parent / "static"
SIGNATURES = "signatures"


@dataclass(frozen=True)
class Facts:
    """The facts a certificate states, independent of its language."""

    serial: str
    code: str
    name: str
    course_titles: dict[str, str]  # locale: title (the certificate's locale, and the second one)
    hours: int
    grade: float | None
    completed_at: datetime
    issued_at: datetime
    expires_at: datetime | None
    academy_names: dict[str, str]
    logo_filename: str | None
    verify_url: str
    signed_payload: str | None = None  # the QR code's signed claims (signed_qr.py), if a key signs


def default_texts() -> dict[str, str]:
    """The default template texts in the current locale."""
    return {
        # i18n: the heading of a certificate.
        "title": _("Certificate of completion"),
        # i18n: on a certificate, the line before the trainee's name.
        "intro": _("This certifies that"),
        # i18n: on a certificate, the line between the trainee's name and the course title.
        "statement": _("has successfully completed the course"),
        "closing": "",
    }


def template_texts(template: CertificateTemplate, locale: str) -> dict[str, str]:
    """The academy's texts in `locale`'s language, each falling back to the default wording
    (in `locale`'s variety: a pt_BR certificate says what Brazil says)."""
    with force_locale(locale):
        texts = default_texts()
    written = (template.texts or {}).get(content_language(locale)) or {}
    return {key: (written.get(key) or "").strip() or texts[key] for key in TEMPLATE_TEXTS}


def _facts_lines(facts: Facts, locale: str) -> list[str]:
    with force_locale(locale):
        lines = []
        if facts.hours:
            lines.append(ngettext("%(num)d hour of training", "%(num)d hours of training",
                                  facts.hours))
        if facts.grade is not None:
            lines.append(_("Grade: %(grade)s",
                           grade=format_number(facts.grade / 100, "#,##0.#%")))
        lines.append(_("Completed on %(date)s", date=format_date(facts.completed_at, "long")))
        lines.append(_("Issued on %(date)s", date=format_date(facts.issued_at, "long")))
        if facts.expires_at is not None:
            lines.append(_("Valid until %(date)s", date=format_date(facts.expires_at, "long")))
        return lines


def _side(facts: Facts, template: CertificateTemplate, locale: str) -> dict:
    texts = template_texts(template, locale)
    with force_locale(locale):
        network = _("Prison Academies Network")
    return {**texts, "lang": bcp47(locale), "network_name": network,
            "facts": _facts_lines(facts, locale),
            "course_title": facts.course_titles.get(locale, "")}


def qr_image(url: str) -> str:
    """A QR code of `url` as a data: URL of a PNG with one pixel per module (medium error
    correction survives a worn print). The PDF draws it unsmoothed (`image-rendering:
    pixelated`), so it prints as sharp as a vector and WeasyPrint lays it out in a fraction of
    the time an SVG path of every module takes (about 16 ms a certificate, issue 14)."""
    import segno  # loaded on the first certificate, not at start

    return segno.make(url, error="m").png_data_uri(scale=1, border=0)


def values(facts: Facts, template: CertificateTemplate, locale: str,
           second_locale: str | None, *, specimen: bool = False) -> dict:
    """The plain values document.html needs, in one language or two."""
    main = _side(facts, template, locale)
    with force_locale(locale):
        labels = {"serial_label": _("Serial number"), "code_label": _("Verification code"),
                  # i18n: on a certificate, before the address of the verification page.
                  "verify_hint": _("Check this certificate at"),
                  # i18n: written across a sample certificate shown while editing the template.
                  "specimen": _("Specimen") if specimen else ""}
    logo = images.image_path("logos", facts.logo_filename)
    return {
        **main, **labels, "lang": bcp47(locale), "name": facts.name, "serial": facts.serial,
        "code": codes.grouped(facts.code), "verify_url": facts.verify_url,
        "qr_image": qr_image(facts.signed_payload or facts.verify_url),
        "qr_signed": facts.signed_payload is not None,
        "academy_name": (facts.academy_names.get(content_language(locale))
                         or next(iter(facts.academy_names.values()), "")),
        "logo_url": logo.as_uri() if logo else None,
        "signatures": [_signature(item) for item in (template.signatures or [])[:2]],
        "second": _side(facts, template, second_locale) if second_locale else None,
    }


def _signature(item: dict) -> dict:
    image = images.image_path(SIGNATURES, item.get("image"))
    return {"name": item.get("name", ""), "title": item.get("title", ""),
            "image_url": image.as_uri() if image else None}


def html(values_: dict) -> str:
    return render_template("certificates/document.html", c=values_)


def stylesheet(template: CertificateTemplate) -> str:
    """The default design, then the academy's page size, colour and sanitised extra rules."""
    size, height = PAGE_SIZES.get(template.page_size, PAGE_SIZES["a4-landscape"])
    base = _base_css()
    accent = template.accent or "#1f3d6b"
    return (f"{base}\n@page {{ size: {size}; }}\n"
            f":root {{ --accent: {accent}; --sheet-height: {height}; }}\n"
            f"{template.extra_css or ''}\n")


def _base_css() -> str:
    cache = current_app.extensions.setdefault("campus_certificate_css", {})
    if "base" not in cache:
        cache["base"] = (STATIC_DIR / "certificate.css").read_text(encoding="utf-8")
    return cache["base"]


def file_roots() -> tuple[str, ...]:
    """The only directories the renderer may read: the design's files, logos and signatures."""
    return (str(STATIC_DIR), str(images.image_dir("logos")), str(images.image_dir(SIGNATURES)))
