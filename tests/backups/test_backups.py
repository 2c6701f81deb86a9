"""`flask backup create|verify|restore`: what a snapshot holds, the check that finds any change to
it, and a restore that goes only into an empty database and upload folder (the full drill under
load is tests/backups/test_backup_drill.py)."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from academy import storage
from academy.academies import operations as academy_ops
from academy.academies.models import Academy
from academy.backups import BackupError, databases
from academy.backups import manifest as manifest_module
from academy.backups.databases import find_tool
from academy.extensions import db
from tests.factories.databases import own_database
from tests.support import is_postgres, make_app, upgrade_schema

pytestmark = pytest.mark.no_transaction
PDF = b"%PDF-1.7 a certificate"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An app whose database holds an academy, and whose upload folder a PDF and a course file."""
    tmp = tmp_path_factory.mktemp("backups")
    with own_database(tmp) as url:
        app = make_app(url, tmp)
        upgrade_schema(app)
        with app.test_request_context():
            academy_ops.create_academy(slug="kept", names={"es": "Guardada"}, country="ES",
                                       default_locale="es")
            storage.store("certificates", PDF, ".pdf")
            storage.store("course-files", b"lesson notes")
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def snapshot(source, tmp_path) -> Path:
    folder = tmp_path / "snapshot"
    result = source.test_cli_runner().invoke(args=["backup", "create", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def empty_app(tmp_path):
    """An app on a new, empty database and upload folder, to restore into."""
    with own_database(tmp_path) as url:
        app = make_app(url, tmp_path / "restored")
        yield app
        with app.app_context():
            db.engine.dispose()


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=[*args])


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_a_snapshot_holds_the_database_and_every_uploaded_file_with_its_sum(source, snapshot):
    manifest = _manifest(snapshot)
    dialect = "postgresql" if is_postgres() else "sqlite"
    assert manifest["format_version"] == 1 and manifest["app_version"]
    assert manifest["created_at"] <= manifest["finished_at"]
    assert manifest["database"]["dialect"] == dialect
    with source.app_context():
        head = db.session.scalar(db.text("SELECT version_num FROM alembic_version"))
        db.session.remove()
    assert manifest["database"]["alembic_revision"] == head
    paths = {entry["path"]: entry for entry in manifest["files"]}
    pdf = next(entry for path, entry in paths.items() if path.startswith("uploads/certificates/"))
    assert pdf["size"] == len(PDF) and pdf["path"].endswith(f"{pdf['sha256']}.pdf")
    assert manifest["database"]["file"] in paths
    assert any(path.startswith("uploads/course-files/") for path in paths)
    verified = _run(source, "backup", "verify", str(snapshot))
    assert verified.exit_code == 0
    assert f"The snapshot in {snapshot} is whole: {len(paths)} files checked" in verified.output


def test_verify_names_each_changed_missing_or_unlisted_file_and_fails(source, snapshot):
    manifest = _manifest(snapshot)
    pdf = next(e["path"] for e in manifest["files"] if e["path"].startswith("uploads/cert"))
    notes = next(e["path"] for e in manifest["files"] if e["path"].startswith("uploads/course"))
    (snapshot / pdf).write_bytes(PDF.replace(b"a certificate", b"a forgery!!!!"))  # same size
    (snapshot / notes).unlink()
    (snapshot / "uploads" / "stray.txt").write_text("not from the backup")
    result = _run(source, "backup", "verify", str(snapshot))
    assert result.exit_code == 1
    assert f"{pdf}: its SHA-256 differs from the manifest's (changed or damaged)." in result.output
    assert f"{notes}: missing." in result.output
    assert "uploads/stray.txt: in the folder but not in the manifest." in result.output
    assert "is not whole: 3 problem(s)." in result.output


def test_verify_finds_a_changed_size_and_a_manifest_that_points_outside(source, snapshot):
    manifest = _manifest(snapshot)
    database = manifest["database"]["file"]
    with (snapshot / database).open("ab") as handle:
        handle.write(b"\0")
    manifest["files"].append({"path": "../../etc/passwd", "sha256": "0" * 64, "size": 1})
    (snapshot / "manifest.json").write_text(json.dumps(manifest))
    result = _run(source, "backup", "verify", str(snapshot))
    assert result.exit_code == 1
    assert f"{database}: " in result.output and "bytes where the manifest says" in result.output
    assert "../../etc/passwd: not a path inside the snapshot." in result.output


def test_a_snapshot_without_its_manifest_is_unfinished(source, snapshot):
    (snapshot / "manifest.json").unlink()
    result = _run(source, "backup", "verify", str(snapshot))
    assert result.exit_code == 1
    assert "manifest.json: missing; the snapshot is incomplete" in result.output


def test_a_snapshot_goes_only_into_a_new_or_empty_folder(source, snapshot):
    result = _run(source, "backup", "create", str(snapshot))
    assert result.exit_code == 1
    assert f"No snapshot was written. {snapshot}: not an empty folder" in result.output
    assert _run(source, "backup", "verify", str(snapshot)).exit_code == 0  # left as it was


def test_restore_puts_back_the_database_and_the_uploaded_files(snapshot, empty_app):
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "2 uploaded file(s)" in result.output
    with empty_app.app_context():
        assert db.session.scalars(select(Academy.slug)).all() == ["kept"]
        path = storage.stored_path("certificates", storage.store("certificates", PDF, ".pdf"),
                                   ".pdf")
        assert path.read_bytes() == PDF
        assert str(path).startswith(empty_app.config["UPLOAD_DIR"])
        db.session.remove()


def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(source, snapshot):
    result = _run(source, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert "The database already has" in result.output
    assert "a snapshot is restored only into an empty database" in result.output
    assert "Nothing was restored." in result.output


def test_restore_refuses_an_upload_folder_that_has_files_and_changes_nothing(snapshot, empty_app):
    kept = Path(empty_app.config["UPLOAD_DIR"]) / "logos" / "old.png"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"an old logo")
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert "the upload folder has files" in result.output
    with empty_app.app_context():
        assert db.inspect(db.engine).get_table_names() == []
    assert [p.name for p in Path(empty_app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()] == [
        "old.png"]


def test_restore_refuses_a_damaged_snapshot_and_says_why(snapshot, empty_app):
    pdf = next(e["path"] for e in _manifest(snapshot)["files"] if e["path"].endswith(".pdf"))
    (snapshot / pdf).write_bytes(b"%PDF-1.7 not the same")
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert "The snapshot did not pass its check; nothing was restored:" in result.output
    assert f"{pdf}: " in result.output
    with empty_app.app_context():
        assert db.inspect(db.engine).get_table_names() == []
    assert not any(p.is_file() for p in Path(empty_app.config["UPLOAD_DIR"]).rglob("*"))


def test_restore_refuses_a_snapshot_of_a_newer_schema(snapshot, empty_app):
    manifest = _manifest(snapshot)
    manifest["database"]["alembic_revision"] = "9999"
    (snapshot / "manifest.json").write_text(json.dumps(manifest))
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert "(revision 9999) was made by a newer Campus than this one" in result.output


def test_a_failed_database_restore_takes_back_the_files_it_copied(snapshot, empty_app,
                                                                monkeypatch):
    def fail(_engine, _copy):
        raise BackupError("pg_restore failed (exit status 1): out of disk space")

    monkeypatch.setattr(databases, "restore", fail)
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1 and "out of disk space" in result.output
    assert not any(p.is_file() for p in Path(empty_app.config["UPLOAD_DIR"]).rglob("*"))


def _plant(snapshot: Path, name: str, content: bytes = b"planted") -> dict:
    """A file put into the snapshot folder, and its manifest entry."""
    path = snapshot / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _list(snapshot: Path, *entries: dict, **fields) -> None:
    manifest = _manifest(snapshot)
    manifest["files"] += list(entries)
    (snapshot / "manifest.json").write_text(json.dumps({**manifest, **fields}))


def _nothing_restored(app, *outside: Path) -> None:
    with app.app_context():
        assert db.inspect(db.engine).get_table_names() == []
    assert not any(p.is_file() for p in Path(app.config["UPLOAD_DIR"]).rglob("*"))
    assert [path for path in outside if path.exists()] == []


def _crafted(kind: str, snapshot: Path, upload_dir: Path, tmp_path: Path):
    """A manifest entry that names a file outside the upload folder; where it would land."""
    if kind == "double slash":  # listed twice: the file is there under both spellings
        outside = tmp_path / "outside" / "planted.txt"
        kept = _plant(snapshot, f"uploads{outside}")
        return [kept, {**kept, "path": f"uploads/{outside}"}], f"uploads/{outside}", outside
    if kind == "dot dot":
        kept = _plant(snapshot, "planted.txt")
        crafted = f"uploads/../{kept['path']}"
        return [kept, {**kept, "path": crafted}], crafted, upload_dir.parent / kept["path"]
    outside = tmp_path / "outside" / "planted.txt"
    kept = _plant(snapshot, "planted.txt")
    return [kept, {**kept, "path": str(outside)}], str(outside), outside


@pytest.mark.parametrize("kind", ["double slash", "dot dot", "absolute"])
def test_a_manifest_that_names_a_file_outside_the_upload_folder_is_refused(
        source, snapshot, empty_app, tmp_path, kind):
    upload_dir = Path(empty_app.config["UPLOAD_DIR"])
    entries, crafted, outside = _crafted(kind, snapshot, upload_dir, tmp_path)
    _list(snapshot, *entries)
    verified = _run(source, "backup", "verify", str(snapshot))
    assert verified.exit_code == 1
    assert f"{crafted}: not a path inside the snapshot." in verified.output
    assert "is not whole: 1 problem(s)." in verified.output
    restored = _run(empty_app, "backup", "restore", str(snapshot))
    assert restored.exit_code == 1
    assert "The snapshot did not pass its check; nothing was restored:" in restored.output
    assert f"{crafted}: not a path inside the snapshot." in restored.output
    _nothing_restored(empty_app, outside)


def test_restore_checks_every_target_itself_before_copying_anything(snapshot, empty_app, tmp_path,
                                                                   monkeypatch):
    """Were a crafted path to pass the snapshot's check, restore still refuses it, whole."""
    outside = tmp_path / "outside" / "planted.txt"
    kept = _plant(snapshot, f"uploads{outside}")
    _list(snapshot, kept, {**kept, "path": f"uploads/{outside}"})
    monkeypatch.setattr(manifest_module, "is_inside", lambda path: ".." not in path)
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert (f"uploads/{outside}: it would be written outside {empty_app.config['UPLOAD_DIR']}; "
            f"nothing was restored.") in result.output
    _nothing_restored(empty_app, outside)


def test_restore_does_not_follow_a_link_in_the_upload_folder(snapshot, empty_app, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    upload_dir = Path(empty_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True)
    (upload_dir / "certificates").symlink_to(outside, target_is_directory=True)
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert f"would be written outside {upload_dir}; nothing was restored." in result.output
    assert list(outside.iterdir()) == []
    _nothing_restored(empty_app)


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_snapshot_that_holds_a_link_is_refused(source, snapshot, empty_app, tmp_path, linked):
    notes = next(e["path"] for e in _manifest(snapshot)["files"]
                 if e["path"].startswith("uploads/course-files/"))
    link = snapshot / (notes if linked == "file" else "uploads/course-files")
    moved = tmp_path / "elsewhere"
    shutil.move(link, moved)
    link.symlink_to(moved, target_is_directory=linked == "folder")
    name = link.relative_to(snapshot).as_posix()
    for app in (source, empty_app):
        result = _run(app, "backup", "verify", str(snapshot))
        assert result.exit_code == 1
        assert f"{name}: a link, where the snapshot holds only files." in result.output
        assert f"{notes}: reached through a link, where the snapshot holds only" in result.output
    restored = _run(empty_app, "backup", "restore", str(snapshot))
    assert restored.exit_code == 1
    assert "The snapshot did not pass its check; nothing was restored:" in restored.output
    _nothing_restored(empty_app)


def test_restore_takes_the_uploads_from_their_own_folder_not_the_manifests_say(snapshot,
                                                                              empty_app):
    _list(snapshot, uploads="uploads/")
    result = _run(empty_app, "backup", "restore", str(snapshot))
    assert result.exit_code == 1
    assert ("The snapshot keeps its uploaded files in 'uploads/'; this Campus reads them from "
            "'uploads'. Nothing was restored.") in result.output
    _nothing_restored(empty_app)


def test_a_failed_snapshot_leaves_no_folder_behind(source, tmp_path, monkeypatch):
    def fail(_engine, _folder):
        raise BackupError("pg_dump failed (exit status 1): connection refused")

    monkeypatch.setattr(databases, "snapshot", fail)
    result = _run(source, "backup", "create", str(tmp_path / "snapshot"))
    assert result.exit_code == 1
    assert "No snapshot was written. pg_dump failed (exit status 1)" in result.output
    assert not (tmp_path / "snapshot").exists()


@pytest.mark.skipif(is_postgres(), reason="the WAL is SQLite's")
def test_an_sqlite_snapshot_holds_the_writes_still_in_the_wal(tmp_path):
    """Copying the file while the server runs missed what was still in the WAL (issue 16)."""
    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path)
    upgrade_schema(app)
    with app.app_context():
        db.engine.dispose()  # the last connection out writes the WAL into the file
    writer = sqlite3.connect(tmp_path / "live.sqlite3")
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as a busy server's WAL between checkpoints
    writer.execute("INSERT INTO academies (slug, country, default_locale, names, is_active, "
                   "created_at) VALUES ('late', 'ES', 'es', '{}', 1, '2026-01-01')")
    writer.commit()
    shutil.copy(tmp_path / "live.sqlite3", tmp_path / "copied.sqlite3")
    copied = sqlite3.connect(tmp_path / "copied.sqlite3")
    assert copied.execute("SELECT count(*) FROM academies").fetchone() == (0,)  # the WAL was missed
    copied.close()
    assert _run(app, "backup", "create", str(tmp_path / "snapshot")).exit_code == 0
    writer.close()
    kept = sqlite3.connect(tmp_path / "snapshot" / "database.sqlite3")
    assert kept.execute("SELECT slug FROM academies").fetchall() == [("late",)]
    kept.close()
    with app.app_context():
        db.engine.dispose()


def _fake_tool(folder: Path, name: str, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_a_missing_pg_dump_names_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BackupError) as missing:
        find_tool("pg_dump", 15, root=tmp_path)
    assert "pg_dump of PostgreSQL 15 (or newer) was not found" in str(missing.value)
    assert "postgresql-client-15" in str(missing.value)


def test_an_older_pg_dump_is_refused_and_the_servers_own_is_preferred(tmp_path, monkeypatch):
    _fake_tool(tmp_path / "path", "pg_dump", "14.9")
    monkeypatch.setenv("PATH", str(tmp_path / "path"))
    with pytest.raises(BackupError) as older:
        find_tool("pg_dump", 15, root=tmp_path)
    assert "pg_dump (PostgreSQL) 14.9" in str(older.value)
    _fake_tool(tmp_path / "15" / "bin", "pg_dump", "15.20")
    path, version = find_tool("pg_dump", 15, root=tmp_path)
    assert path == str(tmp_path / "15" / "bin" / "pg_dump") and version.endswith("15.20")
