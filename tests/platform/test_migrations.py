"""The schema comes only from Alembic revisions, and they agree with the models."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from academy.db import render_item
from academy.extensions import db
from tests.support import drop_fresh_database, fresh_database_url, make_app


@contextmanager
def _migrated(tmp_path, revision: str = "head"):
    """A database of its own migrated to `revision`, in its app's context; yields `run(sql,
    **values)`, which executes SQL in the session. The database is dropped afterwards."""
    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision=revision)
            yield lambda sql, **values: db.session.execute(db.text(sql), values)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_fresh_database(url)


# SQLite's reflection cannot read an index on an expression: the one that allows a single open
# maintenance window is compared on PostgreSQL.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index "
                            "uq_maintenance_windows_open")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based "
                            "index 'uq_maintenance_windows_open'")
def test_migrations_and_models_agree(app, _transaction):
    with app.app_context():
        context = MigrationContext.configure(
            connection=_transaction,
            opts={"compare_type": True, "render_item": render_item, "target_metadata": db.metadata},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"write a migration for: {differences}"


def test_every_revision_downgrades_and_upgrades_again(tmp_path):
    with _migrated(tmp_path):
        downgrade(revision="base")
        upgrade()
        assert db.session.execute(db.text("SELECT count(*) FROM users")).scalar() == 0


@pytest.mark.no_transaction
def test_quizzes_keep_their_questions_and_random_draws_as_slots(tmp_path):
    """Revision 0011: each quiz's questions (in order) and its random draws become its slots,
    paged by its questions per page; a question in no quiz stays in the bank only; frozen
    versions keep their question."""
    with _migrated(tmp_path, "0010") as run:
        run("INSERT INTO academies (id, slug, country, default_locale, names, is_active, "
            "created_at) "
            "VALUES (1, 'a', 'ES', 'es', '{}', true, '2026-01-01')")
        run("INSERT INTO courses (id, academy_id, slug, default_locale, locales, status, "
            "visibility, version, hours, created_at, updated_at) VALUES "
            "(1, 1, 'c', 'es', '[\"es\"]', 'draft', 'academy', 1, 0, '2026-01-01', "
            "'2026-01-01')")
        run("INSERT INTO modules (id, course_id, slug, position) VALUES (1, 1, 'm', 1)")
        run("INSERT INTO course_tags (course_id, tag) VALUES (1, 'human-rights')")
        run("INSERT INTO lessons (id, module_id, slug, position, kind, minutes, settings) "
            "VALUES (1, 1, 'q', 1, 'quiz', 0, :settings)",
            settings='{"questions_per_page": 2, "draw_category": "extra", "draw_count": 2,'
                     ' "pass_mark": 60}')
        for qid, lesson, position, category in ((1, 1, 2, ""), (2, 1, 1, ""),
                                                (3, None, 1, "extra")):
            run("INSERT INTO questions (id, course_id, lesson_id, ident, category, position, "
                "qtype, spec, version) VALUES (:id, 1, :lesson, :ident, :category, :position, "
                "'essay', '{}', 1)", id=qid, lesson=lesson, ident=f"q{qid}",
                category=category, position=position)
        run("INSERT INTO question_versions (id, question_id, course_id, version, ident, qtype, "
            "spec, texts, created_at) VALUES (1, 1, 1, 1, 'q1', 'essay', '{}', '{}', "
            "'2026-01-01')")
        db.session.commit()
        upgrade()
        # Copying `questions` to drop its column must not unlink what points at it.
        assert run("SELECT question_id FROM question_versions").scalar() == 1
        rows = run("SELECT position, page, question_id, category, mark FROM quiz_slots "
                   "WHERE lesson_id = 1 ORDER BY position").all()
        assert [tuple(row) for row in rows] == [(1, 1, 2, None, 1.0), (2, 1, 1, None, 1.0),
                                                 (3, 2, None, "extra", 1.0),
                                                 (4, 2, None, "extra", 1.0)]
        settings = run("SELECT settings FROM lessons WHERE id = 1").scalar()
        settings = settings if isinstance(settings, dict) else json.loads(settings)
        assert settings == {"questions_per_page": 2, "pass_mark": 60}
        # Revision 0013: the slugs in use wait in the vocabulary as suggestions.
        assert [tuple(row) for row in run("SELECT slug, is_approved FROM topics")] == [
            ("human-rights", False)]


@pytest.mark.no_transaction
def test_certificates_issued_before_get_distinct_places_in_their_academys_status_list(tmp_path):
    """Revision 0021: every existing certificate gets a random place in its academy's list,
    distinct within the academy, so revoking it later is published like the others."""
    with _migrated(tmp_path, "0020") as run:
        for academy in (1, 2):
            run("INSERT INTO academies (id, slug, country, default_locale, names, is_active, "
                "created_at) VALUES (:id, :slug, 'ES', 'es', '{}', true, '2026-01-01')",
                id=academy, slug=f"a{academy}")
            run("INSERT INTO courses (id, academy_id, slug, default_locale, locales, status, "
                "visibility, version, hours, created_at, updated_at) VALUES (:id, :id, 'c', "
                "'es', '[\"es\"]', 'published', 'academy', 1, 0, '2026-01-01', '2026-01-01')",
                id=academy)
        run("INSERT INTO users (id, username, display_name, sort_name, password_hash, "
            "must_change_password, is_active, created_at) VALUES (1, 'u', 'U', 'u', 'x', "
            "false, true, '2026-01-01')")
        for number in range(1, 41):
            run("INSERT INTO certificates (id, serial, code, user_id, course_id, academy_id, "
                "locale, name, course_title, hours, completed_at, issued_at, superseded_at) "
                "VALUES (:id, :serial, :code, 1, :academy, :academy, 'es', 'U', 'C', 0, "
                "'2026-01-01', '2026-01-02', '2026-01-03')", id=number,
                serial=f"2026-{number:06d}", code=f"C{number}",
                academy=1 + number % 2)
        db.session.commit()
        upgrade()
        rows = run("SELECT academy_id, status_index FROM certificates").all()
        for academy in (1, 2):
            places = [place for owner, place in rows if owner == academy]
            assert len(places) == len(set(places)) == 20
            assert all(0 <= place < 131072 for place in places)


def _rows_pointing_at(copied: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Every row of the tables that point at the `copied` tables, and the keys of the copied
    tables themselves, by `table(columns)`."""
    inspector = db.inspect(db.session.connection())
    links = {}
    for table in inspector.get_table_names():
        columns = [column for key in inspector.get_foreign_keys(table)
                   if key["referred_table"] in copied for column in key["constrained_columns"]]
        if table in copied:
            columns += inspector.get_pk_constraint(table)["constrained_columns"]
        if columns:
            names = ", ".join(sorted(set(columns)))
            rows = db.session.execute(db.text(f"SELECT {names} FROM {table}")).all()
            links[f"{table}({names})"] = sorted((tuple(row) for row in rows), key=repr)
    return links


@pytest.mark.no_transaction
def test_downgrades_that_copy_tables_keep_the_rows_that_point_at_them(tmp_path):
    """Revisions 0016, 0017, 0021 and 0022: their downgrades copy `users`, `academies`, `jobs`
    and `certificates` on SQLite; dropping the old table must not delete, unlink or refuse for
    the rows that point at it."""
    with _migrated(tmp_path, "0022") as run:
        run("INSERT INTO academies (id, slug, country, default_locale, names, is_active, "
            "created_at) VALUES (1, 'a', 'ES', 'es', '{}', true, '2026-01-01')")
        for user, academy in ((1, 1), (2, None)):
            run("INSERT INTO users (id, academy_id, username, display_name, sort_name, "
                "password_hash, must_change_password, is_active, created_at) VALUES (:id, "
                ":academy, :name, 'U', 'u', 'x', false, true, '2026-01-01')",
                id=user, academy=academy, name=f"u{user}")
        run("INSERT INTO memberships (id, user_id, academy_id, role, created_at) "
            "VALUES (1, 1, 1, 'trainee', '2026-01-01')")
        run("INSERT INTO user_sessions (id, user_id, token_hash, created_at, expires_at) "
            "VALUES (1, 1, 'h', '2026-01-01', '2026-01-02')")
        run("INSERT INTO network_roles (user_id, role, granted_at) "
            "VALUES (2, 'coordinator', '2026-01-01')")
        run("INSERT INTO cohorts (id, academy_id, name, created_at) "
            "VALUES (1, 1, 'c', '2026-01-01')")
        run("INSERT INTO cohort_members (cohort_id, user_id) VALUES (1, 1)")
        run("INSERT INTO courses (id, academy_id, slug, default_locale, locales, status, "
            "visibility, version, hours, created_at, updated_at) VALUES (1, 1, 'c', 'es', "
            "'[\"es\"]', 'published', 'academy', 1, 0, '2026-01-01', '2026-01-01')")
        run("INSERT INTO enrolment_rules (course_id, policy, allow_withdrawal, "
            "completion_mode) VALUES (1, 'academies', true, 'lessons')")
        run("INSERT INTO enrolment_allowed_academies (course_id, academy_id) VALUES (1, 1)")
        run("INSERT INTO enrolments (id, course_id, user_id, status, requested_at) "
            "VALUES (1, 1, 1, 'active', '2026-01-01')")
        run("INSERT INTO topics (slug, names, is_approved, suggested_by_id, created_at) "
            "VALUES ('t', '{}', false, 2, '2026-01-01')")
        run("INSERT INTO audit_events (id, at, actor_id, academy_id, action, target_type, "
            "details) VALUES (1, '2026-01-01', 2, 1, 'a', 't', '{}')")
        run("INSERT INTO jobs (id, kind, owner_id, status, total, done, payload, result, "
            "created_at) VALUES ('j1', 'k', 2, 'done', 1, 1, '{}', '{}', '2026-01-01')")
        for number, superseded_by, superseded_at in ((2, None, None), (1, 2, "2026-01-03")):
            run("INSERT INTO certificates (id, serial, code, user_id, course_id, academy_id, "
                "locale, name, course_title, hours, completed_at, issued_at, issued_by_id, "
                "job_id, superseded_by_id, superseded_at) VALUES (:id, :serial, :code, 1, 1, "
                "1, 'es', 'U', 'C', 0, '2026-01-01', '2026-01-02', 2, 'j1', :superseded_by, "
                ":superseded_at)", id=number, serial=f"2026-{number:06d}", code=f"C{number}",
                superseded_by=superseded_by, superseded_at=superseded_at)
        db.session.commit()
        upgrade()
        copied = ("users", "academies", "jobs", "certificates")
        at_head = _rows_pointing_at(copied)
        db.session.remove()
        downgrade(revision="0015")
        before_0016 = _rows_pointing_at(copied)
        assert before_0016 == {table: at_head[table] for table in before_0016}
        assert {"memberships(academy_id, user_id)", "cohorts(academy_id)",
                "cohort_members(user_id)", "enrolments(user_id)", "user_sessions(user_id)",
                "network_roles(user_id)", "enrolment_allowed_academies(academy_id)",
                "topics(suggested_by_id)", "audit_events(academy_id, actor_id)",
                "jobs(id, owner_id)", "users(academy_id, id)", "academies(id)",
                "certificates(academy_id, id, issued_by_id, job_id, superseded_by_id, user_id)"
                } <= before_0016.keys()
        rows = run("SELECT id, superseded_by_id, job_id, issued_by_id, user_id, academy_id "
                   "FROM certificates ORDER BY id").all()
        assert [tuple(row) for row in rows] == [(1, 2, "j1", 2, 1, 1), (2, None, "j1", 2, 1, 1)]
        db.session.remove()
        upgrade()
        again = _rows_pointing_at(copied)
        assert {table: again[table] for table in before_0016} == before_0016


@pytest.mark.no_transaction
def test_downgrades_that_copy_course_content_keep_the_rows_that_point_at_it(tmp_path):
    """Revisions 0012 and 0006: their downgrades copy `lessons`, `modules` and `questions` on
    SQLite; dropping the old table must not delete the texts, progress and links that point
    at them."""
    with _migrated(tmp_path, "0022") as run:
        run("INSERT INTO academies (id, slug, country, default_locale, names, is_active, "
            "created_at) VALUES (1, 'a', 'ES', 'es', '{}', true, '2026-01-01')")
        run("INSERT INTO users (id, username, display_name, sort_name, password_hash, "
            "must_change_password, is_active, created_at) VALUES (1, 'u', 'U', 'u', 'x', "
            "false, true, '2026-01-01')")
        run("INSERT INTO courses (id, academy_id, slug, default_locale, locales, status, "
            "visibility, version, hours, created_at, updated_at) VALUES (1, 1, 'c', 'es', "
            "'[\"es\"]', 'published', 'academy', 1, 0, '2026-01-01', '2026-01-01')")
        run("INSERT INTO modules (id, course_id, slug, position) VALUES (1, 1, 'm', 1)")
        run("INSERT INTO module_texts (module_id, locale, title) VALUES (1, 'es', 'M')")
        run("INSERT INTO lessons (id, module_id, slug, position, kind, minutes, settings) "
            "VALUES (1, 1, 'l', 1, 'page', 0, '{}')")
        run("INSERT INTO lesson_texts (lesson_id, locale, title, body) "
            "VALUES (1, 'es', 'L', '')")
        run("INSERT INTO enrolments (id, course_id, user_id, status, requested_at, "
            "last_lesson_id) VALUES (1, 1, 1, 'active', '2026-01-01', 1)")
        run("INSERT INTO lesson_progress (id, user_id, lesson_id, completed_at) "
            "VALUES (1, 1, 1, '2026-01-02')")
        run("INSERT INTO questions (id, course_id, ident, category, position, qtype, spec) "
            "VALUES (1, 1, 'q1', '', 1, 'essay', '{}')")
        run("INSERT INTO question_texts (question_id, locale, content) "
            "VALUES (1, 'es', '{}')")
        db.session.commit()
        upgrade()
        copied = ("modules", "lessons", "questions")
        at_head = _rows_pointing_at(copied)
        db.session.remove()
        downgrade(revision="0005")
        before_0006 = _rows_pointing_at(copied)
        # Below 0011 `questions` points at `lessons` again (`questions(id, lesson_id)`): the
        # tables that have the same pointing columns at both revisions are compared.
        shared = before_0006.keys() & at_head.keys()
        assert {key: before_0006[key] for key in shared} == {
            key: at_head[key] for key in shared}
        assert {"modules(id)", "module_texts(module_id)", "lessons(id, module_id)",
                "lesson_texts(lesson_id)", "lesson_progress(lesson_id)",
                "enrolments(last_lesson_id)", "question_texts(question_id)"} <= shared
        db.session.remove()
        upgrade()
        again = _rows_pointing_at(copied)
        assert {key: again[key] for key in shared} == {key: before_0006[key] for key in shared}
