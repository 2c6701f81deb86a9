"""What every template can use: languages, navigation, forms that POST, formatting; and what
the domains give (each in its templating.py, passed in by the app factory). It imports no
domain."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from flask import Flask, request
from flask_babel import format_date, format_datetime
from flask_login import current_user

from academy import zones
from academy.i18n import (
    INTERFACE_LOCALES,
    LOCALES,
    bcp47,
    content_locale,
    country_name,
    current_locale,
    format_number,
    format_size,
    language_name,
    language_name_in,
    locale_name,
)
from academy.i18n import select_timezone as reader_zone
from academy.navigation import main_navigation


def _reader_place() -> str:
    """The reader's time zone as people name it ("Madrid"), in their language."""
    return zones.place(reader_zone(), current_locale())


def _shared_context() -> dict[str, Any]:
    """The context every template gets whatever the domain: languages, the menu, the page."""
    return {
        "LOCALES": LOCALES,  # the content languages
        "INTERFACE_LOCALES": INTERFACE_LOCALES,
        "language_name": language_name,
        "locale_name": locale_name,
        "current_locale": current_locale,
        "content_locale": content_locale,
        "main_navigation": lambda: main_navigation(current_user),
        "current_path": lambda: request.full_path.rstrip("?") if request else "/",
        "file_size": format_size,
        "language_name_here": lambda code: language_name_in(code, current_locale()),
    }


def _merged(parts: Iterable[Mapping[str, Any]], start: dict[str, Any]) -> dict[str, Any]:
    """The names of all `parts` in one mapping; a name given twice is a mistake."""
    merged = dict(start)
    for part in parts:
        taken = merged.keys() & part.keys()
        if taken:
            raise ValueError(f"template names given twice: {sorted(taken)}")
        merged.update(part)
    return merged


def register_template_helpers(app: Flask, *, context: Iterable[Mapping[str, Any]] = (),
                              filters: Iterable[Mapping[str, Callable]] = ()) -> None:
    """Globals and filters for the Jinja environment: the shared ones, and the domains' context
    (`context`) and filters (`filters`)."""
    template_context = _merged(context, _shared_context())

    @app.context_processor
    def _globals():
        return template_context

    _register_shared_filters(app)
    app.jinja_env.filters.update(_merged(filters, {}))
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _register_shared_filters(app: Flask) -> None:
    """Dates, times, numbers and places, as the reader's language writes them."""
    # A global, not a context variable: macros imported without context (the quiz timer) use it.
    app.jinja_env.globals["reader_zone_place"] = _reader_place
    app.jinja_env.filters["country"] = country_name
    # A locale as HTML's lang attribute wants it: pt_BR -> pt-BR, es_419 -> es-419.
    app.jinja_env.filters["bcp47"] = bcp47
    app.jinja_env.filters["isodate"] = lambda value: format_date(
        date.fromisoformat(value), "long") if value else ""
    app.jinja_env.filters["day"] = lambda value: format_date(value, "medium") if value else ""
    app.jinja_env.filters["when"] = lambda value: format_datetime(value, "medium") if value else ""
    # A date and time that matters (a deadline, a quiz closing), with the zone it is read in.
    app.jinja_env.filters["zoned"] = lambda value: (
        f"{format_datetime(value, 'medium')} ({_reader_place()})"
        if value else "")
    # A grade stored as a fraction (0..1), shown as a percentage in the person's language.
    app.jinja_env.filters["grade"] = lambda value: format_number(value or 0, "#,##0.#%")
    # A count or a measure, grouped as the person's language groups digits (one decimal at most).
    app.jinja_env.filters["decimal"] = format_number
    # A percentage given from 0 to 100 (a progress), as the person's language writes it.
    app.jinja_env.filters["percent"] = lambda value: format_number((value or 0) / 100, "#,##0%")
    # A chart's axis value with its unit ("%" as a percentage, anything else after the number).
    app.jinja_env.filters["tick"] = lambda value, unit="": (
        format_number((value or 0) / 100, "#,##0.#%") if unit == "%"
        else f"{format_number(value or 0)}{unit}")
