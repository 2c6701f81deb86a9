"""Forms of the certificate pages: policy, template, issuing, changes after issue, checking."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.certificates import codes
from academy.certificates.css import clean_extra_css
from academy.certificates.labels import ISSUANCE_LABELS, PAGE_SIZE_LABELS, STATUS_LABELS
from academy.domain_errors import DomainError
from academy.forms import REQUIRED, by_label, choices
from academy.i18n import LOCALES, country_name, language_name
from academy.i18n import lazy_gettext as _l

_MAX = _l("Use at most %(max)d characters.")


class PolicyForm(FlaskForm):
    issuance = RadioField(_l("Certificates are issued"), validators=[InputRequired(REQUIRED)],
                          choices=choices(ISSUANCE_LABELS.items()))
    min_grade = IntegerField(
        _l("Minimum course grade (%)"), validators=[Optional(), NumberRange(0, 100)],
        description=_l("The course grade is the mean of the quiz grades. Leave empty for none."))
    validity_months = IntegerField(
        _l("Valid for (months)"), validators=[Optional(), NumberRange(1, 240)],
        description=_l("Leave empty for a certificate that never expires."))
    shows_grade = BooleanField(_l("Show the course grade on the certificate"))


class TextsForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField(_l("Heading"), validators=[Length(max=120, message=_MAX)])
    intro = StringField(_l("Before the name"), validators=[Length(max=200, message=_MAX)])
    statement = StringField(_l("After the name"), validators=[Length(max=200, message=_MAX)])
    closing = TextAreaField(_l("Closing line"), render_kw={"rows": 2},
                            validators=[Length(max=400, message=_MAX)])


class SignatureForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField(_l("Name of the signatory"), validators=[Length(max=120, message=_MAX)])
    title = StringField(_l("Position"), validators=[Length(max=160, message=_MAX)])
    image = FileField(_l("Image of the signature"),
                      description=_l("PNG, JPEG, GIF or WebP, at most 1 MB. Best on a white or "
                                     "transparent background."))
    remove_image = BooleanField(_l("Remove the image"))


def _colour(_form, field) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", field.data or ""):
        raise ValidationError(_l("Give a colour as # and six hexadecimal digits, e.g. #1f3d6b."))


def _safe_css(_form, field) -> None:
    try:
        field.data = clean_extra_css(field.data)
    except DomainError as error:
        raise ValidationError(str(error.message)) from None


class TemplateForm(FlaskForm):
    page_size = SelectField(_l("Page"), choices=choices(PAGE_SIZE_LABELS.items()))
    accent = StringField(_l("Accent colour"), validators=[_colour],
                         render_kw={"type": "color"})
    is_bilingual = BooleanField(
        _l("Bilingual: the trainee's language and the academy's language"),
        description=_l("When they differ, every line also appears in the academy's language."))
    signature_1 = FormField(SignatureForm, label=_l("First signature"))
    signature_2 = FormField(SignatureForm, label=_l("Second signature"))
    extra_css = TextAreaField(
        _l("Extra CSS (optional)"), render_kw={"rows": 6, "spellcheck": "false"},
        validators=[_safe_css],
        description=_l("Rules added after the default design, e.g. h1 { letter-spacing: 0 }. "
                       "url(), @import and @font-face are refused."))


for _code in LOCALES:
    setattr(TemplateForm, f"texts_{_code}", FormField(TextsForm, label=language_name(_code)))


class IssueForm(FlaskForm):
    """Issue to the trainees ticked on the page (ids checked again when issuing)."""

    enrolments = SelectMultipleField(coerce=int, validate_choice=False,
                                     validators=[DataRequired(_l("Tick at least one trainee."))])


class IssueAllForm(FlaskForm):
    """Issue to everyone matching the filters the page was showing."""

    academy = StringField()
    country = StringField()
    course = StringField()
    cohort = StringField()


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 3},
                           validators=[DataRequired(REQUIRED), Length(max=1000, message=_MAX)],
                           description=_l("Kept in the certificate's history; the public check "
                                          "only says it was revoked, and when."))


class RenewForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 2},
                           validators=[Length(max=1000, message=_MAX)])


class ReissueForm(FlaskForm):
    reason = TextAreaField(_l("What was corrected"), render_kw={"rows": 2},
                           validators=[DataRequired(REQUIRED), Length(max=1000, message=_MAX)],
                           description=_l("Correct the name in the person's account first; the new "
                                          "certificate shows the name as registered now."))


class IssueAgainForm(FlaskForm):
    reason = TextAreaField(_l("Why it is issued again"), render_kw={"rows": 2},
                           validators=[DataRequired(REQUIRED), Length(max=1000, message=_MAX)],
                           description=_l("For example: revoked by mistake. Kept in the "
                                          "certificate's history."))


def _code(_form, field) -> None:
    if codes.normalise(field.data) is None:
        raise ValidationError(_l("A verification code has 28 letters and digits, in blocks of "
                                 "four, as printed on the certificate."))


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a public lookup that changes nothing; rate-limited instead

    code = StringField(_l("Verification code"), validators=[DataRequired(REQUIRED), _code],
                       render_kw={"autocomplete": "off", "spellcheck": "false",
                                  "autocapitalize": "characters"})


class VerifyFileForm(FlaskForm):
    pdf = FileField(_l("Certificate PDF"), validators=[DataRequired(_l("Choose a PDF file."))])


class CertificateFilterForm(FlaskForm):
    """The coordinators' filters (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    academy = SelectField(_l("Academy"), default="", validate_choice=True)
    country = SelectField(_l("Country"), default="")
    course = SelectField(_l("Course"), default="")
    cohort = SelectField(_l("Cohort"), default="")
    status = SelectField(_l("Status"), default="")
    q = StringField(_l("Serial or name"), render_kw={"type": "search", "maxlength": 100},
                    validators=[Length(max=100, message=_MAX)])

    def offer(self, academies, courses, cohorts, locale: str) -> None:
        """Fill the choices from the network's academies, courses and cohorts."""
        self.academy.choices = by_label(
            ((str(a.id), a.name_in(locale)) for a in academies), _l("All academies"))
        self.country.choices = by_label(
            {(a.country, country_name(a.country, locale)) for a in academies}, _l("All countries"))
        # An adopted copy keeps its original's title: the academy tells them apart.
        self.course.choices = by_label(
            ((str(c.id), f"{c.title_in(locale)} ({c.academy.name_in(locale)})") for c in courses),
            _l("All courses"))
        self.cohort.choices = by_label(
            ((str(cohort.id), f"{cohort.name} ({academy.name_in(locale)})")
             for cohort, academy in cohorts), _l("All cohorts"))
        self.status.choices = choices([("", _l("Any status")), *STATUS_LABELS.items()])


class VerifyPayloadForm(FlaskForm):
    """The text a certificate's QR code holds, pasted or scanned (a GET lookup, like the code)."""

    class Meta:
        csrf = False  # a public lookup that changes nothing; rate-limited instead

    payload = TextAreaField(_l("Text of the QR code"), validators=[
        DataRequired(REQUIRED),
        Length(max=2000, message=_l(
            "A certificate's code is shorter: paste only the QR code's text."))],
        render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"})


class VerifyCredentialForm(FlaskForm):
    """An Open Badges credential, pasted (its VC-JWT or JSON) or uploaded as a file: a POST,
    since a signed credential is too long for an address."""

    credential = TextAreaField(_l("Signed text or JSON of the credential"), validators=[
        Optional(), Length(max=65536, message=_l(
            "This is longer than any certificate's credential: paste only the credential."))],
        render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"})
    file = FileField(_l("Or its file (.jwt or .json)"))

    def text(self) -> str | None:
        """The pasted text, else the uploaded file's (None when neither, or not UTF-8 text)."""
        if (self.credential.data or "").strip():
            return self.credential.data
        upload = self.file.data
        if not upload or not getattr(upload, "read", None):
            return None
        try:
            return upload.read(65537).decode("utf-8")
        except UnicodeDecodeError:
            return None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.credential.data or "").strip() and not self.file.data:
            # i18n: the credential check, when neither text nor file was given.
            self.credential.errors.append(_l("Paste the credential or choose its file."))
            return False
        return True
