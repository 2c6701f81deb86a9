"""Setting up certificates: a course's policy (its authors) and an academy's design (its admins)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy import images
from academy.academies.models import Academy
from academy.certificates import configuring, contents, design, documents, policy
from academy.certificates.blueprints import certificates as bp
from academy.certificates.forms import PolicyForm, TemplateForm
from academy.certificates.models import TEMPLATE_TEXTS
from academy.curricula.models import Course
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import attempt
from academy.i18n import INTERFACE_LOCALES, LOCALES, current_locale, is_interface_locale, variety_of


@bp.route("/courses/<int:course_id>/certificate", methods=["GET", "POST"])
@login_required
def course_policy(course_id: int):
    course = db.session.get(Course, course_id)
    if not policy.can_edit_policy(current_user, course):
        abort(404)
    current = configuring.policy_of(course.id)
    form = PolicyForm(obj=current)
    if attempt(form, lambda: configuring.save_policy(
            course, issuance=form.issuance.data, min_grade=form.min_grade.data,
            validity_months=form.validity_months.data, shows_grade=form.shows_grade.data,
            actor_id=current_user.id)):
        db.session.commit()
        flash(_("The certificate settings have been saved."), "success")
        return redirect(url_for("certificates.course_policy", course_id=course.id))
    return render_template("certificates/policy.html", course=course, form=form), (
        400 if form.errors else 200)


def _academy(academy_id: int) -> Academy:
    academy = db.session.get(Academy, academy_id)
    if not policy.can_design(current_user, academy):
        abort(404)
    return academy


def _fill(form: TemplateForm, template) -> None:
    form.page_size.data, form.accent.data = template.page_size, template.accent
    form.is_bilingual.data, form.extra_css.data = template.is_bilingual, template.extra_css
    for code in LOCALES:
        written = (template.texts or {}).get(code) or {}
        for key in TEMPLATE_TEXTS:
            getattr(form, f"texts_{code}")[key].data = written.get(key, "")
    for index, item in enumerate((template.signatures or [])[:2], start=1):
        sub = getattr(form, f"signature_{index}")
        sub["name"].data, sub["title"].data = item.get("name", ""), item.get("title", "")


def _signatures(form: TemplateForm, template) -> list[dict]:
    """The two signatures as submitted, keeping stored images unless replaced or removed."""
    kept = list(template.signatures or []) + [{}, {}]
    result = []
    for index in (1, 2):
        sub = getattr(form, f"signature_{index}")
        image = kept[index - 1].get("image")
        upload = sub["image"].data
        if upload and getattr(upload, "filename", ""):
            try:
                image = configuring.store_signature(upload.read())
            except DomainError as error:
                sub["image"].errors = [str(error.message)]
                raise
        elif sub["remove_image"].data:
            image = None
        name, title = (sub["name"].data or "").strip(), (sub["title"].data or "").strip()
        if name or title or image:
            result.append({"name": name, "title": title, "image": image})
    return result


def _save(academy: Academy, form: TemplateForm, template):
    texts = {code: {key: (getattr(form, f"texts_{code}")[key].data or "").strip()
                    for key in TEMPLATE_TEXTS} for code in LOCALES}
    return configuring.save_template(
        academy, actor_id=current_user.id, page_size=form.page_size.data,
        accent=form.accent.data.lower(), is_bilingual=form.is_bilingual.data,
        texts={code: t for code, t in texts.items() if any(t.values())},
        signatures=_signatures(form, template), extra_css=form.extra_css.data or "")


@bp.route("/academies/<int:academy_id>/certificate", methods=["GET", "POST"])
@login_required
def design_page(academy_id: int):
    academy = _academy(academy_id)
    template = configuring.template_of(academy.id)
    form = TemplateForm()
    for code in LOCALES:  # the texts are in their language; their labels in the interface's
        for key in TEMPLATE_TEXTS:
            getattr(form, f"texts_{code}")[key].render_kw = {"lang": code}
    if request.method == "GET":
        _fill(form, template)
    elif attempt(form, lambda: _save(academy, form, template)):
        db.session.commit()
        flash(_("The certificate design has been saved."), "success")
        return redirect(url_for("certificates.design_page", academy_id=academy.id))
    signatures = (template.signatures or []) + [{}, {}]
    return render_template("certificates/design.html", academy=academy, form=form,
                           template=template, signatures=signatures[:2], LOCALES=LOCALES,
                           INTERFACE_LOCALES=INTERFACE_LOCALES,
                           defaults=_defaults(academy)), 400 if form.errors else 200


def _defaults(academy: Academy) -> dict:
    """The standard wording per content language, in the academy's variety where it has one."""
    result = {}
    for code in LOCALES:
        with force_locale(variety_of(code, academy.default_locale)):
            result[code] = documents.default_texts()
    return result


@bp.route("/academies/<int:academy_id>/certificate/specimen.pdf")
@login_required
def specimen(academy_id: int):
    academy = _academy(academy_id)
    locale = request.args.get("locale", "")
    if not is_interface_locale(locale):
        locale = current_locale()
    pdf = design.specimen_pdf(academy, configuring.template_of(academy.id), locale,
                              contents.public_base_url())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=specimen-{academy.slug}-{locale}.pdf",
        "Cache-Control": "no-store"})


@bp.route("/academies/<int:academy_id>/certificate/signatures/<filename>")
@login_required
def signature(academy_id: int, filename: str):
    academy = _academy(academy_id)
    stored = [item.get("image") for item in configuring.template_of(academy.id).signatures or []]
    path = images.image_path(documents.SIGNATURES, filename) if filename in stored else None
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)

