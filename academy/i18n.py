"""Languages: locale selection, catalogue compilation and per-locale content helpers."""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import (
    Babel,
    Domain,
    LazyString,
    get_locale,
    get_translations,
    gettext,
    ngettext,
    pgettext,
)
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from academy.locales import (  # noqa: F401 - the languages' data, re-exported
    CONTENT_LANGUAGES,
    INTERFACE_LOCALES,
    LANGUAGE_NAMES,
    LOCALE_NAMES,
    LOCALES,
    as_interface_locale,
    bcp47,
    content_language,
    interface_locale,
    is_interface_locale,
    is_locale,
    locale_for_country,
    variety_of,
)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class LazyText(LazyString):
    """A message translated when it is shown, and plain text wherever it lands.

    Flask-Babel's LazyString claims to be safe HTML (`__html__` gives the text as it is), so a
    value put into it (`_l("Quiz %(title)s", title=...)`, a file's line in an import error) was
    printed as markup: a title could redirect its readers (issue 16). This one is escaped where
    HTML is written (Jinja, WTForms labels and options, Markup.format) and reads the same as
    plain text (the CLI, CSV, logs): pass values as they are, never escaped.
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    """`_l`: a message translated when shown, its values kept as plain text."""
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyText:
    """The plural form of `lazy_gettext`."""
    return LazyText(ngettext, singular, plural, num, **variables)


def lazy_pgettext(context: str, string: str, **variables) -> LazyText:
    """`lazy_gettext` of a message with a context (msgctxt), for an English word that has two
    meanings ("Summary": a course's summary, a quiz attempt's summary page)."""
    return LazyText(pgettext, context, string, **variables)


def browser_locale() -> str | None:
    """The first of the browser's Accept-Language tags (by preference) that we speak."""
    for tag, _quality in request.accept_languages:
        found = interface_locale(tag)
        if found:
            return found
    return None


def select_locale() -> str:
    """The locale of this request: URL, profile, session, browser, academy, site default."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    chosen = getattr(g, "url_locale", None)
    if chosen:
        return chosen
    user = current_user
    if user and user.is_authenticated and is_interface_locale(user.locale):
        return user.locale
    if is_interface_locale(session.get("locale")):
        return session["locale"]
    best = browser_locale()
    if best:
        return best
    if user and user.is_authenticated and user.academy is not None:
        return user.academy.default_locale
    return current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The time zone dates are shown in: the reader's (academy/zones.py)."""
    from academy.zones import UTC, zone_of

    if not has_request_context():
        return UTC
    return zone_of(current_user)


def current_locale() -> str:
    """The active interface locale code as a plain string ("pt_BR")."""
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def content_locale() -> str:
    """The content language the active locale reads ("pt" for pt_BR and pt_PT)."""
    return content_language(current_locale())


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def format_number(value, pattern: str = "#,##0.#") -> str:
    """A number in the person's language by a CLDR pattern (a `%` in it shows a percentage).

    What Flask-Babel's format_decimal does, with the pattern parsed once per process and each
    figure formatted once per language: a dashboard shows hundreds of them (issue 14).
    """
    return _formatted(value, pattern, current_locale())


# CLDR's es_419 writes 1,234.5 (Mexico's way); the network's Latin American academies (Colombia,
# Argentina, Chile, Costa Rica) write 1.234,5, as Colombia's CLDR data does.
NUMBER_LOCALES = {"es_419": "es_CO"}


@lru_cache(maxsize=8192)
def _formatted(value, pattern: str, locale: str) -> str:
    locale = NUMBER_LOCALES.get(locale, locale)
    if pattern.endswith("%"):
        pattern = percent_pattern(locale, decimals=pattern.count("#", pattern.rfind(".")))
    return _number_pattern(pattern).apply(value, Locale.parse(locale))


@lru_cache(maxsize=32)
def percent_pattern(locale: str, decimals: int = 1) -> str:
    """The locale's own percent pattern (CLDR), with up to `decimals` decimals.

    "32.6%" in English, "32,6 %" in Spain, "32,6%" in Latin America; French typography wants a
    narrow no-break space before the sign, where CLDR still gives a plain no-break space.
    """
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if decimals:
        pattern = pattern.replace("0", "0." + "#" * decimals, 1) if "." not in pattern else pattern
    if content_language(locale) == "fr":
        pattern = pattern.replace("\xa0%", "%").replace("\u202f%", "%").replace("%", "\u202f%")
    return pattern


def format_percent(fraction, decimals: int = 1) -> str:
    """A fraction (0..1) as a percentage in the active locale ("32,6 %" in French)."""
    return format_number(fraction, "#,##0." + "#" * decimals + "%" if decimals else "#,##0%")


def translations():
    """This request's translations, looked up once per request and language.

    Flask-Babel finds them again for every string (context, locale, its name, the cache): a
    page with a few hundred strings spent milliseconds there (issue 14). Keyed by the locale
    object, so `force_locale` (certificates in their holder's language) still switches.
    """
    locale = get_locale()
    if not has_app_context():
        return get_translations()
    cached = g.get("_campus_translations")
    if cached is None or cached[0] is not locale:
        cached = g._campus_translations = (locale, get_translations())
    return cached[1]


# Italian elides the article before a day or a number read with a vowel: "l'8 marzo", "dall'11".
_ELISION = re.compile(r"\b(il|dal|al|del|nel|sul|tra il|fra il) (8|11)(?![\d,.])", re.IGNORECASE)
_ELIDED = {"il": "l'", "dal": "dall'", "al": "all'", "del": "dell'", "nel": "nell'", "sul": "sull'",
           "tra il": "tra l'", "fra il": "fra l'"}


def elide(text, locale: str | None = None):
    """A formatted message with Italian's elisions before 8 and 11 ("dal 8" -> "dall'8"); other
    languages' messages as they are. Applied wherever a message takes values (a date, a count),
    so no template or catalogue entry has to guess the day."""
    if not text or ("8" not in text and "11" not in text):
        return text
    if content_language(locale or current_locale()) != "it":
        return text
    elided = _ELISION.sub(
        lambda m: _keep_case(m.group(1), _ELIDED[m.group(1).lower()]) + m.group(2), text)
    return Markup(elided) if isinstance(text, Markup) else elided


def _keep_case(source: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if source[:1].isupper() else replacement


class CampusDomain(Domain):
    """Flask-Babel's messages, with Italian's elisions once the values are in (`elide`)."""

    def gettext(self, string, **variables):
        return elide(super().gettext(string, **variables)) if variables else \
            super().gettext(string)

    def ngettext(self, singular, plural, num, **variables):
        return elide(super().ngettext(singular, plural, num, **variables))

    def pgettext(self, context, string, **variables):
        return elide(super().pgettext(context, string, **variables)) if variables else \
            super().pgettext(context, string)

    def npgettext(self, context, singular, plural, num, **variables):
        return elide(super().npgettext(context, singular, plural, num, **variables))


class CampusBabel(Babel):
    """Flask-Babel with the Campus domain (Italian elisions)."""

    @property
    def domain_instance(self):
        found = self.__dict__.get("_campus_domain")
        if found is None:
            found = self.__dict__["_campus_domain"] = CampusDomain(domain=self.domain)
        return found


def _eliding(func):
    @pass_context
    def call(__context, *args, **kwargs):
        return elide(func(__context, *args, **kwargs))
    return call


def install_gettext(app) -> None:
    """Templates' `_`, `ngettext` and friends, through `translations()`, with `elide`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        app.jinja_env.globals[name] = _eliding(app.jinja_env.globals[name])


def language_name(code: str) -> str:
    """The name of a content language in that language itself ("Português")."""
    return LANGUAGE_NAMES.get(code) or LOCALE_NAMES.get(code, code)


def locale_name(code: str) -> str:
    """The name of an interface locale in itself ("Português (Brasil)")."""
    return LOCALE_NAMES.get(code) or LANGUAGE_NAMES.get(code, code)


def language_name_in(code: str, locale: str) -> str:
    """The name of language `code` as written in `locale` (e.g. 'inglés' in es)."""
    return Locale.parse(locale).languages.get(code, code)


def country_name(code: str, locale: str | None = None) -> str:
    """The name of an ISO 3166 country in the given (or active) locale."""
    return Locale.parse(locale or current_locale()).territories.get(code, code)


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in `locale`."""
    names = Locale.parse(locale).territories
    codes = [c for c in names if len(c) == 2 and c.isalpha() and c not in {"ZZ", "XA", "XB"}]
    return sorted(((c, names[c]) for c in codes), key=lambda pair: pair[1].casefold())


def locale_choices() -> list[tuple[str, str]]:
    """(code, native name) for the seven interface locales."""
    return [(code, LOCALE_NAMES[code]) for code in INTERFACE_LOCALES]


def content_language_choices() -> list[tuple[str, str]]:
    """(code, native name) for the five content languages."""
    return [(code, LANGUAGE_NAMES[code]) for code in CONTENT_LANGUAGES]


def sort_key(text: str) -> str:
    """A key that sorts names as people expect: Álvaro with the A's, École with the E's."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def format_size(n_bytes: int) -> str:
    """A file size for people: "1 MB", "100 kB" (in French "1 Mo")."""
    from babel.units import format_unit

    if n_bytes >= 1024 * 1024:
        value, unit = n_bytes / (1024 * 1024), "digital-megabyte"
    else:
        value, unit = n_bytes / 1024, "digital-kilobyte"
    value = int(value) if float(value).is_integer() else round(value, 1)
    return format_unit(value, unit, length="short", locale=current_locale())


def pick_text(texts: dict[str, str] | None, locale: str, fallback: str) -> tuple[str, str]:
    """Return (text, locale it is in): `locale` if written, else `fallback`, else any."""
    texts = texts or {}
    locale, fallback = content_language(locale), content_language(fallback)
    for code in (locale, fallback, *CONTENT_LANGUAGES):
        if texts.get(code):
            return texts[code], code
    return "", locale


def compile_catalogues(directory: Path = TRANSLATIONS_DIR, force: bool = False) -> list[Path]:
    """Compile each messages.po into messages.mo when missing or older; return what was built."""
    built = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parent.parent.name)
        tmp = mo_path.with_name(f"messages.mo.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        tmp.replace(mo_path)
        built.append(mo_path)
    return built



def extract_argv(output: Path) -> list[str]:
    """The pybabel command that collects every marked string of academy/ into `output`."""
    return [
        "-q", "extract", "-F", str(TRANSLATIONS_DIR / "babel.cfg"),
        "-k", "_l", "-k", "lazy_ngettext:1,2", "-k", "lazy_pgettext:1c,2", "-k", "_lp:1c,2",
        "--no-location", "--sort-output",
        "--project", "Campus", "-o", str(output), str(TRANSLATIONS_DIR.parent / "academy"),
    ]
