"""Revisions of shared courses: starting one, reading its changes, asking for review, throwing
it away; and turning an attempt to edit a shared course in place into a pointer to them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.authoring.blueprints import authoring as bp
from academy.authoring.checklist import readable_name, refuse_unready
from academy.curricula import policy
from academy.curricula.lookups import SharedCourseLocked, course_for_author
from academy.curricula.models import Course
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.packages import diff, revisions
from academy.packages.data import PackageInvalid
from academy.packages.upstream import take_changes, upstream_of


@bp.app_errorhandler(SharedCourseLocked)
def shared_course_locked(error: SharedCourseLocked):
    flash(_("This course is shared with the network, so it changes through a new version: edit "
            "the revision, and a coordinator approves it before the network sees it."), "info")
    return redirect(url_for("authoring.course", course_id=error.course_id, _anchor="revision"))


def _revision(course_id: int) -> Course:
    revision = course_for_author(course_id)
    if revision.revision_of_id is None:
        abort(404)
    return revision


@bp.route("/authoring/courses/<int:course_id>/revision", methods=["POST"])
@login_required
def start_revision(course_id: int):
    course = course_for_author(course_id)
    try:
        revision = revisions.start_revision(course, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("authoring.course", course_id=course.id))
    db.session.commit()
    flash(_("This is the revision: change it as you like. The network keeps the approved "
            "version until a coordinator approves this one."), "success")
    return redirect(url_for("authoring.course", course_id=revision.id))


def package_problems(error: PackageInvalid) -> str:
    """The first problems of a package that could not be read, as one line."""
    return " ".join(str(problem) for problem in error.problems[:5])


@bp.route("/authoring/courses/<int:course_id>/revision/review", methods=["POST"])
@login_required
def request_revision_review(course_id: int):
    revision = _revision(course_id)
    if refuse_unready(revision):
        return redirect(url_for("authoring.course", course_id=revision.id))
    try:
        revisions.request_review(revision, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    except PackageInvalid as error:
        db.session.rollback()
        flash(_("Fix these first: %(problems)s", problems=package_problems(error)), "error")
    else:
        db.session.commit()
        flash(_("A network coordinator will review the changes before the network sees them."),
              "success")
    return redirect(url_for("authoring.course", course_id=revision.id))


@bp.route("/authoring/courses/<int:course_id>/revision/discard", methods=["POST"])
@login_required
def discard_revision(course_id: int):
    revision = _revision(course_id)
    original = revisions.discard_revision(revision, actor_id=current_user.id)
    db.session.commit()
    flash(_("The revision has been thrown away; the shared version is unchanged."), "success")
    return redirect(url_for("authoring.course", course_id=original.id))


def readable_changes(revision: Course) -> tuple[list[diff.FileChange], dict[str, str]]:
    """What the revision changes in its shared course, and the titles of the modules and
    lessons they name (by short name), in the reader's language."""
    original = db.session.get(Course, revision.revision_of_id)
    return diff.changes(revisions.package_text(original.id),
                        revisions.package_text(revision.id)), _names(original, revision)


def _names(*courses: Course) -> dict[str, str]:
    """The readable names of the modules and lessons of these courses, by short name (the
    later courses' names win)."""
    names: dict[str, str] = {}
    for course in courses:
        for module in course.modules:
            names[module.slug] = readable_name(module, course)
            for lesson in module.lessons:
                names[lesson.slug] = readable_name(lesson, course)
    return names


@bp.route("/authoring/courses/<int:course_id>/changes")
@login_required
def changes(course_id: int):
    """The revision's changes, for its authors and the coordinators who review it."""
    revision = db.session.get(Course, course_id)
    if revision is None or revision.revision_of_id is None or not (
            policy.can_edit_course(current_user, revision)
            or policy.can_review_sharing(current_user)):
        abort(404)
    original = db.session.get(Course, revision.revision_of_id)
    found, names = readable_changes(revision)
    return render_template("authoring/changes.html", revision=revision, original=original,
                           changes=found, names=names)


# --- Adopted copies and their original's new versions --------------------------------------------

@bp.route("/authoring/courses/<int:course_id>/upstream")
@login_required
def upstream(course_id: int):
    """What the original's newer version changes, for the authors of an adopted copy."""
    course = course_for_author(course_id)
    found = upstream_of(course)
    if found is None:
        abort(404)
    return render_template("authoring/upstream.html", course=course, found=found,
                           names=_names(found.source, course),
                           locked=policy.is_locked(course))


@bp.route("/authoring/courses/<int:course_id>/upstream/take", methods=["POST"])
@login_required
def take_upstream(course_id: int):
    course = course_for_author(course_id)
    try:
        merged = take_changes(course, actor_id=current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("authoring.course", course_id=course.id))
    except PackageInvalid as error:
        db.session.rollback()
        flash(_("The changes could not be merged: %(problems)s",
                problems=package_problems(error)), "error")
        return redirect(url_for("authoring.course", course_id=course.id))
    db.session.commit()
    flash(_("Parts of your copy that now follow the new version: %(taken)s. Parts you had "
            "changed yourselves, kept as you wrote them: %(kept)s.", taken=len(merged.taken),
            kept=len(merged.kept)), "success")
    return redirect(url_for("authoring.course", course_id=course.id))
