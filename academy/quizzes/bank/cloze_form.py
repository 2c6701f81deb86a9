"""The editor of a Cloze question (embedded answers): its text written in Moodle's embedded
syntax, in every language of the course at once, so the languages' gaps can be checked to match."""
from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from academy.forms import REQUIRED, choices
from academy.i18n import lazy_gettext as _l
from academy.quizzes import cloze
from academy.quizzes.bank.question_form import (
    FORMAT_LABELS,
    TOO_LONG,
    QuestionPlaceFields,
    category_choices,
    clean_category,
)
from academy.quizzes.gift import GiftError, GiftQuestion
from academy.quizzes.models import Question
from academy.quizzes.stored import as_gift

TEXT_MAX, FEEDBACK_MAX = 20000, 5000
# i18n: the example and the weight are Moodle's syntax, the same in every language
HELP = _l("Write each answer where it goes, in Moodle's embedded syntax, e.g. %(example)s or "
          "%(choice)s. = marks a right answer, %(weight)s a partial one, # starts its feedback, "
          "~ separates the answers; the first number is the gap's mark. Types: SHORTANSWER (SA), "
          "SHORTANSWER_C (case must match), NUMERICAL (NM, value:tolerance), MULTICHOICE (MC, "
          "_V, _H), MULTIRESPONSE (MR, _H); _S shuffles the choices.",
          example=cloze.EXAMPLE, choice="{1:MULTICHOICE:=red~green~blue}", weight="%50%")


class ClozeForm(QuestionPlaceFields):
    """A Cloze question: id, category, format, and per language its text and general feedback
    (fields `text_<locale>`, `general_feedback_<locale>`, added for the course's languages)."""

    text_format = SelectField(_l("Text format"), choices=choices(FORMAT_LABELS.items()))

    qtype, is_structure = "cloze", True

    @classmethod
    def for_languages(cls, languages: list[tuple[str, str]], *args, **kwargs) -> ClozeForm:
        """The form with a text and a general feedback field per (code, name) language."""
        fields = {}
        for code, _name in languages:
            fields[f"text_{code}"] = TextAreaField(
                _l("Question text"), render_kw={"rows": 8},
                validators=[Length(max=TEXT_MAX, message=TOO_LONG)])
            fields[f"general_feedback_{code}"] = TextAreaField(
                _l("General feedback"), render_kw={"rows": 3},
                validators=[Length(max=FEEDBACK_MAX, message=TOO_LONG)],
                description=_l("Shown to everyone once they have answered, whatever the answer."))
        form_class = type("ClozeLanguagesForm", (cls,), fields)
        return form_class(*args, languages=languages, **kwargs)

    @classmethod
    def for_question(cls, question: Question | None, languages: list[tuple[str, str]],
                     default_locale: str, **kwargs) -> ClozeForm:
        """The form for a new question (None) or a stored one, with its words in every language."""
        written = {text.locale: as_gift(question, text.content)
                   for text in (question.texts if question else []) if text.content.get("text")}
        return cls.for_languages(languages, default_locale=default_locale, written=written,
                                 **kwargs)

    def __init__(self, *args, languages=(), default_locale: str = "", written=None,
                 categories=(), quizzes=(), is_new: bool = False, **kwargs) -> None:
        """`written`: the stored question per language it is written in (for an edit)."""
        super().__init__(*args, **kwargs)
        self.languages, self.default_locale = list(languages), default_locale
        self.written, self.is_new, self.parsed = dict(written or {}), is_new, {}
        self.category.choices = category_choices(categories)
        self.placement.choices = choices([("", _l("Bank only (in no quiz)")),
                                          *((str(id_), title) for id_, title in quizzes)])
        if not is_new:
            delattr(self, "placement")
        for code, name in self.languages:
            self[f"text_{code}"].label.text = _l("Question text in %(language)s", language=name)
            self[f"text_{code}"].description = HELP if code == default_locale else None
            self[f"general_feedback_{code}"].label.text = _l("General feedback in %(language)s",
                                                             language=name)

    def language_fields(self):
        """(code, name, text field, general feedback field) per language, the default first."""
        ordered = sorted(self.languages, key=lambda pair: pair[0] != self.default_locale)
        return [(code, name, self[f"text_{code}"], self[f"general_feedback_{code}"])
                for code, name in ordered]

    # --- Stored values to the form ----------------------------------------------------------------

    def fill(self, question: GiftQuestion, lesson_id: int | None = None) -> None:
        self.ident.data, self.category.data = question.ident, question.category
        if question.category not in {choice.value for choice in self.category.choices}:
            self.category.data, self.new_category.data = "", question.category
        if "placement" in self:
            self.placement.data = str(lesson_id) if lesson_id else ""
        self.text_format.data = question.text_format
        for code, _name, text, feedback in self.language_fields():
            said = self.written.get(code) or (question if code == self.default_locale else None)
            if said is not None and said.text:
                text.data = cloze.write_embedded(said.text, said.gaps) if said.gaps else said.text
                feedback.data = said.general_feedback

    # --- Checks ----------------------------------------------------------------------------------

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        names = dict(self.languages)
        for code, _name, text, _feedback in self.language_fields():
            source = (text.data or "").strip()
            if not source:
                if code == self.default_locale or code in self.written:
                    text.errors = [*text.errors, REQUIRED]
                    valid = False
                continue
            try:
                self.parsed[code] = cloze.parse_embedded(source)
            except GiftError as error:
                text.errors = [*text.errors, *(_l("Line %(line)d: %(reason)s", line=e.line,
                                                  reason=e.reason) for e in error.errors)]
                valid = False
        default = self.parsed.get(self.default_locale)
        for code, (_text, gaps) in self.parsed.items():
            if default is not None and code != self.default_locale and \
                    [g.structure() for g in gaps] != [g.structure() for g in default[1]]:
                self[f"text_{code}"].errors.append(_l(
                    "The embedded answers must be the same as in %(language)s: as many, of the "
                    "same types, with the same marks, grades and numbers.",
                    language=names.get(self.default_locale, self.default_locale)))
                valid = False
        return valid

    # --- The form to questions -------------------------------------------------------------------

    def category_value(self) -> str:
        return clean_category(self.new_category.data or self.category.data)

    def placement_id(self) -> int | None:
        if "placement" not in self:
            return None
        return int(self.placement.data) if (self.placement.data or "").isdigit() else None

    def origins(self) -> list[int | None]:
        return []

    def _question(self, code: str) -> GiftQuestion:
        text, gaps = self.parsed[code]
        return GiftQuestion(0, (self.ident.data or "").strip(), self.category_value(), "cloze",
                            text, self.text_format.data, gaps=gaps,
                            general_feedback=(self[f"general_feedback_{code}"].data or "").strip())

    def to_question(self) -> GiftQuestion:
        """The question in the course's default language (call after `validate`)."""
        return self._question(self.default_locale)

    def translations(self) -> dict[str, GiftQuestion]:
        """The question in each other language written (call after `validate`)."""
        return {code: self._question(code) for code in self.parsed if code != self.default_locale}
