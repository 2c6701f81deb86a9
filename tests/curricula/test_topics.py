"""Topics people can read: the network's vocabulary names the slugs courses are tagged with, in
each language; authors and packages suggest new ones, coordinators name and approve them."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from academy.curricula import topics
from academy.curricula.models import Topic
from academy.extensions import db
from academy.packages.archive import write_zip
from tests.factories.packages import COURSE_TOML, sample_package
from tests.support import csrf_token

EN = {"Accept-Language": "en"}


@pytest.fixture
def coordinator(create_user):
    return create_user(network_roles=["coordinator"], locale="en")


def post(client, path, data, token_from=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, token_from or path), **data},
                       **kwargs)


def test_readers_see_topics_named_in_their_language(client, login_as, course, create_user,
                                                    academy):
    topics.save_topic("searches", {"es": "Cacheos y registros", "en": "Searches"}, approve=True)
    db.session.commit()
    login_as(create_user(academy=academy, roles=["trainee"], locale="es"))
    catalogue = client.get("/courses").get_data(as_text=True)
    assert '<option value="searches">Cacheos y registros</option>' in catalogue
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert ">Cacheos y registros</a>" in page
    assert client.get(f"/courses/{course.id}?lang=en").get_data(as_text=True).count(
        ">Searches</a>") == 1


def test_a_new_topic_typed_by_an_author_waits_for_a_coordinator(
        app, client, login_as, course, create_user, academy, coordinator):
    login_as(create_user(academy=academy, roles=["instructor"]))
    page = f"/authoring/courses/{course.id}"
    post(client, f"{page}/settings", {"default_locale": "es", "locales": ["es", "en"],
                                     "hours": "1", "tags": "searches, use-of-force"},
         token_from=page)
    found = {topic.slug: topic for topic in db.session.scalars(select(Topic))}
    assert not found["use-of-force"].is_approved and found["use-of-force"].names == {}

    reviewer = app.test_client()
    login_as(coordinator, reviewer)
    listing = reviewer.get("/topics", headers=EN).get_data(as_text=True)
    assert "use-of-force" in listing and "suggested" in listing
    refused = post(reviewer, "/topics/use-of-force", {"is_approved": "y"}, headers=EN)
    assert refused.status_code == 422
    assert "Give the topic a name before approving it." in refused.get_data(as_text=True)
    saved = post(reviewer, "/topics/use-of-force", {
        "name_es": "Uso de la fuerza", "name_en": "Use of force", "is_approved": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    topic = db.session.get(Topic, "use-of-force")
    assert topic.is_approved and topic.name_in("es") == "Uso de la fuerza"
    assert topic.name_in("it") == "Use of force"  # English when Italian is not written


def test_an_imported_package_reports_the_topics_the_vocabulary_lacks(client, login_as,
                                                                     create_user, academy):
    login_as(create_user(academy=academy, roles=["instructor"]))
    files = sample_package(**{"course.toml": COURSE_TOML.replace(
        "searches", "cell-searches").encode()})
    response = post(client, "/authoring/import", {
        "package": (io.BytesIO(write_zip(files, "pkg")), "pkg.zip")},
        headers=EN, content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "suggested to the coordinators: cell-searches" in page
    assert db.session.get(Topic, "cell-searches") is not None


def test_only_coordinators_keep_the_vocabulary(client, login_as, create_user, academy):
    login_as(create_user(academy=academy, roles=["instructor"]))
    assert client.get("/topics").status_code == 403
