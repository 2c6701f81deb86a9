"""The audit log's filters (a GET form: it changes nothing)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from academy.audit.labels import AUDIT_ACTION_LABELS
from academy.forms import by_label
from academy.i18n import lazy_gettext as _l


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Who (username)"), validators=[Optional(), Length(max=64)],
                        render_kw={"type": "search", "maxlength": 64})
    action = SelectField(_l("Action"), default="")
    academy = SelectField(_l("Academy"), default="")
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def offer(self, academies, locale: str) -> None:
        self.action.choices = by_label(
            ((key, str(label)) for key, label in AUDIT_ACTION_LABELS.items()), _l("Any action"))
        self.academy.choices = by_label(
            ((str(a.id), a.name_in(locale)) for a in academies), _l("All academies"))


class AnchorForm(FlaskForm):
    """An entry's number and hash noted earlier, to check it is still in the chain."""

    class Meta:
        csrf = False

    anchor = StringField(_l("Entry noted earlier (number:hash)"),
                         validators=[Optional(), Length(max=90)],
                         render_kw={"maxlength": 90, "spellcheck": "false",
                                    "autocomplete": "off"})

    def validate_anchor(self, field) -> None:
        from academy.audit.chain import parse_anchor

        if field.data and parse_anchor(field.data) is None:
            raise ValidationError(_l("Write the entry's number, a colon and its hash of 64 "
                                     "hexadecimal digits, as the check printed them."))
