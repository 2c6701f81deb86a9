"""The platform's languages as data: five content languages, seven interface locales (the
network's varieties), and how codes, browsers' tags and countries map between them. No Flask here:
academy.i18n re-exports all of it."""
from __future__ import annotations

# Content languages: what authors write courses, questions and packages in (five).
CONTENT_LANGUAGES: tuple[str, ...] = ("es", "pt", "fr", "en", "it")
# `LOCALES` keeps its old meaning for content code (course locales, package files, texts).
LOCALES: tuple[str, ...] = CONTENT_LANGUAGES

# Interface locales: the varieties the network speaks (seven); each reads its language's content.
INTERFACE_LOCALES: tuple[str, ...] = ("es", "es_419", "pt_BR", "pt_PT", "fr", "it", "en")

# Each language is named in itself in the switcher, so anyone can find their own.
LANGUAGE_NAMES: dict[str, str] = {
    "es": "Español",
    "pt": "Português",
    "fr": "Français",
    "en": "English",
    "it": "Italiano",
}
LOCALE_NAMES: dict[str, str] = {
    "es": "Español (España)",
    "es_419": "Español (Latinoamérica)",
    "pt_BR": "Português (Brasil)",
    "pt_PT": "Português (Portugal)",
    "fr": "Français",
    "it": "Italiano",
    "en": "English",
}

# Spanish-speaking countries of Latin America (and the United States' Spanish): es_419.
_LATIN_AMERICA = frozenset({
    "AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN",
    "MX", "NI", "PA", "PE", "PR", "PY", "SV", "US", "UY", "VE",
})
# The variety an academy of a country speaks by default, when its language has two.
_COUNTRY_VARIETY = {"BR": "pt_BR", "PT": "pt_PT", "AO": "pt_PT", "MZ": "pt_PT", "CV": "pt_PT",
                    "GW": "pt_PT", "ST": "pt_PT", "TL": "pt_PT", "ES": "es", "GQ": "es",
                    "FR": "fr", "IT": "it", "SM": "it", "VA": "it",
                    **{code: "es_419" for code in _LATIN_AMERICA}}

def is_locale(value: object) -> bool:
    """Whether value is one of the five content languages (a course's, a text's)."""
    return isinstance(value, str) and value in CONTENT_LANGUAGES


def is_interface_locale(value: object) -> bool:
    """Whether value is one of the seven interface locales (es, es_419, pt_BR, pt_PT …)."""
    return isinstance(value, str) and value in INTERFACE_LOCALES


def content_language(locale: str | None) -> str:
    """The content language a locale reads: "pt_BR" and "pt_PT" read "pt", "es_419" reads "es"."""
    if not locale:
        return locale or ""
    language = locale.replace("-", "_").split("_")[0].lower()
    return language if language in CONTENT_LANGUAGES else locale


def bcp47(locale: str | None) -> str:
    """A locale as HTML's `lang` wants it (BCP 47): "pt_BR" -> "pt-BR", "es_419" -> "es-419"."""
    return (locale or "").replace("_", "-")


def interface_locale(tag: str | None) -> str | None:
    """The interface locale for a language tag of a browser or a URL, or None.

    pt-BR -> pt_BR; pt, pt-PT (and Africa's Portuguese) -> pt_PT; es, es-ES -> es; es-419,
    es-AR, es-MX … -> es_419; fr-CA -> fr.
    """
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    language, region = parts[0].lower(), (parts[1].upper() if len(parts) > 1 else "")
    if language == "pt":
        return "pt_BR" if region == "BR" else "pt_PT"
    if language == "es":
        return "es_419" if region == "419" or region in _LATIN_AMERICA else "es"
    return language if language in ("fr", "it", "en") else None


def variety_of(language: str, preferred: str | None = None) -> str:
    """The interface locale to write content language `language` in: `preferred` when it is a
    variety of that language (the academy's, the reader's), else the language's own default."""
    if is_interface_locale(preferred) and content_language(preferred) == language:
        return preferred
    return interface_locale(language) or language


def as_interface_locale(value: str | None, preferred: str | None = None) -> str | None:
    """A language as a person or a CSV file writes it ("pt", "pt-BR", "es-419", "pt_PT") as one
    of the seven interface locales, or None. A bare language takes `preferred`'s variety when it
    is one of it (a Brazilian academy's "pt" is pt_BR), else the language's default."""
    if not value:
        return None
    if is_interface_locale(value):
        return value
    tag = value.strip().replace("_", "-")
    if "-" not in tag:
        language = tag.lower()
        return variety_of(language, preferred) if language in CONTENT_LANGUAGES else None
    return interface_locale(tag)


def locale_for_country(country: str | None, language: str | None = None) -> str:
    """The interface locale an academy of `country` speaks by default (Brazil -> pt_BR)."""
    variety = _COUNTRY_VARIETY.get((country or "").upper())
    if language and (variety is None or content_language(variety) != content_language(language)):
        return interface_locale(f"{language}-{country or ''}") or "en"
    return variety or "en"
