"""Reading a CSV of people: every row checked, every problem reported with its line."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import LazyString

from academy.accounts import queries as account_queries
from academy.accounts import validation
from academy.accounts.columns import column_key, role_key
from academy.accounts.roles import ACADEMY_ROLES, TRAINEE
from academy.i18n import lazy_gettext as _l
from academy.importing import ImportPreview
from academy.spreadsheets import read_csv

REQUIRED_COLUMNS = ("username", "display_name")
OPTIONAL_COLUMNS = ("email", "role", "locale", "staff_number")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass
class PersonRow:
    """One person as the file describes them, with what is wrong with the row."""

    line: int
    username: str
    display_name: str
    email: str | None
    role: str
    locale: str | None
    staff_number: str | None
    problems: list[LazyString] = field(default_factory=list)


def read_people_csv(data: bytes, academy) -> ImportPreview:
    """Check a CSV of people for `academy` without writing anything: a preview of PersonRows."""
    preview = ImportPreview()
    records, problems = read_csv(data, max_bytes=current_app.config["CSV_MAX_BYTES"],
                                 max_rows=current_app.config["CSV_MAX_ROWS"])
    if problems:
        for problem in problems:
            preview.refuse_file(problem)
        return preview
    columns = _header(records[0][1], preview)
    if columns is None:
        return preview
    for line, record in records[1:]:
        preview.rows.append(_row(line, record, columns))
    if not preview.rows:
        preview.refuse_file(_l("The file has a header but no people."))
    _check_uniqueness(preview.rows, academy)
    return preview


def _header(record: list[str], preview: ImportPreview) -> list[str] | None:
    columns = [column_key(cell) for cell in record]  # "Nombre de usuario" is "username"
    unknown = [c for c in columns if c not in ALL_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if unknown:
        preview.refuse_file(
            _l("Line 1: unknown columns: %(columns)s. The columns are: %(allowed)s.",
               columns=", ".join(unknown), allowed=", ".join(ALL_COLUMNS))
        )
    if missing:
        preview.refuse_file(
            _l("Line 1: missing columns: %(columns)s.", columns=", ".join(missing))
        )
    if duplicated:
        preview.refuse_file(
            _l("Line 1: repeated columns: %(columns)s.", columns=", ".join(duplicated))
        )
    return None if preview.file_problems else columns


def _row(line: int, record: list[str], columns: list[str]) -> PersonRow:
    values = {name: (record[i].strip() if i < len(record) else "")
              for i, name in enumerate(columns)}
    row = PersonRow(
        line=line,
        username=validation.normalize_username(values.get("username")),
        display_name=values.get("display_name", ""),
        email=validation.normalize_email(values.get("email")),
        role=role_key(values.get("role") or TRAINEE),  # "formando" is "trainee"
        locale=(values.get("locale") or "").lower() or None,
        staff_number=values.get("staff_number") or None,
    )
    if len(record) > len(columns) and any(cell.strip() for cell in record[len(columns):]):
        row.problems.append(_l("This row has more values than the header has columns."))
    checks = (
        validation.username_problem(row.username),
        validation.display_name_problem(row.display_name),
        validation.email_problem(row.email),
        validation.locale_problem(row.locale),
        validation.staff_number_problem(row.staff_number),
    )
    row.problems.extend(p for p in checks if p is not None)
    if row.role not in ACADEMY_ROLES:
        row.problems.append(
            _l("Unknown role \u201c%(role)s\u201d: use trainee, instructor or academy_admin.",
               role=row.role)
        )
    return row


def _check_uniqueness(rows: list[PersonRow], academy) -> None:
    """Repeated values within the file, and values already taken on the platform."""
    taken_usernames = account_queries.existing_usernames({r.username for r in rows if r.username})
    taken_emails = account_queries.existing_emails({r.email for r in rows if r.email})
    taken_numbers = account_queries.existing_staff_numbers(
        academy.id, {r.staff_number for r in rows if r.staff_number}
    )
    first_seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for kind, value in (("username", row.username), ("email", row.email),
                            ("staff_number", row.staff_number)):
            if not value:
                continue
            earlier = first_seen.setdefault((kind, value), row.line)
            if earlier != row.line:
                row.problems.append(_duplicate_message(kind, earlier))
        if row.username in taken_usernames:
            row.problems.append(_l("This username is already taken."))
        if row.email and row.email in taken_emails:
            row.problems.append(_l("This e-mail address is already used by another person."))
        if row.staff_number and row.staff_number in taken_numbers:
            row.problems.append(_l("This staff number is already used in the academy."))


def _duplicate_message(kind: str, earlier: int) -> LazyString:
    if kind == "username":
        return _l("The same username is already on line %(line)d.", line=earlier)
    if kind == "email":
        return _l("The same e-mail address is already on line %(line)d.", line=earlier)
    return _l("The same staff number is already on line %(line)d.", line=earlier)


def template_csv() -> str:
    """An example file to start from (UTF-8, with a BOM so spreadsheets keep accents)."""
    return (
        "\ufeffusername,display_name,email,role,locale,staff_number\r\n"
        "maria.lopez,María López Fernández,,trainee,es,2026-0142\r\n"
        "joao.silva,João Silva,joao.silva@example.org,trainee,pt,\r\n"
        "ana.ruiz,Ana Ruiz,,instructor,es,\r\n"
    )
