"""How the network data set reaches the database: COPY on PostgreSQL, executemany on SQLite,
the columns of each table, and the ids the rows carry."""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import JSON, insert


class Loader:
    """Writes rows to tables in one transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn, metadata) -> None:
        self.conn, self.metadata = conn, metadata
        self.postgres = conn.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
        if self.postgres and conn.exec_driver_sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
            # The rows are consistent by construction: no per-row foreign-key trigger.
            conn.exec_driver_sql("SET session_replication_role = replica")

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        json_at = [i for i, name in enumerate(columns)
                   if isinstance(self.metadata.tables[table].c[name].type, JSON)]
        if not self.postgres:
            batch = [dict(zip(columns, row, strict=False)) for row in rows]
            if batch:
                self.conn.execute(insert(self.metadata.tables[table]), batch)
            self.counts[table] += len(batch)
            return
        cursor = self.conn.connection.driver_connection.cursor()
        n = 0
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        if row[i] is not None:
                            row[i] = json.dumps(row[i], ensure_ascii=False)
                copy.write_row(row)
                n += 1
        self.counts[table] += n

    def finish(self) -> None:
        """Sequences past the ids given here; foreign-key triggers back on."""
        if not self.postgres:
            return
        for table in self.counts:
            if "id" in self.metadata.tables[table].c and \
                    self.metadata.tables[table].c["id"].autoincrement in (True, "auto"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
        self.conn.exec_driver_sql("SET session_replication_role = DEFAULT")


class Ids:
    """The next id of each table (rows carry their ids, so children can name them)."""

    def __init__(self) -> None:
        self.last: Counter[str] = Counter()

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


COLUMNS = {
    "courses": ("id", "academy_id", "slug", "default_locale", "locales", "status", "visibility",
                "review_status", "version", "approved_version", "hours", "cover_filename",
                "source_course_id", "source_version", "created_at", "updated_at",
                "published_at"),
    "course_texts": ("course_id", "locale", "title", "summary", "search_text"),
    "modules": ("id", "course_id", "slug", "position"),
    "module_texts": ("module_id", "locale", "title"),
    "lessons": ("id", "module_id", "slug", "position", "kind", "minutes", "settings"),
    "lesson_texts": ("lesson_id", "locale", "title", "body"),
    "questions": ("id", "course_id", "ident", "category", "position", "qtype",
                  "spec", "version", "updated_at"),
    "quiz_slots": ("id", "lesson_id", "position", "page", "question_id", "category", "mark"),
    "question_texts": ("question_id", "locale", "content"),
    "question_versions": ("id", "question_id", "course_id", "version", "ident", "qtype", "spec",
                          "texts", "created_at"),
    "certificate_policies": ("course_id", "issuance", "min_grade", "validity_months",
                             "shows_grade"),
    "enrolments": ("id", "course_id", "user_id", "status", "requested_at", "activated_at",
                   "completed_at", "withdrawn_at", "last_lesson_id", "last_activity_at",
                   "promoted_at"),
    "lesson_progress": ("id", "user_id", "lesson_id", "completed_at"),
    "quiz_attempts": ("id", "course_id", "lesson_id", "user_id", "number", "locale", "status",
                      "started_at", "deadline_at", "grace_seconds", "finished_at", "fraction",
                      "pages"),
    "quiz_attempt_slots": ("attempt_id", "position", "page", "question_id", "version_id",
                           "choice_order", "response", "saved_seq", "saved_at", "fraction",
                           "comment"),
    "quiz_results": ("lesson_id", "user_id", "course_id", "fraction", "is_passed", "attempts",
                     "updated_at"),
    "certificates": ("id", "serial", "code", "user_id", "course_id", "academy_id", "locale",
                     "second_locale", "name", "course_title", "hours", "grade", "completed_at",
                     "issued_at", "expires_at", "issued_by_id", "revoked_at", "revoked_reason",
                     "superseded_at", "superseded_by_id", "supersede_reason", "pdf_sha256",
                     "pdf_size", "job_id"),
}
