"""A course's life cycle: publishing, sharing through review, adoption, packages in and out."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.authoring.blueprints import authoring as bp
from academy.authoring.checklist import refuse_unready
from academy.authoring.forms import PackageForm, ReviewForm
from academy.authoring.revisions import package_problems, readable_changes
from academy.curricula import operations, policy, queries, topics
from academy.curricula.lookups import course_for_author
from academy.curricula.models import Course
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import show_domain_error
from academy.packages import operations as package_ops
from academy.packages import revisions
from academy.packages.archive import ArchiveError, read_zip, write_zip
from academy.packages.data import PackageInvalid
from academy.packages.writer import export_course

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
    if refuse_unready(course):
        return _back(course)
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
        except ArchiveError as error:  # a damaged zip or not a zip: said next to the field
            form.package.errors.append(str(error))
        except PackageInvalid as error:
            db.session.rollback()
            problems = error.problems
        else:
            return _imported(course)
    return render_template("authoring/import.html", form=form, problems=problems,
                           academy=academy), 422 if problems or form.errors else 200


def _imported(course: Course):
    suggested = topics.suggest_topics(course.tags, current_user.id)
    db.session.commit()
    flash(_("The course has been imported as a draft."), "success")
    if suggested:
        flash(_("Topics the network's vocabulary did not have yet, suggested to the "
                "coordinators: %(topics)s", topics=", ".join(suggested)), "info")
    return redirect(url_for("authoring.course", course_id=course.id))


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
    return render_template("authoring/reviews.html", courses=queries.pending_reviews(),
                           suggested=sum(1 for topic in topics.vocabulary()
                                         if not topic.is_approved))


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
            message = _decide(course, request.form.get("decision"), form.comment.data or "")
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error) or flash(str(error.message), "error")
        except PackageInvalid as error:
            db.session.rollback()
            flash(package_problems(error), "error")
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("authoring.reviews"))
    changes, names = readable_changes(course) if course.revision_of_id else (None, {})
    original = db.session.get(Course, course.revision_of_id) if course.revision_of_id else None
    return render_template("authoring/review.html", course=course, form=form,
                           status=queries.translation_status(course), changes=changes,
                           names=names, original=original)


def _decide(course: Course, decision: str | None, comment: str) -> str:
    """Approve or return a course (or a revision of one); the message for the coordinator."""
    if decision != "approve":
        operations.return_sharing(course, current_user, comment)
        return _("The course has been returned to its authors with your comments.")
    if course.revision_of_id:
        revisions.approve_revision(course, current_user, comment)
        return _("The new version is now what the network sees.")
    revisions.approve_course(course, current_user, comment)
    return _("The course is now shared with the whole network.")
