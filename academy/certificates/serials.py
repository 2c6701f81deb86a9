"""Serial numbers PAN-<year>-<number>: a counter row per year, incremented in one UPDATE.

The UPDATE takes the row's lock, so two issuers never get the same number (and the unique
constraint on certificates.serial would refuse it if they did). A failed issue leaves a gap,
as a database sequence would; numbers are never reused.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from academy.certificates.models import CertificateSerial
from academy.extensions import db

PREFIX = "PAN"


def format_serial(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


def next_serials(year: int, count: int = 1) -> list[str]:
    """Reserve `count` consecutive serials of `year` in the current transaction."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(CertificateSerial).values(year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["year"]))
    last = db.session.scalar(
        update(CertificateSerial).where(CertificateSerial.year == year)
        .values(last_number=CertificateSerial.last_number + count)
        .returning(CertificateSerial.last_number))
    return [format_serial(year, number) for number in range(last - count + 1, last + 1)]


def last_serial_number(year: int) -> int:
    return db.session.scalar(select(CertificateSerial.last_number)
                             .where(CertificateSerial.year == year)) or 0
