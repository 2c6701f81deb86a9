"""Forms to manage cohorts."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from academy.i18n import lazy_gettext as _l

_MAX = _l("Use at most %(max)d characters.")


class CohortForm(FlaskForm):
    name = StringField(_l("Name"), description=_l("For example: 2026 intake"),
                       validators=[Length(max=120, message=_MAX)])


class MembersForm(FlaskForm):
    people = TextAreaField(_l("Or paste usernames or e-mails"), render_kw={"rows": 6},
                           description=_l("One per line, or separated by commas or spaces: a "
                                          "spreadsheet's column pastes as it is."),
                           validators=[Length(max=100_000, message=_MAX)])
