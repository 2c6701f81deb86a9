"""Importing people from CSV: a preview that names every bad row, then all or nothing."""
from __future__ import annotations

import base64
import io
import re

import pytest
from sqlalchemy import func, select

from academy.accounts.models import User
from academy.extensions import db
from academy.people import operations
from academy.people.importing import read_people_csv
from tests.factories.people import GOOD_CSV, csv_multipart
from tests.support import csrf_token

EN = {"Accept-Language": "en"}
def _count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_valid_file_is_previewed_then_imported_with_slips(client, academy, academy_admin, login_as):
    login_as(academy_admin)
    path = f"/academies/{academy.id}/people/import"
    preview = client.post(path, data={"csrf_token": csrf_token(client, path),
                                      "csv_file": (io.BytesIO(GOOD_CSV.encode()), "people.csv")},
                          content_type="multipart/form-data", headers=EN)
    page = preview.get_data(as_text=True)
    assert "The file is correct: 3 people will be created." in page
    assert db.session.scalar(select(User).where(User.username == "ana.perez")) is None  # dry run
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', page).group(1)
    applied = client.post(f"{path}/apply", data={"csrf_token": csrf_token(client, path),
                                                 "payload": payload}, headers=EN)
    slips = applied.get_data(as_text=True)
    assert slips.count('class="slip"') == 3
    assert 'lang="fr"' in slips and 'lang="pt-PT"' in slips
    ana = db.session.scalar(select(User).where(User.username == "ana.perez"))
    assert ana.display_name == "Ana Pérez Núñez" and ana.must_change_password
    assert ana.academy_id == academy.id and ana.roles_in(academy.id) == {"trainee"}


def test_every_bad_row_is_listed_with_its_line_and_reason(app_ctx, academy, trainee):
    data = ("username;display_name;email;role;locale\n"
            "maria.lopez;Ya Existe;;trainee;es\n"          # line 2: taken username
            "nuevo.uno;Nuevo Uno;no-es-correo;trainee;es\n"  # line 3: bad e-mail
            "nuevo.dos;Nuevo Dos;;director;es\n"            # line 4: unknown role
            "nuevo.tres;;;trainee;xx\n"                     # line 5: no name, unknown locale
            "nuevo.uno;Otra Vez;;trainee;es\n"              # line 6: repeats line 3
            "Mal Nombre!;Nombre Malo;;;\n")                 # line 7: bad username
    preview = read_people_csv(data.encode(), academy)
    problems = {row.line: [str(p) for p in row.problems] for row in preview.bad_rows}
    assert set(problems) == {2, 3, 4, 5, 6, 7}
    assert problems[2] == ["This username is already taken."]
    assert problems[3] == ["This is not a valid e-mail address."]
    assert "Unknown role “director”" in problems[4][0]
    assert "A name is required." in problems[5] and \
        any("es, es_419, pt_BR, pt_PT, fr, it, en" in p for p in problems[5])
    assert problems[6] == ["The same username is already on line 3."]
    assert problems[7][0].startswith("Use 3 to 64 characters")
    assert not preview.is_valid


@pytest.mark.parametrize("data, message", [
    (b"apodo,username,display_name\nx,y,z\n", "Line 1: unknown columns: apodo."),
    (b"display_name\nAna\n", "Line 1: missing columns: username."),
    ("username,display_name\nana.perez,Ana P\xe9rez\n".encode("latin-1"),
     "Line 2: the file is not in UTF-8."),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a text file."),
    (b"", "The file is empty."),
    (b"username,display_name\n", "The file has a header but no people."),
])
def test_file_level_problems_are_explained(app_ctx, academy, data, message):
    preview = read_people_csv(data, academy)
    assert any(str(p).startswith(message) for p in preview.file_problems), preview.file_problems


def test_a_utf8_file_with_bom_from_a_spreadsheet_is_read(app_ctx, academy):
    data = "\ufeffUsername;Display Name\r\nana.perez;Ana Pérez\r\n".encode("utf-8")
    preview = read_people_csv(data, academy)
    assert preview.is_valid and preview.rows[0].display_name == "Ana Pérez"


@pytest.mark.parametrize("header, role", [
    ("usuario;nombre;correo;rol;idioma;número de personal", "Alumno"),
    ("nome de utilizador;nome;e-mail;papel;língua;matrícula", "Formando"),
    ("identifiant;nom;courriel;rôle;langue;matricule", "Stagiaire"),
    ("nome utente;nome e cognome;posta elettronica;ruolo;lingua;matricola", "Allievo"),
    ("username;display_name;email;role;locale;staff_number", "trainee"),
])
def test_columns_and_roles_may_be_named_in_the_academys_language(app_ctx, academy, header, role):
    data = f"{header}\r\nana.perez;Ana Pérez;ana@example.org;{role};es;2026-7\r\n" \
        f"luis.gil;Luis Gil;;Formador;;\r\n".encode()
    preview = read_people_csv(data, academy)
    assert preview.is_valid, (preview.file_problems, [r.problems for r in preview.rows])
    first, second = preview.rows
    assert (first.username, first.display_name, first.email, first.role, first.staff_number) == (
        "ana.perez", "Ana Pérez", "ana@example.org", "trainee", "2026-7")
    assert second.role == "instructor"


def test_a_ten_megabyte_file_gets_a_message_next_to_the_field(client, academy, academy_admin,
                                                              login_as):
    login_as(academy_admin)
    path = f"/academies/{academy.id}/people/import"
    big = GOOD_CSV.encode() + b"x" * (10 * 1024 * 1024)
    body, content_type = csv_multipart({"csrf_token": csrf_token(client, path)}, "huge.csv", big)
    response = client.post(path, data=body, content_type=content_type, headers=EN)
    assert response.status_code == 422
    error = re.search(r'id="csv_file-error">(.*?)</p>', response.get_data(as_text=True)).group(1)
    assert error == "The file is too large: at most 2 MB."


def test_too_many_rows_are_refused(app, app_ctx, academy, monkeypatch):
    monkeypatch.setitem(app.config, "CSV_MAX_ROWS", 2)
    preview = read_people_csv(GOOD_CSV.encode(), academy)
    assert [str(p) for p in preview.file_problems] == ["The file has too many rows: at most 2."]


def test_import_is_all_or_nothing(client, academy, academy_admin, login_as):
    """A file changed between preview and confirmation is checked again and creates nobody."""
    login_as(academy_admin)
    before = _count_users()
    tampered = GOOD_CSV + "bad name!,Nobody,,trainee,es\n"
    path = f"/academies/{academy.id}/people/import"
    response = client.post(f"{path}/apply", headers=EN, data={
        "csrf_token": csrf_token(client, path),
        "payload": base64.b64encode(tampered.encode()).decode()})
    assert response.status_code == 422
    assert "1 row has problems. Nobody will be imported" in response.get_data(as_text=True)
    assert _count_users() == before


def test_import_operation_raises_and_writes_nothing_on_a_bad_row(app_ctx, academy):
    before = _count_users()
    with pytest.raises(operations.ImportRejected) as caught:
        operations.import_people(academy, (GOOD_CSV + "x,\n").encode())
    assert caught.value.preview.bad_rows
    assert _count_users() == before


def test_garbled_confirmation_is_refused_plainly(client, academy, academy_admin, login_as):
    login_as(academy_admin)
    path = f"/academies/{academy.id}/people/import"
    response = client.post(f"{path}/apply", data={"csrf_token": csrf_token(client, path),
                                                  "payload": "%%%not-base64%%%"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith("/import")


def test_example_file_downloads_as_utf8_csv(client, academy, academy_admin, login_as):
    login_as(academy_admin)
    response = client.get(f"/academies/{academy.id}/people/import/template.csv")
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeffusername,display_name".encode())
