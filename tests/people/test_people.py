"""Academy admins add, edit, deactivate people and hand out credential slips."""
from __future__ import annotations

import re

from sqlalchemy import select

from academy.accounts.models import User
from academy.extensions import db
from tests.support import PASSWORD, post_form, sign_in

EN = {"Accept-Language": "en"}


def _slip_password(page: str) -> str:
    match = re.search(r'<code class="secret">([a-z0-9-]+)</code>', page)
    assert match, "no one-time password on the slip"
    return match.group(1)


def test_admin_adds_a_person_without_email_and_gets_a_slip_in_their_language(
        app, client, academy, academy_admin, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/academies/{academy.id}/people/new", {
        "username": "Cadete.Ruiz", "display_name": "Íñigo Ruiz Peña", "email": "",
        "staff_number": "CEP-0042", "locale": "pt_PT", "roles": ["trainee"]}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # the slip speaks Portuguese
    assert 'lang="pt-PT"' in page and "Palavra-passe de uso único" in page
    assert "no-store" in response.headers["Cache-Control"]
    person = db.session.scalar(select(User).where(User.username == "cadete.ruiz"))
    assert person.must_change_password and person.email is None
    assert person.staff_number == "CEP-0042" and person.roles_in(academy.id) == {"trainee"}
    first = app.test_client()
    assert sign_in(first, "cadete.ruiz", _slip_password(page)).headers["Location"].endswith(
        "/account/password")


def test_staff_number_is_unique_within_an_academy_only(client, academy, other_academy,
                                                       academy_admin, login_as, create_user):
    create_user(academy=other_academy, roles=["trainee"], staff_number="N-1")
    create_user(academy=academy, roles=["trainee"], staff_number="N-2")
    login_as(academy_admin)
    path = f"/academies/{academy.id}/people/new"
    ok = post_form(client, path, {"username": "p.one", "display_name": "P One",
                                  "staff_number": "N-1", "roles": ["trainee"]})
    assert ok.status_code == 200 and "secret" in ok.get_data(as_text=True)
    clash = post_form(client, path, {"username": "p.two", "display_name": "P Two",
                                     "staff_number": "N-2", "roles": ["trainee"]}, headers=EN)
    assert "This staff number is already used in the academy." in clash.get_data(as_text=True)


def test_bad_values_are_shown_next_to_their_fields_and_nothing_is_lost(client, academy,
                                                                       academy_admin, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/academies/{academy.id}/people/new", {
        "username": "Bad Name!", "display_name": "x" * 201, "email": "nope",
        "locale": "tlh", "roles": ["overlord"]}, headers=EN)
    page = response.get_data(as_text=True)
    for field in ("username", "display_name", "email", "locale", "roles"):
        assert f'id="{field}-error"' in page, field
    assert 'value="nope"' in page
    assert db.session.scalar(select(User).where(User.email == "nope")) is None


def test_taken_username_is_refused(client, academy, academy_admin, trainee, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/academies/{academy.id}/people/new", {
        "username": "maria.lopez", "display_name": "Otra María", "roles": ["trainee"]}, headers=EN)
    assert "This username is already taken." in response.get_data(as_text=True)


def test_admin_edits_roles_and_details(client, academy, academy_admin, trainee, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/people/{trainee.id}/edit", {
        "display_name": "María López Fernández", "email": "maria@example.org", "staff_number": "",
        "locale": "es", "roles": ["trainee", "instructor"]})
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(User, trainee.id)
    assert edited.roles_in(academy.id) == {"trainee", "instructor"}
    assert edited.email == "maria@example.org"


def test_admin_resets_a_password_and_old_one_stops_working(app, client, academy_admin, trainee,
                                                           login_as):
    login_as(academy_admin)
    response = post_form(client, f"/people/{trainee.id}/reset-password",
                         token_from=f"/people/{trainee.id}/edit")
    password = _slip_password(response.get_data(as_text=True))
    assert sign_in(app.test_client(), "maria.lopez", PASSWORD).status_code == 401
    assert sign_in(app.test_client(), "maria.lopez", password).status_code == 302


def test_deactivated_person_can_be_reactivated(app, client, academy_admin, trainee, login_as):
    login_as(academy_admin)
    post_form(client, f"/people/{trainee.id}/deactivate", token_from=f"/people/{trainee.id}/edit")
    assert sign_in(app.test_client(), "maria.lopez").status_code == 403
    post_form(client, f"/people/{trainee.id}/reactivate", token_from=f"/people/{trainee.id}/edit")
    assert sign_in(app.test_client(), "maria.lopez").status_code == 302


def test_admin_cannot_deactivate_themselves(client, academy_admin, login_as):
    login_as(academy_admin)
    response = post_form(client, f"/people/{academy_admin.id}/deactivate",
                         token_from=f"/people/{academy_admin.id}/edit")
    assert response.status_code == 403


def test_academy_admin_cannot_manage_network_staff_even_in_their_academy(
        client, academy, academy_admin, create_user, login_as):
    coordinator = create_user(academy=academy, roles=["trainee"], network_roles=["coordinator"])
    login_as(academy_admin)
    assert client.get(f"/people/{coordinator.id}/edit").status_code == 403


def test_people_list_filters_and_counts(client, academy, academy_admin, create_user, login_as):
    create_user(academy=academy, roles=["instructor"], display_name="Zoe Instructora")
    create_user(academy=academy, roles=["trainee"], display_name="Ana Alumna", staff_number="T-77")
    login_as(academy_admin)
    page = client.get(f"/academies/{academy.id}/people?role=instructor",
                      headers=EN).get_data(as_text=True)
    assert "Zoe Instructora" in page and "Ana Alumna" not in page
    page = client.get(f"/academies/{academy.id}/people?q=t-77", headers=EN).get_data(as_text=True)
    assert "Ana Alumna" in page and "1 person" in page
    bad = client.get(f"/academies/{academy.id}/people?role=zzz&status=zzz&page=abc")
    assert bad.status_code == 200


def test_people_list_uses_a_bounded_number_of_queries(client, academy, academy_admin, create_user,
                                                      login_as, count_queries):
    login_as(academy_admin)

    def open_list():
        assert client.get(f"/academies/{academy.id}/people").status_code == 200

    few = count_queries(open_list)
    for _ in range(30):
        create_user(academy=academy, roles=["trainee"])
    assert count_queries(open_list) == few


def test_site_admin_adds_a_network_coordinator(client, site_admin, login_as):
    login_as(site_admin)
    response = post_form(client, "/admin/staff/new", {
        "username": "coord.lat", "display_name": "Coordinación América Latina",
        "locale": "es", "network_roles": ["coordinator"]})
    assert response.status_code == 200
    person = db.session.scalar(select(User).where(User.username == "coord.lat"))
    assert person.is_coordinator and person.academy_id is None
    assert "Coordinación América Latina" in client.get("/admin/staff").get_data(as_text=True)


def test_site_admin_changes_a_coordinators_roles(client, site_admin, create_user, login_as):
    coordinator = create_user(network_roles=["coordinator"], display_name="Coordinadora")
    login_as(site_admin)
    response = post_form(client, f"/people/{coordinator.id}/edit", {
        "display_name": "Coordinadora General", "email": "", "locale": "es",
        "network_roles": ["coordinator", "site_admin"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/staff")
    db.session.expire_all()
    edited = db.session.get(User, coordinator.id)
    assert edited.network_role_names == {"coordinator", "site_admin"}
    assert edited.display_name == "Coordinadora General"


def test_site_admin_cannot_remove_their_own_admin_role(client, site_admin, login_as):
    login_as(site_admin)
    response = post_form(client, f"/people/{site_admin.id}/edit", {
        "display_name": "Administración", "email": "", "locale": "",
        "network_roles": ["coordinator"]}, headers=EN)
    assert "You cannot remove your own site administrator role." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, site_admin.id).is_site_admin


def test_people_are_listed_in_alphabetical_order_whatever_their_accents(
        client, academy, academy_admin, create_user, login_as):
    for name in ("Álvaro Núñez", "Zoe Pérez", "Begoña Iñíguez", "Élodie Martin"):
        create_user(academy=academy, roles=["trainee"], display_name=name)
    login_as(academy_admin)
    page = client.get(f"/academies/{academy.id}/people?role=trainee").get_data(as_text=True)
    positions = [page.index(name) for name in ("Álvaro Núñez", "Begoña Iñíguez", "Élodie Martin",
                                               "Zoe Pérez")]
    assert positions == sorted(positions)


def test_search_ignores_accents_and_case(client, academy, academy_admin, create_user, login_as):
    create_user(academy=academy, roles=["trainee"], display_name="Álvaro Núñez Pérez")
    login_as(academy_admin)
    for query in ("alvaro nunez", "ÁLVARO", "núñez"):
        page = client.get(f"/academies/{academy.id}/people?q={query}").get_data(as_text=True)
        assert "Álvaro Núñez Pérez" in page, query
