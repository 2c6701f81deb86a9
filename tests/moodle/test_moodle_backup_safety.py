"""Hostile Moodle backups are refused with a clear message, on the command line and the upload
page: bombs (size, count, compression ratio), paths out of the archive, links and devices, and
XML entity attacks."""
from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from academy.moodle import archive
from academy.packages.archive import ArchiveError
from tests.factories.moodle_backups import MP4, pack
from tests.factories.moodle_sample import courses_of, sample_backup
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


def _cli_import(runner, tmp_path, data: bytes, academy):
    path = tmp_path / "backup.mbz"
    path.write_bytes(data)
    return runner.invoke(args=["moodle", "import", str(path), "--academy", academy.slug])


def _upload(client, data: bytes, academy_id):
    return client.post("/authoring/moodle-import", data={
        "csrf_token": csrf_token(client, "/authoring/moodle-import"), "academy": str(academy_id),
        "backup": (io.BytesIO(data), "course.mbz")}, content_type="multipart/form-data", headers=EN)


def _tar(*members: tuple[tarfile.TarInfo, bytes | None]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def _member(name: str, kind=tarfile.REGTYPE, data: bytes = b"", link: str = "") -> tuple:
    info = tarfile.TarInfo(name)
    info.type, info.size, info.linkname = kind, len(data) if kind == tarfile.REGTYPE else 0, link
    return info, data if kind == tarfile.REGTYPE else None


def _zip(entries: dict[str, bytes], attrs: dict[str, int] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (attrs or {}).get(name, 0o100644) << 16
            zipped.writestr(info, data)
    return out.getvalue()


ZEROS = b"\0" * (24 * 1024 * 1024)
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       b"<moodle_backup><information><original_course_fullname>&x;</original_course_fullname>"
       b"</information></moodle_backup>")
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                     for i in range(8))
          + b']>\n<question_categories>&i;</question_categories>')
HOSTILE = {
    "tar bomb": (lambda: _tar(_member("files/00/big", data=ZEROS)), "zip bomb"),
    "zip bomb": (lambda: _zip({"files/00/big": ZEROS}), "zip bomb"),
    "tar path out": (lambda: _tar(_member("../escape.xml", data=b"x")), "leaves the backup"),
    "tar absolute path": (lambda: _tar(_member("/etc/cron.d/x", data=b"x")), "leaves the backup"),
    "zip path out": (lambda: _zip({"a/../../escape.xml": b"x"}), "leaves the backup"),
    "tar symlink": (lambda: _tar(_member("files", tarfile.SYMTYPE, link="/etc")), "Links"),
    "tar hard link": (lambda: _tar(_member("x", tarfile.LNKTYPE, link="/etc/passwd")), "Links"),
    "tar device": (lambda: _tar(_member("dev", tarfile.CHRTYPE)), "Links"),
    "zip symlink": (lambda: _zip({"files": b"/etc"}, {"files": 0o120777}), "Links"),
    "not a backup": (lambda: b"hello", "not a Moodle backup"),
    "cut short": (lambda: sample_backup().build()[:300], "damaged"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_archives_are_refused(runner, tmp_path, academy, case):
    make, expected = HOSTILE[case]
    with pytest.raises(ArchiveError) as raised:
        archive.read_backup(make())
    assert expected in str(raised.value)
    result = _cli_import(runner, tmp_path, make(), academy)
    assert result.exit_code == 1 and expected in result.output and courses_of(academy) == []


def test_too_many_entries_are_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_ENTRIES", 5)
    with pytest.raises(ArchiveError, match="more than 5 files"):
        archive.read_backup(pack({f"f{n}": b"x" for n in range(6)}))


@pytest.mark.parametrize("where", ["moodle_backup.xml", "questions.xml"])
@pytest.mark.parametrize("attack", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_entity_attacks_are_refused(runner, tmp_path, academy, where, attack):
    parts = sample_backup().parts()
    parts[where] = attack
    result = _cli_import(runner, tmp_path, pack(parts), academy)
    assert result.exit_code == 1
    assert f"{where}:2: The file declares a DOCTYPE" in result.output
    assert "root:" not in result.output and courses_of(academy) == []


def test_the_upload_page_refuses_a_hostile_archive_next_to_the_field(client, login_as, instructor,
                                                                    academy):
    login_as(instructor)
    response = _upload(client, _tar(_member("../x", data=b"x")), academy.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The path leaves the backup&#39;s folder" in page or "leaves the backup" in page
    response = _upload(client, MP4, academy.id)
    assert response.status_code == 422 and "This is not a Moodle backup" in \
        response.get_data(as_text=True)
