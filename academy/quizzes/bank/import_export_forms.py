"""Forms of the bank's files: import (the file, then its confirmation) and export."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from academy.forms import REQUIRED, ConfirmImportForm, choices
from academy.i18n import lazy_gettext as _l
from academy.quizzes.bank.question_form import TOO_LONG, category_choices, clean_category


class ImportForm(FlaskForm):
    upload = FileField(_l("File in GIFT or Moodle XML"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["gift", "txt", "xml"], _l("Choose a file ending in .gift, .txt or .xml."))],
        description=_l("At most 2 MB. GIFT files must be saved as UTF-8."),
        render_kw={"accept": ".gift,.txt,.xml,text/plain,text/xml,application/xml"})
    locale = SelectField(_l("Language of the file"))
    category = SelectField(_l("Default category"), default="",
                           description=_l("For questions the file puts in no category."))
    new_category = StringField(_l("Or a new category"),
                               validators=[Length(max=200, message=TOO_LONG)])
    placement = SelectField(_l("Place the new questions in"), default="")

    def __init__(self, *args, locales=(), categories=(), quizzes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = choices(locales)
        self.category.choices = category_choices(categories)
        self.placement.choices = choices([("", _l("Bank only (in no quiz)")),
                                          *((str(id_), title) for id_, title in quizzes)])

    def category_value(self) -> str:
        return clean_category(self.new_category.data or self.category.data)

    def placement_id(self) -> int | None:
        return int(self.placement.data) if (self.placement.data or "").isdigit() else None

    def file_format(self) -> str:
        return "xml" if (self.upload.data.filename or "").lower().endswith(".xml") else "gift"


class ConfirmQuestionImportForm(ConfirmImportForm):
    """The checked file and the choices made with it, sent back to import it."""

    file_format = HiddenField(validators=[AnyOf(("gift", "xml"))])
    locale = HiddenField(validators=[DataRequired(REQUIRED)])
    category = HiddenField(validators=[Length(max=200)])
    placement = HiddenField()

    def placement_id(self) -> int | None:
        return int(self.placement.data) if (self.placement.data or "").isdigit() else None


class ExportForm(FlaskForm):
    """Which questions to download, in which language (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    locale = SelectField(_l("Language"))
    scope = SelectField(_l("Questions"))
    file_format = SelectField(_l("Format"), default="gift")

    def __init__(self, *args, locales=(), categories=(), quizzes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locale.choices = choices(locales)
        self.file_format.choices = choices([("gift", _l("GIFT (text)")), ("xml", _l("Moodle XML"))])
        self.scope.choices = choices([
            ("all", _l("The whole bank")),
            *((f"category:{name}", _l("Category %(name)s", name=name))
              for name in categories if name),
            *((f"quiz:{id_}", _l("Quiz %(title)s", title=title)) for id_, title in quizzes)])
