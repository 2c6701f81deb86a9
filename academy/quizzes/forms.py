"""Forms of a quiz's staff pages: settings, overrides and grading an essay."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy import zones
from academy.forms import REQUIRED, choices
from academy.i18n import current_locale, select_timezone
from academy.i18n import lazy_gettext as _l
from academy.quizzes.labels import GRADING_METHOD_LABELS, REVIEW_TIME_LABELS
from academy.quizzes.settings import LIMITS, QuizSettings

# The first is how a browser's date-and-time field reads a value (WTForms would write a space and
# seconds, which Chromium shows as an empty field); the others are accepted as typed.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _whole(label, key: str, message, **kwargs) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(REQUIRED), NumberRange(
        0, LIMITS[key], message=message)], **kwargs)


def _when(field):
    """A date and time typed in the reader's time zone, as the UTC instant it names."""
    return zones.to_utc(field.data, select_timezone()) if field.data else None


def _zone_hint(*fields) -> None:
    """Say in which zone dates are typed (the reader's: their own, or their academy's)."""
    hint = _("Date and time in %(zone)s time.",
             zone=zones.place(select_timezone(), current_locale()))
    for field in fields:
        field.description = hint


class QuizDatesForm(FlaskForm):
    """When the quiz opens and closes: the course's run, not its content."""

    opens_at = DateTimeLocalField(_l("Opens"), validators=[Optional()], format=LOCAL_FORMATS)
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Optional()], format=LOCAL_FORMATS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _zone_hint(self.opens_at, self.closes_at)

    def dates(self) -> dict:
        return {"opens_at": _when(self.opens_at), "closes_at": _when(self.closes_at)}


class QuizSettingsForm(QuizDatesForm):
    time_limit_minutes = _whole(_l("Time limit in minutes (0: none)"), "time_limit_minutes",
                                _l("Give a number of minutes from 0 to 1440."))
    grace_minutes = _whole(_l("Grace period in minutes"), "grace_minutes",
                           _l("Give a number of minutes from 0 to 60."), description=_l(
                               "Answers are still accepted for this many minutes after the time is "
                               "up (for slow networks); then the server submits the attempt "
                               "itself."))
    attempts = _whole(_l("Attempts allowed (0: unlimited)"), "attempts",
                      _l("Give a number of attempts from 0 to 100."))
    grading_method = SelectField(_l("Grading method"),
                                 choices=choices(GRADING_METHOD_LABELS.items()))
    pass_mark = _whole(_l("Pass mark (%)"), "pass_mark", _l("Give a percentage from 0 to 100."))
    questions_per_page = _whole(_l("Questions per page (0: all on one page)"), "questions_per_page",
                                _l("Give a number of questions from 0 to 100."), description=_l(
                                    "Changing it lays the quiz's pages out again; you can then "
                                    "move single page breaks on the quiz's questions page."))
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    shuffle_choices = BooleanField(_l("Shuffle the choices within questions"))
    review_score = SelectField(_l("Trainees see their grade"),
                               choices=choices(REVIEW_TIME_LABELS.items()))
    review_feedback = SelectField(_l("Trainees see the feedback"),
                                  choices=choices(REVIEW_TIME_LABELS.items()))
    review_answers = SelectField(_l("Trainees see the right answers"),
                                 choices=choices(REVIEW_TIME_LABELS.items()))

    def settings(self) -> QuizSettings:
        values = {name: getattr(self, name).data for name in (
            "time_limit_minutes", "attempts", "pass_mark", "grading_method", "questions_per_page",
            "grace_minutes", "review_score", "review_feedback", "review_answers")}
        return QuizSettings(**values, shuffle_questions=bool(self.shuffle_questions.data),
                            shuffle_choices=bool(self.shuffle_choices.data), **self.dates())


class OverrideForm(FlaskForm):
    username = StringField(_l("Trainee (username)"), validators=[Length(max=254)])
    cohort = SelectField(_l("or cohort"), coerce=int, validate_choice=False)
    opens_at = DateTimeLocalField(_l("Opens"), validators=[Optional()], format=LOCAL_FORMATS)
    closes_at = DateTimeLocalField(_l("Closes"), validators=[Optional()], format=LOCAL_FORMATS)
    time_limit_minutes = IntegerField(_l("Time limit in minutes"), validators=[
        Optional(), NumberRange(1, LIMITS["time_limit_minutes"],
                                message=_l("Give a number of minutes from 1 to 1440."))])
    attempts = IntegerField(_l("Attempts allowed"), validators=[
        Optional(), NumberRange(1, LIMITS["attempts"],
                                message=_l("Give a number of attempts from 1 to 100."))])

    def __init__(self, *args, cohorts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _zone_hint(self.opens_at, self.closes_at)
        self.cohort.choices = [(0, _l("(none)"))] + [(c.id, c.name) for c in cohorts]

    def values(self) -> dict:
        return {"opens_at": _when(self.opens_at), "closes_at": _when(self.closes_at),
                "time_limit_minutes": self.time_limit_minutes.data, "attempts": self.attempts.data}


class EssayGradeForm(FlaskForm):
    mark = IntegerField(_l("Mark (%)"), validators=[
        InputRequired(REQUIRED),
        NumberRange(0, 100, message=_l("Give a percentage from 0 to 100."))])
    comment = TextAreaField(_l("Comment for the trainee"), validators=[Length(max=5000)])


class RegradeForm(FlaskForm):
    confirm = BooleanField(_l("I understand that grades may change"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
