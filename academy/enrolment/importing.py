"""Enrolling people from a CSV (a username or e-mail per row): a preview of each row's outcome,
then all or nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import LazyString
from sqlalchemy import func, or_, select

from academy.accounts.columns import column_key
from academy.accounts.models import User
from academy.curricula import policy as course_policy
from academy.enrolment.models import HOLDING_A_PLACE, WITHDRAWN, Enrolment
from academy.enrolment.operations import rules_of
from academy.extensions import db
from academy.i18n import lazy_gettext as _l
from academy.importing import ImportPreview
from academy.spreadsheets import read_csv

ENROL, WAIT, ALREADY = "enrol", "wait", "already"


@dataclass
class EnrolmentRow:
    line: int
    login: str
    person: User | None = None
    outcome: str | None = None
    problems: list[LazyString] = field(default_factory=list)


def read_enrolment_csv(data: bytes, course) -> ImportPreview:
    """Check the file and say, row by row, what enrolling would do (a preview of EnrolmentRows).
    Writes nothing."""
    preview = ImportPreview()
    records, problems = read_csv(data, max_bytes=current_app.config["CSV_MAX_BYTES"],
                                 max_rows=current_app.config["CSV_MAX_ROWS"])
    if problems:
        for problem in problems:
            preview.refuse_file(problem)
        return preview
    columns = [column_key(cell) for cell in records[0][1]]  # "usuario", "courriel"…
    column = next((i for i, name in enumerate(columns) if name in ("username", "email")), None)
    if column is None:
        preview.refuse_file(_l("Line 1: the file needs a column named username or email."))
        return preview
    for line, record in records[1:]:
        value = record[column].strip().lower() if column < len(record) else ""
        preview.rows.append(EnrolmentRow(line, value))
    if not preview.rows:
        preview.refuse_file(_l("The file has a header but no people."))
        return preview
    _resolve(preview, course)
    return preview


def _resolve(preview: ImportPreview, course) -> None:
    logins = {row.login for row in preview.rows if row.login}
    people = list(db.session.scalars(select(User).where(
        or_(User.username.in_(logins), User.email.in_(logins))))) if logins else []
    by_login = {u.username: u for u in people} | {u.email: u for u in people if u.email}
    current = {e.user_id: e.status for e in db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id))}
    rules = rules_of(course)
    free = None if rules.capacity is None else rules.capacity - (db.session.scalar(
        select(func.count()).select_from(Enrolment).where(
            Enrolment.course_id == course.id, Enrolment.status.in_(HOLDING_A_PLACE))) or 0)
    seen: dict[int, int] = {}
    for row in preview.rows:
        row.person = by_login.get(row.login)
        if not row.login:
            row.problems.append(_l("The username or e-mail is missing."))
        elif row.person is None or not row.person.is_active:
            row.problems.append(_l("Nobody has that username or e-mail."))
        elif not course_policy.can_view_course(row.person, course):
            row.problems.append(_l("This person's academy cannot see this course."))
        elif row.person.id in seen:
            row.problems.append(_l("The same person is already on line %(line)d.",
                                   line=seen[row.person.id]))
        else:
            seen[row.person.id] = row.line
            status = current.get(row.person.id, WITHDRAWN)
            if status not in (WITHDRAWN, "pending"):
                row.outcome = ALREADY
            elif free is not None and free <= 0:
                row.outcome = WAIT
            else:
                row.outcome = ENROL
                free = None if free is None else free - 1
