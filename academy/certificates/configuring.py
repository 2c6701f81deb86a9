"""A course's certificate policy and an academy's certificate template: read with their
defaults, and changed (audited). Never commits."""
from __future__ import annotations

from flask import current_app

from academy import images
from academy.academies.models import Academy
from academy.audit import operations as audit
from academy.certificates import documents
from academy.certificates.models import APPROVAL, CertificatePolicy, CertificateTemplate
from academy.curricula.models import Course
from academy.db import utcnow
from academy.extensions import db


def policy_of(course_id: int) -> CertificatePolicy:
    """The course's policy, or the default one (on approval, no minimum, never expires)."""
    return db.session.get(CertificatePolicy, course_id) or CertificatePolicy(
        course_id=course_id, issuance=APPROVAL, min_grade=None, validity_months=None,
        shows_grade=False)


def template_of(academy_id: int) -> CertificateTemplate:
    """The academy's template, or the default design."""
    return db.session.get(CertificateTemplate, academy_id) or CertificateTemplate(
        academy_id=academy_id, page_size="a4-landscape", accent="#1f3d6b", is_bilingual=False,
        texts={}, signatures=[], extra_css="")


def save_policy(course: Course, *, issuance: str, min_grade: int | None,
                validity_months: int | None, shows_grade: bool, actor_id: int) -> CertificatePolicy:
    """Store a course's certificate policy (audited with what it was before)."""
    policy = db.session.get(CertificatePolicy, course.id)
    before = _policy_dict(policy) if policy else None
    if policy is None:
        policy = CertificatePolicy(course_id=course.id)
        db.session.add(policy)
    policy.issuance, policy.min_grade = issuance, min_grade
    policy.validity_months, policy.shows_grade = validity_months, shows_grade
    db.session.flush()
    audit.record("certificate_policy.update", actor_id=actor_id, target_type="course",
                 target_id=course.id, academy_id=course.academy_id,
                 details={"before": before, "after": _policy_dict(policy)})
    return policy


def _policy_dict(policy: CertificatePolicy) -> dict:
    return {"issuance": policy.issuance, "min_grade": policy.min_grade,
            "validity_months": policy.validity_months, "shows_grade": policy.shows_grade}


def save_template(academy: Academy, *, actor_id: int, **fields) -> CertificateTemplate:
    """Store an academy's certificate template (fields already validated by the form)."""
    template = db.session.get(CertificateTemplate, academy.id)
    if template is None:
        template = CertificateTemplate(academy_id=academy.id)
        db.session.add(template)
    for name, value in fields.items():
        setattr(template, name, value)
    template.updated_at = utcnow()
    db.session.flush()
    audit.record("certificate_template.update", actor_id=actor_id, target_type="academy",
                 target_id=academy.id, academy_id=academy.id,
                 details={"fields": sorted(fields)})
    return template


def store_signature(data: bytes) -> str:
    """Keep an uploaded signature as a clean PNG; return its file name. Raises DomainError."""
    png = images.normalise_image(data, max_bytes=current_app.config["LOGO_MAX_BYTES"],
                                 box=(600, 200), field="image")
    return images.store_image(documents.SIGNATURES, png)
