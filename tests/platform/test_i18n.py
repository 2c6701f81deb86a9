"""Seven interface locales (five content languages): the switcher, where the choice is kept,
browser and academy defaults, formatting, complete catalogues."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from academy.accounts.models import User
from academy.extensions import db
from academy.i18n import INTERFACE_LOCALES, TRANSLATIONS_DIR, bcp47, extract_argv
from tests.support import post_form, sign_in

HOME_TITLES = {
    "es": "Red de Academias Penitenciarias",
    "es_419": "Red de Academias Penitenciarias",
    "pt_BR": "Rede de Academias Penitenciárias",
    "pt_PT": "Rede de Academias Penitenciárias",
    "fr": "Réseau des académies pénitentiaires",
    "en": "Prison Academies Network",
    "it": "Rete delle Accademie Penitenziarie",
}


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_every_page_offers_every_language(client, locale):
    page = client.get("/", headers={"Accept-Language": bcp47(locale)}).get_data(as_text=True)
    assert f'<html lang="{bcp47(locale)}">' in page
    assert HOME_TITLES[locale] in page
    for code in INTERFACE_LOCALES:
        assert f'name="locale" value="{code}" lang="{bcp47(code)}"' in page
    for name in ("Español (España)", "Español (Latinoamérica)", "Português (Brasil)",
                 "Português (Portugal)", "Français", "Italiano", "English"):
        assert name in page


def test_language_chosen_before_sign_in_is_kept_in_the_session_then_the_profile(client, trainee):
    post_form(client, "/language", {"locale": "it", "next": "/login"}, token_from="/")
    assert '<html lang="it">' in client.get(
        "/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    sign_in(client, "maria.lopez")
    assert db.session.scalar(select(User.locale).where(User.username == "maria.lopez")) == "it"


def test_signed_in_language_choice_is_saved_in_the_profile(app, client, trainee):
    sign_in(client, "maria.lopez")
    response = post_form(client, "/language", {"locale": "fr", "next": "/account"}, token_from="/")
    assert response.headers["Location"] == "/account"
    other_browser = app.test_client()
    sign_in(other_browser, "maria.lopez")
    page = other_browser.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="fr">' in page


def test_unknown_language_is_refused_with_a_message(client):
    response = post_form(client, "/language", {"locale": "xx", "next": "/"}, token_from="/",
                         headers={"Accept-Language": "es"})
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert response.status_code == 302
    assert "Ese idioma no está disponible." in page or "no está disponible" in page


def test_language_in_the_url_applies_to_that_page_only(client):
    assert '<html lang="pt-BR">' in client.get("/?lang=pt_BR").get_data(as_text=True)
    assert '<html lang="es-419">' in client.get("/?lang=es-419").get_data(as_text=True)
    assert '<html lang="pt-PT">' in client.get("/?lang=pt").get_data(as_text=True)
    assert '<html lang="en">' in client.get(
        "/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    unknown = client.get("/?lang=klingon", headers={"Accept-Language": "en"})
    assert unknown.status_code == 200
    assert "That language is not available" in unknown.get_data(as_text=True)


def test_redirect_after_language_change_stays_on_the_site(client):
    response = post_form(client, "/language", {"locale": "es", "next": "https://evil.example/"},
                         token_from="/")
    assert response.headers["Location"] == "/"


def test_dates_and_numbers_follow_the_language(app):
    from flask_babel import force_locale, format_datetime, format_decimal

    moment = datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("en"):
            assert format_decimal(12345.5) == "12,345.5"
            assert "Mar 5, 2026" in format_datetime(moment, "medium")
        with force_locale("fr"):
            assert format_decimal(12345.5) == "12\u202f345,5"
            assert "5 mars 2026" in format_datetime(moment, "medium")
        with force_locale("es"):
            assert "5 mar 2026" in format_datetime(moment, "medium")


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text or ""))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list:
    """Extract the marked strings from the code now, so nothing missing hides behind an old .pot."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *extract_argv(out)],
                   check=True)
    with out.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


@pytest.mark.parametrize("locale", INTERFACE_LOCALES)
def test_catalogue_is_complete_and_real(extracted, locale):
    with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    missing, mismatched, copies = [], [], []
    for message in extracted:
        found = catalogue.get(message.id, context=message.context)
        strings = [] if found is None else (
            list(found.string) if isinstance(found.string, (list, tuple)) else [found.string])
        if found is None or found.fuzzy or not strings or not all(strings):
            missing.append(message.id)
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        wanted = _placeholders(source) | (
            _placeholders(message.id[1]) if isinstance(message.id, tuple) else set())
        if any(_placeholders(s) - wanted or (wanted - {"num"}) - _placeholders(s) for s in strings):
            mismatched.append(message.id)
        if not locale.startswith("en") and strings[0] == source:
            copies.append(source)
    assert not missing, f"{locale}: untranslated: {missing}"
    assert not mismatched, f"{locale}: placeholders differ: {mismatched}"
    # A few words are the same in several languages (OK, CSV); more than that is a copy of English.
    assert len(copies) <= 6, f"{locale}: copied from English: {copies}"


def test_after_signing_out_the_next_person_keeps_their_own_language(app, create_user, academy):
    create_user(academy=academy, roles=["trainee"], username="first.person", locale="fr")
    create_user(academy=academy, roles=["trainee"], username="second.person", locale="it")
    client = app.test_client()
    sign_in(client, "first.person")
    post_form(client, "/logout", token_from="/account")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)  # the page stays French
    sign_in(client, "second.person")
    assert '<html lang="it">' in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(User.locale).where(User.username == "second.person")) == "it"


def test_every_catalogue_is_real_and_unfuzzy_with_its_plural_rule():
    """Seven catalogues; France says "0 cours" (zero takes the singular), Portuguese on both
    sides of the Atlantic "0 cursos" (the reviewer's reading: "0 pessoa, 0 curso" is wrong)."""
    rules = {"pt_BR": "(n != 1)", "fr": "(n > 1)", "pt_PT": "(n != 1)", "es": "(n != 1)",
             "es_419": "(n != 1)", "it": "(n != 1)", "en": "(n != 1)"}
    found = sorted(p.parent.parent.name for p in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"))
    assert found == sorted(INTERFACE_LOCALES)
    for locale, rule in rules.items():
        with (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        assert catalogue.plural_forms == f"nplurals=2; plural={rule};", locale
        assert not [m.id for m in catalogue if m.id and m.fuzzy], locale


@pytest.mark.parametrize("locale, count, wanted", [
    ("pt_BR", 0, "0 academias"), ("pt_PT", 0, "0 academias"), ("fr", 0, "0 académie"),
    ("es_419", 0, "0 academias"), ("pt_BR", 2, "2 academias"), ("it", 1, "1 accademia")])
def test_plural_forms_follow_each_variety(app, locale, count, wanted):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale(locale):
        assert ngettext("%(num)d academy", "%(num)d academies", count) == wanted


# --- Varieties: browser, academy, content, certificates, formatting ------------------------------

@pytest.mark.parametrize("header, wanted", [
    ("pt-BR,pt;q=0.9", "pt_BR"), ("pt-PT", "pt_PT"), ("pt", "pt_PT"), ("pt-AO", "pt_PT"),
    ("es-ES", "es"), ("es", "es"), ("es-AR", "es_419"), ("es-MX,es;q=0.8", "es_419"),
    ("es-CO", "es_419"), ("es-419", "es_419"), ("fr-CA", "fr"), ("de-DE,it;q=0.5", "it"),
    ("en-GB", "en")])
def test_the_browsers_language_picks_the_variety(client, header, wanted):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{bcp47(wanted)}">' in page


def test_interface_and_content_codes():
    from academy.i18n import as_interface_locale, content_language, interface_locale

    assert [content_language(code) for code in INTERFACE_LOCALES] == [
        "es", "es", "pt", "pt", "fr", "it", "en"]
    assert (bcp47("pt_BR"), bcp47("es_419"), bcp47("fr")) == ("pt-BR", "es-419", "fr")
    assert (interface_locale("pt-br"), interface_locale("es_419"), interface_locale("de")) == (
        "pt_BR", "es_419", None)
    assert as_interface_locale("pt", "pt_BR") == "pt_BR" and as_interface_locale("pt") == "pt_PT"
    assert as_interface_locale("es", "es_419") == "es" and as_interface_locale("xx") is None


@pytest.mark.parametrize("country, names, wanted", [
    ("BR", {"pt": "Escola"}, "pt_BR"), ("PT", {"pt": "Escola"}, "pt_PT"),
    ("ES", {"es": "Escuela"}, "es"), ("CO", {"es": "Escuela"}, "es_419"),
    ("AR", {"es": "Escuela"}, "es_419"), ("FR", {"fr": "École"}, "fr"),
    ("IT", {"it": "Scuola"}, "it"), ("DE", {"en": "School"}, "en")])
def test_an_academys_default_follows_its_country(app_ctx, country, names, wanted):
    from academy.academies import operations as academy_ops

    academy = academy_ops.create_academy(slug=f"test-{country.lower()}", names=names,
                                         country=country, default_locale="")
    assert academy.default_locale == wanted
    # "pt" alone, as a form or the CLI may give it, is the country's Portuguese
    if "pt" in names:
        other = academy_ops.create_academy(slug=f"other-{country.lower()}", names=names,
                                           country=country, default_locale="pt")
        assert other.default_locale == wanted


def test_a_brazilian_reader_reads_the_portuguese_text(client, course, academy, create_user,
                                                     login_as):
    from academy.curricula import operations as course_ops

    course.locales = [*course.locales, "pt"]
    course_ops.set_course_text(course, "pt", title="Revistas com dignidade",
                               summary="Um curso para agentes.")
    db.session.commit()
    login_as(create_user(academy=academy, roles=["trainee"], locale="pt_BR"))
    assert course.text("pt_BR")[1] == "pt" and course.title_in("pt_PT") == "Revistas com dignidade"
    for variety in ("pt_BR", "pt_PT"):
        page = client.get(f"/courses/{course.id}?lang={variety}").get_data(as_text=True)
        assert f'<html lang="{bcp47(variety)}">' in page
        assert "Revistas com dignidade" in page
        assert 'class="shown-in"' not in page.split("<h1", 1)[1].split("</h1>", 1)[0]


def _certificate_values(app, locale, second=None, bilingual=False):
    from academy.certificates import documents
    from academy.certificates.models import CertificateTemplate

    moment = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    facts = documents.Facts(
        serial="PAN-2026-000001", code="A" * 28, name="Ana Souza",
        course_titles={locale: "Revistas com dignidade", **({second: "Cacheos"} if second else {})},
        hours=40, grade=87.5, completed_at=moment, issued_at=moment,
        expires_at=moment.replace(year=2029, day=11), academy_names={"pt": "Escola"},
        logo_filename=None, verify_url="https://campus.example.org/verify/A")
    template = CertificateTemplate(texts={}, signatures=[], is_bilingual=bilingual)
    with app.test_request_context():
        return documents.values(facts, template, locale, second)


def test_a_certificate_speaks_the_recipients_variety(app):
    brazil, portugal = _certificate_values(app, "pt_BR"), _certificate_values(app, "pt_PT")
    assert (brazil["lang"], portugal["lang"]) == ("pt-BR", "pt-PT")
    assert brazil["intro"] == "Certificamos que" and portugal["intro"] == "Certifica-se que"
    assert "Carga horária: 40 horas" in brazil["facts"]
    assert "40 horas de formação" in portugal["facts"]
    assert "Nota: 87,5%" in brazil["facts"] and "Concluído em 8 de março de 2026" in brazil["facts"]
    italian = _certificate_values(app, "it")
    assert "Completato l'8 marzo 2026" in italian["facts"]
    assert "Valido fino all'11 marzo 2029" in italian["facts"]
    french = _certificate_values(app, "fr")
    assert "Note\u00a0: 87,5\u202f%" in french["facts"]


def test_a_bilingual_certificate_adds_another_language_not_another_variety(app, app_ctx,
                                                                            create_academy):
    from academy.certificates import contents
    from academy.certificates.models import CertificateTemplate

    brazil = create_academy(slug="espen", names={"pt": "ESPEN"}, country="BR",
                            default_locale="pt_BR")
    bilingual = CertificateTemplate(texts={}, signatures=[], is_bilingual=True)
    assert contents.second_locale(brazil, bilingual, "pt_PT") is None
    assert contents.second_locale(brazil, bilingual, "en") == "pt_BR"
    values = _certificate_values(app, "en", "pt_BR", bilingual=True)
    assert values["second"]["lang"] == "pt-BR"
    assert values["second"]["statement"] == "concluiu com êxito o curso"


@pytest.mark.parametrize("locale, wanted", [
    ("fr", "32,6\u202f%"), ("es", "32,6\u00a0%"), ("es_419", "32,6%"), ("pt_BR", "32,6%"),
    ("pt_PT", "32,6%"), ("it", "32,6%"), ("en", "32.6%")])
def test_percentages_follow_each_locales_rules(app, locale, wanted):
    from flask_babel import force_locale

    from academy.i18n import format_percent

    with app.test_request_context(), force_locale(locale):
        assert format_percent(0.326) == wanted


def test_the_demo_speaks_each_academys_variety():
    from academy.demo.data import ACADEMIES

    varieties = {spec["country"]: spec["default_locale"] for spec in ACADEMIES}
    assert (varieties["BR"], varieties["PT"], varieties["ES"], varieties["CO"]) == (
        "pt_BR", "pt_PT", "es", "es_419")
    assert {varieties[c] for c in ("AR", "CL", "CR", "PE")} == {"es_419"}
