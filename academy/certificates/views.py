"""Certificate pages: coordinators issue and manage, trainees download (anyone checks them in
verify_views.py)."""
from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy import storage
from academy.accounts.models import User
from academy.audit import queries as audit_queries
from academy.certificates import (
    bulk,
    contents,
    policy,
    queries,
    replacing,
    revoking,
)
from academy.certificates.blueprints import certificates as bp
from academy.certificates.forms import (
    CertificateFilterForm,
    IssueAgainForm,
    IssueAllForm,
    IssueForm,
    ReissueForm,
    RenewForm,
    RevokeForm,
)
from academy.certificates.labels import STATUS_LABELS
from academy.certificates.models import Certificate
from academy.db import utcnow
from academy.extensions import db
from academy.forms import CONFIRM_NAMES, ActionForm, as_id, attempt
from academy.i18n import current_locale
from academy.jobs import queries as job_queries
from academy.jobs import runner


def _coordinator() -> None:
    if not policy.can_issue(current_user):
        abort(403)


def _filters(form: CertificateFilterForm) -> queries.Filters:
    """The filters as the form validated them; a wrong value is shown by its field and ignored."""
    form.validate()
    value = lambda f: None if f.errors or not f.data else f.data  # noqa: E731
    return queries.Filters(academy_id=as_id(value(form.academy)), country=value(form.country),
                           course_id=as_id(value(form.course)),
                           cohort_id=as_id(value(form.cohort)), status=value(form.status),
                           search=value(form.q))


def _filter_form() -> CertificateFilterForm:
    form = CertificateFilterForm(request.args)
    form.offer(*queries.filter_choices(), current_locale())
    return form


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.route("/certificates")
@login_required
def index():
    _coordinator()
    form = _filter_form()
    listing = queries.issued(_filters(form), utcnow(), _page())
    courses = queries.courses_by_id({certificate.course_id for certificate, _u in listing.rows})
    return render_template("certificates/index.html", form=form, rows=listing.rows,
                           total=listing.total, page=listing.page, pages=listing.pages,
                           courses=courses,
                           now=utcnow(), labels=STATUS_LABELS)


@bp.route("/certificates/eligible")
@login_required
def eligible():
    _coordinator()
    form = _filter_form()
    filters = _filters(form)
    listing = queries.eligible(filters, _page())
    courses = queries.courses_by_id({row.course_id for row in listing.rows})
    all_form = IssueAllForm(formdata=None, academy=filters.academy_id or "",
                            country=filters.country or "", course=filters.course_id or "",
                            cohort=filters.cohort_id or "")
    return render_template("certificates/eligible.html", form=form, rows=listing.rows,
                           total=listing.total, page=listing.page, pages=listing.pages,
                           courses=courses, issue_form=IssueForm(formdata=None), all_form=all_form)


def _start_bulk(enrolment_ids: list[int]):
    job = runner.create_job(bulk.KIND, owner_id=current_user.id, total=len(enrolment_ids),
                            payload={"enrolment_ids": enrolment_ids, "actor_id": current_user.id,
                                     "base_url": contents.public_base_url()})
    db.session.commit()
    runner.start(job.id)
    return redirect(url_for("certificates.job", job_id=job.id))


@bp.route("/certificates/issue", methods=["POST"])
@login_required
def issue():
    _coordinator()
    form = IssueForm()
    if not form.validate_on_submit():
        flash(_("Tick at least one trainee."), "error")
        return redirect(url_for("certificates.eligible"))
    return _confirm_or_start(sorted(set(form.enrolments.data)))


def _confirm_or_start(enrolment_ids: list[int]):
    """Many certificates go out only once the coordinator has seen how many and to whom."""
    ids = queries.eligible_among(enrolment_ids)
    if not ids:
        flash(_("Nobody matching these filters can be given a certificate now."), "warning")
        return redirect(url_for("certificates.eligible"))
    if request.form.get("confirmed") != "1":
        named = queries.people_and_courses(ids, CONFIRM_NAMES)
        return render_template("certificates/confirm_issue.html", ids=ids, named=named,
                               issue_form=IssueForm(formdata=None))
    return _start_bulk(ids)


@bp.route("/certificates/issue-all", methods=["POST"])
@login_required
def issue_all():
    _coordinator()
    form = IssueAllForm()
    if not form.validate_on_submit():
        abort(400)
    ids = queries.eligible_ids(queries.Filters(
        academy_id=as_id(form.academy.data), country=form.country.data or None,
        course_id=as_id(form.course.data), cohort_id=as_id(form.cohort.data)))
    return _confirm_or_start(ids)


def _job(job_id: str):
    job = job_queries.job(job_id)
    if job is None or job.kind != bulk.KIND or not policy.can_follow_job(current_user, job):
        abort(404)
    return job


@bp.route("/certificates/jobs/<job_id>")
@login_required
def job(job_id: str):
    found = _job(job_id)
    issued = queries.of_job(found.id, limit=queries.PAGE_SIZE) if found.is_over else []
    return render_template("certificates/job.html", job=found, issued=issued,
                           stalled=runner.is_stalled(found, utcnow()),
                           retry_form=ActionForm(formdata=None),
                           kept_days=current_app.config["JOB_DOWNLOADS_KEPT_DAYS"])


@bp.route("/certificates/jobs/<job_id>/retry", methods=["POST"])
@login_required
def job_retry(job_id: str):
    """Start a failed job again: its batches kept before are skipped."""
    found = _job(job_id)
    if ActionForm().validate_on_submit() and runner.retry(found):
        db.session.commit()
        runner.start(found.id)
        flash(_("The job was started again; certificates already issued are skipped."), "success")
    return redirect(url_for("certificates.job", job_id=found.id))


@bp.route("/certificates/jobs/<job_id>/certificates.<any(zip, pdf):kind>")
@login_required
def job_download(job_id: str, kind: str):
    found = _job(job_id)
    path = storage.stored_path(bulk.DOWNLOADS, (found.result or {}).get(kind), f".{kind}")
    if path is None:
        abort(404)
    mimetype = "application/zip" if kind == "zip" else "application/pdf"
    return send_file(path, mimetype=mimetype, as_attachment=True, max_age=0,
                     download_name=f"certificates-{found.created_at:%Y%m%d-%H%M}.{kind}")


def visible_certificate(certificate_id: int, for_update: bool = False) -> Certificate:
    """The certificate if this person may see it (locked for a change when asked), else 404."""
    certificate = db.session.get(Certificate, certificate_id, with_for_update=for_update)
    holder = db.session.get(User, certificate.user_id) if certificate else None
    if not policy.can_see_certificate(current_user, certificate,
                                      holder.academy_id if holder else None):
        abort(404)
    return certificate


@bp.route("/certificates/<int:certificate_id>")
@login_required
def show(certificate_id: int):
    certificate = visible_certificate(certificate_id)
    if certificate.user_id == current_user.id and not policy.can_issue(current_user):
        return redirect(url_for("certificates.mine"))
    return _show(certificate)


def _show(certificate: Certificate, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    chain = [certificate.id] + ([certificate.superseded_by_id]
                                if certificate.superseded_by_id else [])
    return render_template(
        "certificates/show.html", certificate=certificate,
        holder=db.session.get(User, certificate.user_id),
        status=certificate.status_at(utcnow()), labels=STATUS_LABELS,
        replacement=queries.replacement_of(certificate),
        history=audit_queries.history_of("certificate", chain),
        verify_url=contents.verify_url(contents.public_base_url(), certificate.code),
        can_change=policy.can_issue(current_user),
        revoke_form=forms.get("revoke") or RevokeForm(formdata=None, prefix="revoke"),
        renew_form=forms.get("renew") or RenewForm(formdata=None, prefix="renew"),
        reissue_form=forms.get("reissue") or ReissueForm(formdata=None, prefix="reissue"),
        again_form=forms.get("again") or IssueAgainForm(formdata=None, prefix="again"),
    ), status


def _change(certificate_id: int, name: str, form_class, change, message: str):
    _coordinator()
    # Locked: a double click or a second coordinator waits, then finds it already changed.
    certificate = visible_certificate(certificate_id, for_update=True)
    form = form_class(prefix=name)
    done = attempt(form, lambda: change(certificate, (form.reason.data or "").strip()))
    if not done:
        return _show(certificate, {name: form}, 400)
    db.session.commit()
    flash(message, "success")
    target = done.value if isinstance(done.value, Certificate) else certificate
    return redirect(url_for("certificates.show", certificate_id=target.id))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["POST"])
@login_required
def revoke(certificate_id: int):
    return _change(certificate_id, "revoke", RevokeForm, lambda c, reason: revoking.revoke(
        c, reason=reason, actor_id=current_user.id), _("The certificate has been revoked."))


@bp.route("/certificates/<int:certificate_id>/renew", methods=["POST"])
@login_required
def renew(certificate_id: int):
    return _change(certificate_id, "renew", RenewForm, lambda c, reason: replacing.renew(
        c, reason=reason, actor_id=current_user.id),
        _("A new certificate has been issued; it replaces the old one."))


@bp.route("/certificates/<int:certificate_id>/reissue", methods=["POST"])
@login_required
def reissue(certificate_id: int):
    return _change(certificate_id, "reissue", ReissueForm, lambda c, reason: replacing.reissue(
        c, reason=reason, actor_id=current_user.id),
        _("A corrected certificate has been issued; it replaces the old one."))


@bp.route("/certificates/<int:certificate_id>/issue-again", methods=["POST"])
@login_required
def issue_again(certificate_id: int):
    return _change(certificate_id, "again", IssueAgainForm, lambda c, reason:
                   revoking.issue_again(c, reason=reason, actor_id=current_user.id),
                   _("A new certificate has been issued."))


@bp.route("/certificates/<int:certificate_id>/pdf")
@login_required
def pdf(certificate_id: int):
    certificate = visible_certificate(certificate_id)
    path = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf")
    if path is None:
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True, max_age=0,
                         download_name=f"{certificate.serial}.pdf", etag=certificate.pdf_sha256)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/my/certificates")
@login_required
def mine():
    found = queries.of_holder(current_user.id)
    base = contents.public_base_url()
    return render_template(
        "certificates/mine.html", certificates=found, now=utcnow(), labels=STATUS_LABELS,
        courses=queries.courses_by_id({c.course_id for c in found}),
        links={c.id: contents.verify_url(base, c.code) for c in found})
