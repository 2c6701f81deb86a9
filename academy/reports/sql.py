"""SQL pieces the reports share, written once for SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import Float, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String


class month_of(FunctionElement):  # noqa: N801 (an SQL function)
    """The month of a timestamp (UTC), to group by: on PostgreSQL the month's first moment
    (date_trunc, much cheaper per row than formatting), on SQLite the text 'YYYY-MM'. Either
    way its text starts with YYYY-MM: `month_key` reads it."""

    type = String()
    inherit_cache = True


@compiles(month_of)
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_postgresql(element, compiler, **kw):
    clauses = compiler.process(element.clauses, **kw)
    return f"date_trunc('month', {clauses} AT TIME ZONE 'UTC')"


def month_key(value) -> str:
    """'YYYY-MM' from what month_of gave (as text or as a timestamp)."""
    return str(value)[:7]


class seconds_between(FunctionElement):  # noqa: N801
    """Seconds from the first timestamp to the second."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_sqlite(element, compiler, **kw):
    first, second = list(element.clauses)
    return (f"((julianday({compiler.process(second, **kw)})"
            f" - julianday({compiler.process(first, **kw)})) * 86400.0)")


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    # date_part gives a double; EXTRACT gives numeric since PostgreSQL 14, slow to sort.
    first, second = list(element.clauses)
    return (f"date_part('epoch', {compiler.process(second, **kw)}"
            f" - {compiler.process(first, **kw)})")


class median(FunctionElement):  # noqa: N801
    """The median of a column's non-null values in each group: PostgreSQL's percentile_cont;
    on SQLite, the `median` aggregate registered on every connection (academy.db)."""

    type = Float()
    inherit_cache = True


@compiles(median)
def _median_sqlite(element, compiler, **kw):
    return f"median({compiler.process(element.clauses, **kw)})"


@compiles(median, "postgresql")
def _median_postgresql(element, compiler, **kw):
    clauses = compiler.process(element.clauses, **kw)
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {clauses})"


def medians(rows: Select, *keys: str, value: str = "value") -> Select:
    """The median of column `value` of `rows` for each combination of the `keys` columns
    (the mean of the two middle values when their number is even)."""
    sub = rows.subquery()
    by = [sub.c[key] for key in keys]
    return select(*by, median(sub.c[value]).label("median")).group_by(*by)


REPORT_WORK_MEM = "64MB"


def prepare_for_reports() -> None:
    """On PostgreSQL, give this transaction's sorts room (a year's completions sort in memory
    instead of on disk) and skip JIT compilation, which costs more than it saves on queries
    that run once. SET LOCAL ends with the transaction; SQLite needs nothing."""
    from academy.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
        db.session.execute(text("SET LOCAL jit = off"))


def within(column: ColumnElement, period) -> ColumnElement:
    """The timestamp falls in the period (its first day included, the day after its last not)."""
    return (column >= period.start) & (column < period.end)

