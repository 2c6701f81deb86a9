"""A certificate as an Open Badges 3.0 credential (`OpenBadgeCredential`), signed as a VC-JWT.

The credential is built and signed once, when the certificate is drafted (its PDF carries it as
PDF/A-3 associated files), and kept with the certificate (`Certificate.credential`), so what the
holder downloads later is exactly what was issued, whatever became of the course's texts since.
docs/credentials.md explains each field.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from academy.certificates import status_list
from academy.certificates.contents import verify_url
from academy.certificates.models import Certificate
from academy.certificates.rendering import Attachment
from academy.credentials import data_integrity, did, keystore, vc_jwt
from academy.credentials import queries as key_queries
from academy.curricula.models import Course
from academy.i18n import format_percent
from academy.locales import bcp47, content_language

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ACHIEVEMENT_TYPE = "CertificateOfCompletion"
JSON_MEDIA_TYPE = "application/json"


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with "Z", to the second (what VCDM 2.0's dateTimeStamp wants)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_id(base_url: str, academy_slug: str, course_id: int, language: str) -> str:
    """The course's achievement in one language: a `urn:uuid` (OB 3.0's own examples use them
    for achievements), derived from the course's address so it is the same in every
    certificate of that course and language."""
    name = f"{base_url.rstrip('/')}/academies/{academy_slug}/courses/{course_id}/{language}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _criteria(course_title: str, academy_name: str, min_grade: int | None) -> str:
    if min_grade is None:
        # i18n: an Open Badges credential: what a trainee did to earn the certificate.
        return _("Complete the course “%(course)s” at %(academy)s.", course=course_title,
                 academy=academy_name)
    # i18n: an Open Badges credential: what a trainee did to earn the certificate.
    return _("Complete the course “%(course)s” at %(academy)s with a course grade of at least "
             "%(grade)s.", course=course_title, academy=academy_name,
             grade=format_percent(min_grade / 100, 0))


def _achievement(certificate: Certificate, course: Course, base_url: str, academy_slug: str,
                 academy_name: str, min_grade: int | None) -> dict:
    """The course in the certificate's language, and where its other languages are."""
    language = content_language(certificate.locale)
    text, written_in = course.text(certificate.locale)
    summary = ((text.summary or "").strip()
               if text is not None and content_language(written_in) == language else "")
    criteria = _criteria(certificate.course_title, academy_name, min_grade)
    others = sorted({content_language(t.locale) for t in course.texts if t.title} - {language})
    achievement = {
        "id": achievement_id(base_url, academy_slug, course.id, language),
        "type": ["Achievement"], "achievementType": ACHIEVEMENT_TYPE,
        "name": certificate.course_title, "description": summary or criteria,
        "criteria": {"narrative": criteria}, "inLanguage": bcp47(certificate.locale),
    }
    if certificate.hours:
        achievement["creditsAvailable"] = float(certificate.hours)
    if others:
        achievement["related"] = [
            {"id": achievement_id(base_url, academy_slug, course.id, other), "type": ["Related"],
             "inLanguage": bcp47(other)} for other in others]
    return achievement


def credential(certificate: Certificate, course: Course, base_url: str,
               min_grade: int | None = None) -> dict:
    """The certificate's OpenBadgeCredential, unsigned, in the certificate's language."""
    academy = course.academy
    issuer_did = did.did_of(base_url, academy.slug)
    with force_locale(certificate.locale):
        academy_name = academy.name_in(certificate.locale)
        achievement = _achievement(certificate, course, base_url, academy.slug, academy_name,
                                   min_grade)
    subject = {
        "type": ["AchievementSubject"],
        # OB 3.0 names a holder without an id of their own by an IdentityObject: the name as
        # printed on the certificate, in plain text (it is on the paper anyway).
        "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                        "identityHash": certificate.name}],
        "achievement": achievement,
    }
    if certificate.hours:
        subject["creditsEarned"] = float(certificate.hours)
    found = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": verify_url(base_url, certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": certificate.course_title,
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": academy_name,
                   "url": base_url.rstrip("/")},
        "validFrom": stamp(certificate.issued_at),
        "credentialSubject": subject,
    }
    if certificate.expires_at is not None:
        found["validUntil"] = stamp(certificate.expires_at)
    status = status_list.entry(certificate, base_url, academy.slug)
    if status is not None:
        found["credentialStatus"] = status
    return found


def issue(certificate: Certificate, course: Course, base_url: str,
          min_grade: int | None = None) -> None:
    """Sign the certificate's credential with the academy's current key, twice: as a VC-JWT
    (`certificate.credential`) and as JSON with an embedded eddsa-rdfc-2022 proof
    (`certificate.credential_json`). Both stay None while the academy has no key here."""
    key = key_queries.current_key(course.academy_id)
    private = keystore.load_private(key.kid) if key else None
    if private is None:
        return
    found = credential(certificate, course, base_url, min_grade)
    issuer = did.did_of(base_url, course.academy.slug)
    certificate.credential = vc_jwt.sign(found, course.academy_id, issuer)
    proved = data_integrity.with_proof(found, private, f"{issuer}#{key.kid}",
                                       stamp(certificate.issued_at))
    certificate.credential_json = json.dumps(proved, ensure_ascii=False, indent=2) + "\n"


def payload_of(token: str) -> dict:
    """The credential a VC-JWT of ours carries (read, not verified: it is our own record)."""
    return vc_jwt.parse(token).payload


def without_proof(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def attachments(certificate: Certificate) -> tuple[Attachment, ...]:
    """What the certificate's PDF carries besides its page: the signed credential (VC-JWT) and
    the same credential as JSON, as PDF/A-3 associated files. None without a credential."""
    token, readable = certificate.credential, certificate.credential_json
    if not token or not readable:
        return ()
    with force_locale(certificate.locale):
        # i18n: the description of a file attached inside a certificate's PDF.
        signed_note = _("Open Badges 3.0 credential of this certificate, signed by the academy "
                        "(VC-JWT)")
        # i18n: the description of a file attached inside a certificate's PDF.
        json_note = _("Open Badges 3.0 credential of this certificate, signed by the academy "
                      "(JSON with a Data Integrity proof)")
    return (Attachment(f"{certificate.serial}.jwt", token.encode("ascii"), vc_jwt.MEDIA_TYPE,
                       signed_note),
            Attachment(f"{certificate.serial}.json", readable.encode("utf-8"), JSON_MEDIA_TYPE,
                       json_note))
