"""CSV in (checked, with line numbers) and CSV/.xlsx out, for imports and exports everywhere.

Exported CSV is UTF-8 with a BOM, so spreadsheet programs open accents correctly.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from flask import Response
from flask_babel import LazyString

from academy.i18n import format_size
from academy.i18n import lazy_gettext as _l


def _decode(data: bytes) -> tuple[str | None, LazyString | None]:
    if b"\x00" in data:
        return None, _l("This is not a text file. Save the spreadsheet as CSV and try again.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, _l(
            "Line %(line)d: the file is not in UTF-8. In your spreadsheet, save it as "
            "\u201cCSV UTF-8\u201d and try again.",
            line=line,
        )


def _dialect(text: str) -> type[csv.Dialect]:
    # Spreadsheets in most of the network's countries write semicolons; sniff the header only.
    header = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=header.count)
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def read_csv(data: bytes, *, max_bytes: int, max_rows: int
             ) -> tuple[list[tuple[int, list[str]]], list[LazyString]]:
    """(line number, cells) of every non-empty row, header first; or the file's problems."""
    if len(data) > max_bytes:
        return [], [_l("The file is too large: at most %(size)s.", size=format_size(max_bytes))]
    text, problem = _decode(data)
    if problem:
        return [], [problem]
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as exc:
        return [], [_l("Line %(line)d: the file cannot be read as CSV (%(reason)s).",
                       line=reader.line_num, reason=str(exc))]
    records = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    if not records:
        return [], [_l("The file is empty.")]
    if len(records) - 1 > max_rows:
        return [], [_l("The file has too many rows: at most %(n)d.", n=max_rows)]
    return records, []


def _safe_cell(value) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def percent_cell(fraction: float | None) -> float | str:
    """A 0..1 fraction as a percentage with one decimal, for a spreadsheet; empty for none."""
    return "" if fraction is None else round(fraction * 100, 1)


def number_cell(value: float | None) -> float | str:
    """A measure with one decimal, for a spreadsheet; empty for none."""
    return "" if value is None else round(value, 1)


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> Response:
    """A CSV download (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f"attachment; filename={_file_name(filename)}.csv"})


def xlsx_response(rows: Iterable[Iterable[object]], filename: str, sheet: str) -> Response:
    """An .xlsx download with one sheet."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "Sheet")
    for row in rows:
        worksheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition":
                             f"attachment; filename={_file_name(filename)}.xlsx"})


def table_response(rows: Iterable[Iterable[object]], filename: str, fmt: str,
                   sheet: str) -> Response:
    """The same rows as a CSV (`fmt` "csv") or an .xlsx download (anything else)."""
    if fmt == "csv":
        return csv_response(rows, filename)
    return xlsx_response(rows, filename, sheet)


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "export"
