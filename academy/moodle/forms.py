"""The Moodle backup upload and its confirmation."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired

from academy.forms import REQUIRED
from academy.i18n import lazy_gettext as _l


class MoodleBackupForm(FlaskForm):
    academy = SelectField(_l("Academy"), validators=[DataRequired(REQUIRED)])
    backup = FileField(_l("Moodle backup (.mbz)"), validators=[FileRequired(_l("Choose a file."))],
                       description=_l("A course or activity backup made by Moodle 3.9 to 4.5, "
                                      "without user data."),
                       render_kw={"accept": ".mbz,.zip,.tar.gz,application/gzip,application/zip"})


class ConfirmMoodleImportForm(FlaskForm):
    """The confirmation names the kept backup and the academy; both are checked again."""

    digest = HiddenField(validators=[DataRequired(REQUIRED)])
    academy = HiddenField(validators=[DataRequired(REQUIRED)])

    def academy_id(self) -> int | None:
        return int(self.academy.data) if re.fullmatch(r"[0-9]{1,9}", self.academy.data or "") \
            else None
