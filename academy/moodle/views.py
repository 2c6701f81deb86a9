"""The Moodle backup import for authors: upload, preview (what maps, what is skipped, the
problems), confirmation."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.curricula import policy
from academy.extensions import db
from academy.forms import as_id
from academy.i18n import current_locale
from academy.moodle import operations, uploads
from academy.moodle.blueprints import moodle as bp
from academy.moodle.forms import ConfirmMoodleImportForm, MoodleBackupForm
from academy.packages.archive import ArchiveError


def _academies() -> list[Academy]:
    """The academies whose courses the person writes (403 when none)."""
    ids = sorted(policy.authoring_academy_ids(current_user))
    if not ids:
        abort(403)
    return [db.session.get(Academy, academy_id) for academy_id in ids]


def _form(academies: list[Academy], **kwargs) -> MoodleBackupForm:
    form = MoodleBackupForm(**kwargs)
    form.academy.choices = [(str(a.id), a.name_in(current_locale())) for a in academies]
    if not form.academy.data:
        form.academy.data = str(academies[0].id)
    return form


@bp.route("/authoring/moodle-import", methods=["GET", "POST"])
@login_required
def upload():
    academies = _academies()
    form = _form(academies)
    if not form.validate_on_submit():
        return render_template("moodle/upload.html", form=form), 422 if form.errors else 200
    academy = next(a for a in academies if a.id == as_id(form.academy.data))
    data = form.backup.data.read()
    try:
        preview = operations.preview_backup(data, academy)
    except ArchiveError as error:
        form.backup.errors.append(str(error))
        return render_template("moodle/upload.html", form=form), 422
    confirm = None
    if preview.is_valid:
        confirm = ConfirmMoodleImportForm(formdata=None, digest=uploads.keep(data),
                                          academy=str(academy.id))
    return render_template("moodle/preview.html", preview=preview, academy=academy,
                           confirm=confirm, form=_form(academies, formdata=None)), \
        200 if confirm else 422


@bp.route("/authoring/moodle-import/confirm", methods=["POST"])
@login_required
def confirm():
    academies = _academies()
    form = ConfirmMoodleImportForm()
    academy = next((a for a in academies if a.id == form.academy_id()), None)
    data = uploads.kept(form.digest.data) if form.validate_on_submit() else None
    if academy is None and form.academy_id() is not None:
        abort(403)
    if academy is None or data is None:
        flash(_("The backup could not be read back. Choose it again."), "error")
        return redirect(url_for("moodle.upload"))
    try:
        course = operations.import_backup(data, academy, actor_id=current_user.id)
    except (ArchiveError, operations.BackupInvalid) as error:
        db.session.rollback()
        preview = getattr(error, "preview", None)
        if preview is None:
            flash(str(error), "error")
            return redirect(url_for("moodle.upload"))
        return render_template("moodle/preview.html", preview=preview, academy=academy,
                               confirm=None, form=_form(academies, formdata=None)), 422
    db.session.commit()
    uploads.forget(form.digest.data)
    flash(_("The Moodle backup has been imported as a draft course."), "success")
    return redirect(url_for("authoring.course", course_id=course.id))

