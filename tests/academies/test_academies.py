"""Site admins create and edit academies; logos are checked and served safely."""
from __future__ import annotations

import io

from sqlalchemy import select

from academy.academies.models import Academy
from academy.extensions import db
from tests.factories.images import png_bytes
from tests.support import csrf_token


def _form(client, path, **fields):
    data = {"csrf_token": csrf_token(client, path), "slug": "espen-brasil", "name_pt":
            "Escola Nacional de Serviços Penais", "country": "BR", "default_locale": "pt_BR",
            **fields}
    return client.post(path, data=data, content_type="multipart/form-data",
                       headers={"Accept-Language": "en"})


def test_site_admin_creates_an_academy_with_names_and_logo(client, site_admin, login_as):
    login_as(site_admin)
    response = _form(client, "/admin/academies/new", name_en="National School of Penal Services",
                     logo=(io.BytesIO(png_bytes()), "logo.png"))
    assert response.status_code == 302
    academy = db.session.scalar(select(Academy).where(Academy.slug == "espen-brasil"))
    assert academy.names == {"pt": "Escola Nacional de Serviços Penais",
                             "en": "National School of Penal Services"}
    assert academy.country == "BR" and academy.default_locale == "pt_BR"
    logo = client.get(f"/academies/logos/{academy.logo_filename}")
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert logo.headers["X-Content-Type-Options"] == "nosniff"
    logo.close()
    listing = client.get("/admin/academies",
                         headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert "Escola Nacional de Serviços Penais" in listing and "Brasil" in listing


def test_academy_name_is_required_in_its_default_language(client, site_admin, login_as):
    login_as(site_admin)
    response = _form(client, "/admin/academies/new", name_pt="", name_en="Only English")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give the academy&#39;s name in its default language." in page
    assert 'value="Only English"' in page  # nothing typed is lost


def test_short_name_must_be_unique(client, site_admin, login_as, academy):
    login_as(site_admin)
    response = _form(client, "/admin/academies/new", slug=academy.slug)
    assert "Another academy already uses this short name." in response.get_data(as_text=True)


def test_logo_that_is_not_an_image_is_refused(client, site_admin, login_as):
    login_as(site_admin)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for payload, name in ((svg, "logo.svg"), (b"%PDF-1.4 not an image", "logo.png")):
        response = _form(client, "/admin/academies/new", logo=(io.BytesIO(payload), name))
        assert "The image must be a PNG, JPEG, GIF or WebP file." in response.get_data(as_text=True)
    assert db.session.scalar(select(Academy).where(Academy.slug == "espen-brasil")) is None


def test_oversized_logo_is_refused_with_a_message(app, client, site_admin, login_as, monkeypatch):
    # A lower limit keeps the upload small enough for the test client to hold in memory.
    monkeypatch.setitem(app.config, "LOGO_MAX_BYTES", 100 * 1024)
    login_as(site_admin)
    big = png_bytes() + b"\0" * (100 * 1024 + 1)
    response = _form(client, "/admin/academies/new", logo=(io.BytesIO(big), "logo.png"))
    assert "The image is too large: at most 100 kB." in response.get_data(as_text=True)


def test_overlong_name_is_refused(client, site_admin, login_as):
    login_as(site_admin)
    response = _form(client, "/admin/academies/new", name_pt="x" * 201)
    assert "Use at most 200 characters." in response.get_data(as_text=True)


def test_unknown_country_is_refused(client, site_admin, login_as):
    login_as(site_admin)
    response = _form(client, "/admin/academies/new", country="XX")
    assert "Not a valid choice." in response.get_data(as_text=True)


def test_site_admin_edits_an_academy_and_removes_its_logo(client, site_admin, login_as, academy):
    login_as(site_admin)
    path = f"/admin/academies/{academy.id}/edit"
    _form(client, path, slug=academy.slug, name_es="Centro de Estudios Penitenciarios",
          country="ES", default_locale="es", logo=(io.BytesIO(png_bytes()), "l.png"))
    db.session.expire_all()
    assert db.session.get(Academy, academy.id).logo_filename
    _form(client, path, slug=academy.slug, name_es="CEP Madrid", country="ES", default_locale="es",
          remove_logo="y")
    db.session.expire_all()
    edited = db.session.get(Academy, academy.id)
    assert edited.names["es"] == "CEP Madrid" and edited.logo_filename is None


def test_unknown_logo_name_is_not_found(client):
    assert client.get("/academies/logos/..%2Fsecret_key").status_code == 404
    assert client.get("/academies/logos/nothing.png").status_code == 404


def test_home_and_academy_list_use_a_bounded_number_of_queries(client, site_admin, login_as,
                                                               create_academy, create_user,
                                                               count_queries):
    login_as(site_admin)

    def open_pages():
        assert client.get("/").status_code == 200
        assert client.get("/admin/academies").status_code == 200

    create_academy()
    few = count_queries(open_pages)
    for _ in range(20):
        academy = create_academy()
        create_user(academy=academy, roles=["academy_admin"])
    assert count_queries(open_pages) == few
