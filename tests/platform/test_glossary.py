"""One terminology per interface locale: translations/glossary.toml against the catalogues."""
from __future__ import annotations

import re
import tomllib

import pytest
from babel.messages.pofile import read_po

from academy.i18n import INTERFACE_LOCALES, TRANSLATIONS_DIR

GLOSSARY = tomllib.loads((TRANSLATIONS_DIR / "glossary.toml").read_text(encoding="utf-8"))


def _texts(value) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value if v]


def _words(forms: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])",
                      re.IGNORECASE)


def _starts(forms: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + ")",
                      re.IGNORECASE)


# What the English names but does not translate: placeholders, markup, quoted keys and code.
_NOT_WORDS = re.compile(r"%\(\w+\)[sd]|<[^>]*>|“[^”]*”|\{[^}]*\}|\b[a-z]+_[a-z_]+\b")


def _exceptions(locale: str) -> dict[tuple[str, str], str]:
    return {(e["term"], e["msgid"]): e["reason"] for e in GLOSSARY.get("exceptions", [])
            if e["locale"] in (locale, "*")}


def _catalogue(locale: str):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_the_glossary_names_every_term_and_register_for_every_locale():
    wanted = {"trainee", "instructor", "academy", "enrol", "withdraw", "course", "module",
              "lesson", "quiz", "question", "attempt", "grade", "pass", "certificate", "cohort",
              "coordinator", "share", "adopt", "review", "feedback", "question_bank", "job"}
    assert wanted <= set(GLOSSARY["terms"])
    for name, term in GLOSSARY["terms"].items():
        for locale in INTERFACE_LOCALES:
            assert term.get(locale) and term["term"].get(locale), (name, locale)
    assert set(GLOSSARY["register"]) == set(INTERFACE_LOCALES)
    for exception in GLOSSARY.get("exceptions", []):
        assert exception["reason"].strip() and exception["term"] in GLOSSARY["terms"], exception


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_every_entry_says_each_glossary_term_the_locales_way(locale):
    allowed = _exceptions(locale)
    wrong = []
    for message in _catalogue(locale):
        if not message.id:
            continue
        english = _NOT_WORDS.sub(" ", " ".join(_texts(message.id)))
        translated = " ".join(_texts(message.string))
        if not translated:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        for name, term in GLOSSARY["terms"].items():
            plain = english
            for phrase in term.get("english_not", []):
                plain = re.sub(re.escape(phrase), " ", plain, flags=re.IGNORECASE)
            if not _words(term["english"]).search(plain) or (name, msgid) in allowed:
                continue
            if not _starts(term[locale]).search(translated):
                wrong.append(f"{name}: {msgid!r} -> {translated!r}")
    assert not wrong, f"{locale}: {len(wrong)} entries say a term otherwise:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_no_entry_uses_another_varietys_words(locale):
    avoided = GLOSSARY["avoid"][locale]
    if not avoided:
        return
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in avoided) + ")")
    found = [f"{m.id!r} -> {m.string!r}" for m in _catalogue(locale) if m.id and any(
        pattern.search(text) or pattern.search(text.lower()) for text in _texts(m.string))]
    assert not found, f"{locale}: {len(found)} entries:\n" + "\n".join(found)


def test_stale_exceptions_are_removed():
    """An exception whose entry is gone from the catalogues is dead weight."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue("en") if m.id}
    stale = [e["msgid"] for e in GLOSSARY.get("exceptions", []) if e["msgid"] not in ids]
    assert not stale
