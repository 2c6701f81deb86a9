"""Languages: locale selection, catalogue compilation and per-locale content helpers."""
from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import LazyString, get_locale, get_translations, gettext, ngettext
from flask_login import current_user
from markupsafe import Markup, escape

LOCALES: tuple[str, ...] = ("es", "pt", "fr", "en", "it")

# Each language is named in itself in the switcher, so anyone can find their own.
LANGUAGE_NAMES: dict[str, str] = {
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "en": "English",
    "it": "Italiano",
}

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


def is_locale(value: object) -> bool:
    """Whether value is one of the platform's five interface locales."""
    return isinstance(value, str) and value in LOCALES


def select_locale() -> str:
    """The locale of this request: URL, profile, session, browser, academy, site default."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    chosen = getattr(g, "url_locale", None)
    if chosen:
        return chosen
    user = current_user
    if user and user.is_authenticated and is_locale(user.locale):
        return user.locale
    if is_locale(session.get("locale")):
        return session["locale"]
    best = request.accept_languages.best_match(LOCALES)
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
    """The active locale code as a plain string."""
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def format_number(value, pattern: str = "#,##0.#") -> str:
    """A number in the person's language by a CLDR pattern (a `%` in it shows a percentage).

    What Flask-Babel's format_decimal does, with the pattern parsed once per process and each
    figure formatted once per language: a dashboard shows hundreds of them (issue 14).
    """
    return _formatted(value, pattern, current_locale())


@lru_cache(maxsize=8192)
def _formatted(value, pattern: str, locale: str) -> str:
    return _number_pattern(pattern).apply(value, Locale.parse(locale))


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


def install_gettext(app) -> None:
    """Templates' `_`, `ngettext` and friends, through `translations()`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)


def language_name(code: str) -> str:
    """The name of a language in that language itself."""
    return LANGUAGE_NAMES.get(code, code)


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
    """(code, native name) for the five interface locales."""
    return [(code, LANGUAGE_NAMES[code]) for code in LOCALES]


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
    for code in (locale, fallback, *LOCALES):
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
        "-k", "_l", "-k", "lazy_ngettext:1,2", "--no-location", "--sort-output",
        "--project", "Campus", "-o", str(output), str(TRANSLATIONS_DIR.parent / "academy"),
    ]
