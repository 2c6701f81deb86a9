"""Damaged zips (a bad CRC, a size in the index that lies, a file cut short) are refused with a
clear message next to the field, never a 500; the command line says so without a traceback
(issue 16, security fix 3)."""
from __future__ import annotations

import html
import io
import re
import struct
import zipfile

import pytest
from sqlalchemy import select

from academy.curricula.models import Course
from academy.extensions import db
from academy.packages.archive import ArchiveError, read_zip, write_zip
from tests.factories.packages import sample_package
from tests.support import csrf_token

EN = {"Accept-Language": "en"}
DAMAGED_PACKAGE = "The zip file is damaged or incomplete"
DAMAGED_FILE = "The file is damaged and cannot be opened: save it again and upload the new copy."


# --- Damage, made with zipfile and a few patched bytes -----------------------------------------

def _entries(data: bytes, name: str):
    """Offsets of `name`'s local header and of its central directory record."""
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    return local, central


def bad_crc(data: bytes, name: str) -> bytes:
    """The entry's bytes no longer match the CRC the archive gives them."""
    local, central = _entries(data, name)
    patched = bytearray(data)
    crc = struct.unpack("<I", data[local + 14:local + 18])[0] ^ 0xFFFFFFFF
    patched[local + 14:local + 18] = patched[central + 16:central + 20] = struct.pack("<I", crc)
    return bytes(patched)


def lying_size(data: bytes, name: str, factor: float) -> bytes:
    """The archive's index gives the entry another unpacked size than it has."""
    local, central = _entries(data, name)
    patched = bytearray(data)
    size = struct.unpack("<I", data[central + 24:central + 28])[0]
    patched[local + 22:local + 26] = patched[central + 24:central + 28] = struct.pack(
        "<I", max(1, int(size * factor)))
    return bytes(patched)


def truncated(data: bytes) -> bytes:
    """A download cut short: the end of the archive (its index) is missing."""
    return data[:len(data) * 2 // 3]


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


PACKAGE = write_zip(sample_package(), "searches-with-dignity")
LESSON = "searches-with-dignity/01-principles/01-why.es.md"
DOCUMENT = zipped({"[Content_Types].xml": b"<Types/>" * 20,
                   "word/document.xml": (b"<w:document>" + b"<w:p>Texto</w:p>" * 400
                                         + b"</w:document>")})
DAMAGES = {
    "bad CRC": lambda data, name: bad_crc(data, name),
    "size larger than it is": lambda data, name: lying_size(data, name, 2),
    "size smaller than it is": lambda data, name: lying_size(data, name, 0.5),
    "cut short": lambda data, name: truncated(data),
}


def _field_error(response, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>',
                      response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else ""


# --- Course packages ----------------------------------------------------------------------------

@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_package_is_refused_next_to_the_field(client, instructor, login_as, damage):
    login_as(instructor)
    response = client.post("/authoring/import", data={
        "csrf_token": csrf_token(client, "/authoring/import"),
        "package": (io.BytesIO(DAMAGES[damage](PACKAGE, LESSON)), "course.zip")},
        content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422
    error = _field_error(response, "package")
    assert DAMAGED_PACKAGE in error or "does not match the archive's index" in error, error
    assert 'name="package"' in response.get_data(as_text=True)  # the form, shown again
    assert db.session.scalar(select(Course).where(Course.slug == "searches-with-dignity")) is None


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_reading_a_damaged_package_raises_an_archive_error(damage):
    with pytest.raises(ArchiveError) as refused:
        read_zip(DAMAGES[damage](PACKAGE, LESSON))
    assert refused.value.path in ("", "searches-with-dignity/01-principles/01-why.es.md")


def test_a_damaged_document_inside_a_package_is_a_problem_of_that_file(client, instructor,
                                                                        login_as):
    login_as(instructor)
    files = {**sample_package(), "files/guide.docx": bad_crc(DOCUMENT, "word/document.xml")}
    response = client.post("/authoring/import", data={
        "csrf_token": csrf_token(client, "/authoring/import"),
        "package": (io.BytesIO(write_zip(files, "pkg")), "course.zip")},
        content_type="multipart/form-data", headers=EN)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "<code>files/guide.docx</code> " + DAMAGED_FILE in page


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_the_command_line_says_a_package_is_damaged_without_a_traceback(app, tmp_path, damage):
    path = tmp_path / "course.zip"
    path.write_bytes(DAMAGES[damage](PACKAGE, LESSON))
    result = app.test_cli_runner().invoke(args=["courses", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert result.output.startswith(f"Error: {path}: ")
    assert DAMAGED_PACKAGE in result.output or "does not match the archive's index" in result.output


# --- Course files -------------------------------------------------------------------------------

def _upload(client, course_id: int, name: str, data: bytes):
    page = f"/authoring/courses/{course_id}"
    return client.post(f"{page}/files", data={"csrf_token": csrf_token(client, page),
                                              "upload": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=EN)


@pytest.fixture
def draft(academy):
    from academy.packages import operations as package_ops

    course = package_ops.import_package(sample_package(), academy=academy)
    db.session.commit()
    return course


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_office_document_is_refused_next_to_the_upload_field(
        client, instructor, login_as, draft, damage):
    login_as(instructor)
    response = _upload(client, draft.id, "guide.docx",
                       DAMAGES[damage](DOCUMENT, "word/document.xml"))
    assert response.status_code == 422
    assert _field_error(response, "upload") == DAMAGED_FILE
    db.session.expire_all()
    assert [f.name for f in db.session.get(Course, draft.id).files] == []


def test_an_intact_office_document_is_added(client, instructor, login_as, draft):
    login_as(instructor)
    response = _upload(client, draft.id, "guide.docx", DOCUMENT)
    assert response.status_code == 302
    db.session.expire_all()
    assert [f.name for f in db.session.get(Course, draft.id).files] == ["guide.docx"]


def test_an_odt_whose_mimetype_entry_is_damaged_is_refused(client, instructor, login_as, draft):
    """The entry read to tell the document's type was the one that answered 500."""
    login_as(instructor)
    odt = zipped({"mimetype": b"application/vnd.oasis.opendocument.text",
                  "content.xml": b"<office:document-content/>"})
    for damaged in (bad_crc(odt, "mimetype"), lying_size(odt, "mimetype", 3)):
        response = _upload(client, draft.id, "notes.odt", damaged)
        assert response.status_code == 422 and _field_error(response, "upload") == DAMAGED_FILE


@pytest.fixture
def instructor(create_user, academy):
    return create_user(academy=academy, roles=["instructor"], username="ana.instructora")
