"""Forms of the course editor."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from academy.forms import REQUIRED, CheckboxesField, choices
from academy.i18n import content_language_choices
from academy.i18n import lazy_gettext as _l
from academy.i18n import lazy_pgettext as _lp

_MAX = _l("Use at most %(max)d characters.")


def parse_tags(text: str | None) -> list[str]:
    """Topics typed as "human-rights, security" -> ["human-rights", "security"]."""
    return [t.strip().lower() for t in (text or "").split(",") if t.strip()]


class CourseSettingsForm(FlaskForm):
    default_locale = SelectField(_l("Default language"),
                                 choices=choices(content_language_choices()),
                                 validators=[DataRequired(REQUIRED)])
    locales = CheckboxesField(_l("Languages offered"), choices=choices(content_language_choices()),
                              validators=[DataRequired(_l("Choose at least one language."))])
    hours = IntegerField(_l("Estimated hours"), default=1,
                         validators=[NumberRange(0, 1000, message=_l(
                             "Give a number of hours from 0 to 1000."))])
    tags = StringField(_l("Topics"),
                       description=_l("Separated by commas, e.g. human-rights, security"))


class CoverForm(CourseSettingsForm):
    cover = FileField(_l("Cover picture (optional)"),
                      description=_l("PNG, JPEG, GIF or WebP, at most 2 MB; "
                                     "shown in the catalogue."),
                      render_kw={"accept": "image/png,image/jpeg,image/gif,image/webp"})
    remove_cover = BooleanField(_l("Remove the cover picture"))


class NewCourseForm(CourseSettingsForm):
    slug = StringField(_l("Short name (in addresses)"),
                       description=_l("Lower-case letters, digits and hyphens, "
                                      "e.g. searches-with-dignity"),
                       validators=[DataRequired(REQUIRED), Length(max=64, message=_MAX)],
                       render_kw={"autocapitalize": "none", "spellcheck": "false"})
    title = StringField(_l("Title"),
                        validators=[DataRequired(REQUIRED), Length(max=300, message=_MAX)])
    summary = TextAreaField(_lp("course", "Summary"),  # i18n: a course's summary
                            validators=[Length(max=5000, message=_MAX)],
                            render_kw={"rows": 5})


class CourseTextForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300, message=_MAX)])
    summary = TextAreaField(_lp("course", "Summary"),  # i18n: a course's summary
                            validators=[Length(max=5000, message=_MAX)],
                            render_kw={"rows": 8})


class TitleForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300, message=_MAX)])


class LessonTextForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=300, message=_MAX)])
    minutes = IntegerField(_l("Reading time (minutes)"), validators=[
        Optional(), NumberRange(0, 600, message=_l("Give a number of minutes from 0 to 600."))])
    body = TextAreaField(_l("Text (Markdown)"), render_kw={"rows": 24},
                         description=_l("## for a heading, **bold**, *italic*, - for a list, "
                                        "[text](https://…) for a link."))


class NewItemForm(FlaskForm):
    title = StringField(_l("Title"),
                        validators=[DataRequired(REQUIRED), Length(max=300, message=_MAX)])
    kind = StringField(validators=[Length(max=16)])  # the button pressed: "page" or "quiz"


class QuizTextForm(LessonTextForm):
    """A quiz's title and introduction in one language (its questions have a page of their own)."""

    minutes = IntegerField(_l("Estimated time (minutes)"), validators=[
        Optional(), NumberRange(0, 600, message=_l("Give a number of minutes from 0 to 600."))],
        description=_l("How long a trainee needs for the quiz; its time limit, if it has one."))
    body = TextAreaField(_l("Introduction (Markdown)"), render_kw={"rows": 10},
                         description=_l("Shown on the quiz's page before a trainee starts: what "
                                        "it covers, what is allowed, how it counts."))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired(REQUIRED)])


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Comments for the authors"), render_kw={"rows": 5},
                            validators=[Length(max=5000, message=_MAX)])


class PackageForm(FlaskForm):
    package = FileField(_l("Course package (.zip)"),
                        validators=[FileRequired(_l("Choose a file."))],
                        render_kw={"accept": ".zip,application/zip"})


class UploadForm(FlaskForm):
    upload = FileField(_l("Image or document"), validators=[FileRequired(_l("Choose a file."))],
                       description=_l("PNG, JPEG, GIF, WebP, PDF or office documents, "
                                      "at most 10 MB."))


class TopicForm(FlaskForm):
    """A topic of the network's vocabulary: its short name and its name in each language."""

    slug = StringField(_l("Short name"), validators=[Length(max=64, message=_MAX)],
                       description=_l("Lower-case letters, digits and hyphens, as courses and "
                                      "packages write it, e.g. human-rights."),
                       render_kw={"autocapitalize": "none", "spellcheck": "false"})
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=80, message=_MAX)])
    name_pt = StringField(_l("Name in Portuguese"), validators=[Length(max=80, message=_MAX)])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=80, message=_MAX)])
    name_en = StringField(_l("Name in English"), validators=[Length(max=80, message=_MAX)])
    name_it = StringField(_l("Name in Italian"), validators=[Length(max=80, message=_MAX)])
    is_approved = BooleanField(_l("Approved: shown to everyone with these names"))

    def names(self) -> dict[str, str]:
        return {code: self[f"name_{code}"].data or "" for code in ("es", "pt", "fr", "en", "it")}

    def fill(self, topic) -> None:
        self.slug.data, self.is_approved.data = topic.slug, topic.is_approved
        for code, name in topic.names.items():
            if f"name_{code}" in self:
                self[f"name_{code}"].data = name
