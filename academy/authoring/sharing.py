"""A course's life cycle: publishing, sharing through review, adoption, packages in and out."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.authoring.blueprint import bp
from academy.authoring.forms import PackageForm, ReviewForm
from academy.curricula.lookups import course_for_author
from academy.curricula import operations, policy, queries
from academy.packages import operations as package_ops
from academy.curricula.models import Course
from academy.packages.archive import ArchiveError, read_zip, write_zip
from academy.packages.data import PackageInvalid
from academy.packages.writer import export_course
from academy.domain import DomainError
from academy.extensions import db
from academy.forms import show_domain_error

STATUS_CHANGES = {"publish": operations.publish_course, "unpublish": operations.unpublish_course,
                  "archive": operations.archive_course}


def _back(course: Course):
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.route("/authoring/courses/<int:course_id>/status", methods=["POST"])
@login_required
def change_status(course_id: int):
    course = course_for_author(course_id)
    change = STATUS_CHANGES.get(request.form.get("change", ""))
    if change is None:
        abort(400)
    change(course, actor_id=current_user.id)
    db.session.commit()
    flash(_("The course's status has been changed."), "success")
    return _back(course)


@bp.route("/authoring/courses/<int:course_id>/share", methods=["POST"])
@login_required
def request_sharing(course_id: int):
    course = course_for_author(course_id)
    try:
        operations.request_sharing(course, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("A network coordinator will review the course before it is shared."), "success")
    return _back(course)


@bp.route("/authoring/courses/<int:course_id>/unshare", methods=["POST"])
@login_required
def stop_sharing(course_id: int):
    course = course_for_author(course_id)
    operations.keep_in_academy(course, actor_id=current_user.id)
    db.session.commit()
    flash(_("The course is now visible to your academy only."), "success")
    return _back(course)


@bp.route("/authoring/courses/<int:course_id>/package.zip")
@login_required
def export_package(course_id: int):
    course = course_for_author(course_id)
    data = write_zip(export_course(course.id), course.slug)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f"attachment; filename={course.slug}.zip"})


@bp.route("/authoring/import", methods=["GET", "POST"])
@login_required
def import_package():
    ids = sorted(policy.authoring_academy_ids(current_user))
    if not ids:
        abort(403)
    academy = db.session.get(Academy, ids[0])
    form = PackageForm()
    problems = []
    if form.validate_on_submit():
        try:
            course = package_ops.import_package(read_zip(form.package.data.read()), academy=academy,
                                               actor_id=current_user.id)
        except ArchiveError as error:
            problems = package_ops.archive_problem(error).problems
        except PackageInvalid as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(_("The course has been imported as a draft."), "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/import.html", form=form, problems=problems,
                           academy=academy), 422 if problems else 200


@bp.route("/courses/<int:course_id>/adopt", methods=["POST"])
@login_required
def adopt(course_id: int):
    source = db.session.get(Course, course_id)
    if not policy.can_adopt(current_user, source):
        abort(404 if source is None else 403)
    target_id = sorted(policy.authoring_academy_ids(current_user) - {source.academy_id})[0]
    course = package_ops.adopt_course(source, db.session.get(Academy, target_id),
                                     actor_id=current_user.id)
    db.session.commit()
    flash(_("The course has been copied into your academy as a draft: adapt and translate it."),
          "success")
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.route("/reviews")
@login_required
def reviews():
    if not policy.can_review_sharing(current_user):
        abort(403)
    return render_template("authoring/reviews.html", courses=queries.pending_reviews())


@bp.route("/reviews/<int:course_id>", methods=["GET", "POST"])
@login_required
def review(course_id: int):
    if not policy.can_review_sharing(current_user):
        abort(403)
    course = queries.course_outline(course_id)
    if course is None or course.review_status != "pending":
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            if request.form.get("decision") == "approve":
                operations.approve_sharing(course, current_user, form.comment.data or "")
                message = _("The course is now shared with the whole network.")
            else:
                operations.return_sharing(course, current_user, form.comment.data or "")
                message = _("The course has been returned to its authors with your comments.")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error) or flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("authoring.reviews"))
    return render_template("authoring/review.html", course=course, form=form,
                           status=queries.translation_status(course))
