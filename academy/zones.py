"""Time zones: each academy has one (its country's, unless set otherwise), each person may choose
their own, and every date and time is shown in the reader's zone. Stored times stay in UTC."""
from __future__ import annotations

from datetime import UTC as UTC_TZINFO
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_location

UTC = "UTC"
# The zones of the network's countries; the first is the country's default.
COUNTRY_ZONES = {
    "ES": ("Europe/Madrid", "Atlantic/Canary"),
    "PT": ("Europe/Lisbon", "Atlantic/Azores", "Atlantic/Madeira"),
    "FR": ("Europe/Paris",),
    "IT": ("Europe/Rome",),
    "BR": ("America/Sao_Paulo", "America/Fortaleza", "America/Manaus", "America/Cuiaba",
           "America/Rio_Branco", "America/Noronha"),
    "CO": ("America/Bogota",),
    "AR": ("America/Argentina/Buenos_Aires",),
    "CR": ("America/Costa_Rica",),
    "CL": ("America/Santiago", "Pacific/Easter"),
    "PE": ("America/Lima",),
}
ZONES = (UTC, *(zone for zones in COUNTRY_ZONES.values() for zone in zones))


def default_zone(country: str | None) -> str:
    """The zone an academy of this country starts with (UTC for a country not listed)."""
    return COUNTRY_ZONES.get((country or "").upper(), (UTC,))[0]


@lru_cache(maxsize=64)
def is_zone(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_of(user) -> str:
    """The reader's zone: their own choice, else their academy's, else UTC."""
    if not getattr(user, "is_authenticated", False):
        return UTC
    if user.timezone and is_zone(user.timezone):
        return user.timezone
    academy = user.academy
    return academy.timezone if academy is not None and is_zone(academy.timezone) else UTC


@lru_cache(maxsize=256)
def place(zone: str, locale: str) -> str:
    """A zone as people name it, short: "Madrid", "São Paulo", "UTC"."""
    if zone == UTC:
        return UTC
    return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)


@lru_cache(maxsize=64)
def choices(locale: str) -> tuple[tuple[str, str], ...]:
    """The zones one may pick, labelled in `locale` ("hora de España (Madrid)"), by label."""
    labelled = [(zone, UTC if zone == UTC else get_timezone_location(ZoneInfo(zone), locale=locale))
                for zone in ZONES]
    return tuple(sorted(labelled, key=lambda pair: (pair[0] != UTC, pair[1])))


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time typed in `zone` (a naive datetime), as the UTC instant it names."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC_TZINFO)


def to_local(value: datetime | None, zone: str) -> datetime | None:
    """A stored UTC time as the wall-clock time of `zone` (naive, for a form's field)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC_TZINFO)
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def day_bound(day: date | None, zone: str, *, end: bool = False) -> datetime | None:
    """The first (or last) instant of a calendar day in `zone`, in UTC."""
    if day is None:
        return None
    return to_utc(datetime.combine(day, time.max if end else time.min), zone)
