"""Certificate pages: coordinators issue and manage, trainees download, anyone checks."""
from __future__ import annotations

import hashlib

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy import ratelimit, storage
from academy.accounts.models import User
from academy.audit import queries as audit_queries
from academy.certificates import (
    bulk,
    codes,
    contents,
    policy,
    queries,
    replacing,
    revoking,
    signed_qr,
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
    VerifyCredentialForm,
    VerifyFileForm,
    VerifyForm,
    VerifyPayloadForm,
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


def _certificate(certificate_id: int, for_update: bool = False) -> Certificate:
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
    certificate = _certificate(certificate_id)
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
    certificate = _certificate(certificate_id, for_update=True)
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
    certificate = _certificate(certificate_id)
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


# --- Public checks ------------------------------------------------------------------------------

def _count_lookup() -> None:
    """One more check from this address; 429 past the limit (the count is kept either way).
    The count is the rate-limit store's, the only write a GET may make: written on its own, or
    joined to the request's transaction (an SQLite POST, a test's transaction), which the commit
    keeps; the check itself writes nothing."""
    cfg = current_app.config
    limit = ratelimit.Limit(cfg["VERIFY_MAX_PER_ADDRESS"], cfg["VERIFY_WINDOW_SECONDS"])
    hits = ratelimit.record_hit(f"verify:{request.remote_addr or 'unknown'}", limit)
    db.session.commit()
    if hits > limit.hits:
        abort(429)


@bp.route("/verify")
def verify():
    """The check page; its code form is a GET (a lookup changes nothing) that leads on to the
    certificate's own address."""
    typed = "code" in request.args
    scanned = (request.args.get("code") or "").strip()
    if scanned.startswith(signed_qr.PREFIX):  # a scanner typed a signed QR code into the field
        return redirect(url_for("certificates.verify_signed", payload=scanned))
    form = VerifyForm(formdata=request.args if typed else None)
    if typed and form.validate():
        return redirect(url_for("certificates.verify_code",
                                code=codes.grouped(codes.normalise(form.code.data))))
    return render_template("certificates/verify.html", form=form,
                           file_form=VerifyFileForm(formdata=None),
                           payload_form=VerifyPayloadForm(formdata=None),
                           credential_form=credential_form()), \
        400 if form.errors else 200


CREDENTIAL_PREFIX = "credential"  # its CSRF field's id differs from the PDF file form's


def credential_form() -> VerifyCredentialForm:
    """The empty check of an Open Badges credential (credential_views.py), on every check
    page."""
    return VerifyCredentialForm(formdata=None, prefix=CREDENTIAL_PREFIX)


def _public_answer(certificate: Certificate | None) -> dict:
    """What the public check says: only what the certificate itself shows."""
    if certificate is None:
        return {"status": "unknown"}
    academy = queries.academy_of_course(certificate.course_id)
    answer = {
        "status": certificate.status_at(utcnow()), "serial": certificate.serial,
        "name": certificate.name, "course": certificate.course_title,
        "language": certificate.locale,
        "academy": academy.name_in(certificate.locale), "hours": certificate.hours,
        "grade": certificate.grade, "completed_on": certificate.completed_at.date().isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_on": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "revoked_on": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
        "replaced_on": (certificate.superseded_at.date().isoformat()
                        if certificate.superseded_at else None),
    }
    replacement = queries.replacement_of(certificate)
    answer["replaced_by"] = replacement.serial if replacement else None
    return answer


def _found(code: str) -> Certificate | None:
    normalised = codes.normalise(code)
    return queries.by_code(normalised) if normalised else None


@bp.route("/verify/<code>")
def verify_code(code: str):
    _count_lookup()
    certificate = _found(code)
    return _verdict(certificate, code=code, status=200 if certificate else 404)


@bp.route("/verify/<code>.json")
def verify_json(code: str):
    _count_lookup()
    answer = _public_answer(_found(code))
    response = jsonify(answer)
    response.status_code = 404 if answer["status"] == "unknown" else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/verify/file", methods=["POST"])
@bp.route("/verify/<code>/file", methods=["POST"])
def verify_file(code: str | None = None):
    _count_lookup()
    form = VerifyFileForm()
    expected = _found(code) if code else None
    if not form.validate_on_submit():
        return _verdict(expected, code=code, file_form=form, status=400)
    digest = hashlib.sha256(form.pdf.data.read()).hexdigest()
    matching = queries.by_pdf_hash(digest)
    if code is not None and (expected is None or matching is None or matching.id != expected.id):
        matching = None
    return _verdict(matching or expected, code=code, file_checked=True,
                    file_matches=matching is not None, status=200)


def _verdict(certificate: Certificate | None, *, code: str | None, status: int,
             file_form: VerifyFileForm | None = None, file_checked: bool = False,
             file_matches: bool = False):
    answer = _public_answer(certificate)
    grouped = codes.grouped(certificate.code) if certificate else None
    response = render_template(
        "certificates/verdict.html", answer=answer, labels=STATUS_LABELS, code=grouped,
        form=VerifyForm(formdata=None),
        file_form=file_form or VerifyFileForm(formdata=None), file_checked=file_checked,
        file_matches=file_matches, credential_form=credential_form())
    return response, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
