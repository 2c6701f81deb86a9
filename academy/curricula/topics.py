"""The network's vocabulary of topics: names people can read for the slugs courses are tagged
with. Reads are one query whatever the number of slugs; changes flush and never commit, and a
refused change writes nothing."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from academy.curricula.models import Topic, topic_name
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import LOCALES, sort_key
from academy.i18n import lazy_gettext as _l
from academy.slugs import SLUG_RE

MAX_NAME = 80


def topics_of(slugs: Iterable[str]) -> dict[str, Topic]:
    """The topics of these slugs that the vocabulary holds, by slug."""
    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    return {topic.slug: topic for topic in db.session.scalars(
        select(Topic).where(Topic.slug.in_(wanted)))}


def names_of(slugs: Iterable[str], locale: str) -> dict[str, str]:
    """A readable name for each slug in `locale` (the slug itself when nobody named it); plain
    rows, no objects: the catalogue and course pages ask on every view."""
    slugs = list(slugs)
    if not slugs:
        return {}
    names = dict(db.session.execute(
        select(Topic.slug, Topic.names).where(Topic.slug.in_(sorted(set(slugs))))).all())
    return {slug: topic_name(slug, names.get(slug), locale) for slug in slugs}


def vocabulary() -> list[Topic]:
    """Every topic: suggestions waiting first, then the approved ones, by slug."""
    return list(db.session.scalars(select(Topic).order_by(Topic.is_approved, Topic.slug)))


def suggest_topics(slugs: Iterable[str], user_id: int | None) -> list[str]:
    """Add the slugs the vocabulary does not know as suggestions; returns them, in order."""
    known = topics_of(slugs)
    new = [slug for slug in dict.fromkeys(slugs) if slug not in known and SLUG_RE.match(slug)]
    for slug in new:
        db.session.add(Topic(slug=slug, names={}, is_approved=False, suggested_by_id=user_id))
    db.session.flush()
    return new


def save_topic(slug: str, names: dict[str, str], *, approve: bool,
               topic: Topic | None = None) -> Topic:
    """Create or rename a topic (a coordinator's change). Raises DomainError naming the field
    at fault: a wrong or taken slug, a name too long, no name at all for an approved topic."""
    if topic is None:
        if not SLUG_RE.match(slug or ""):
            raise DomainError(_l("Use lower-case letters without accents, digits and hyphens "
                                 "(at most 64)."), "slug")
        if db.session.get(Topic, slug) is not None:
            raise DomainError(_l("This topic already exists."), "slug")
    cleaned = {code: " ".join((names.get(code) or "").split()) for code in LOCALES}
    for code, name in cleaned.items():
        if len(name) > MAX_NAME:
            raise DomainError(_l("At most %(max)d characters.", max=MAX_NAME), f"name_{code}")
    if approve and not any(cleaned.values()):
        raise DomainError(_l("Give the topic a name before approving it."), "name_en")
    if topic is None:
        topic = Topic(slug=slug)
        db.session.add(topic)
    topic.names = {code: name for code, name in cleaned.items() if name}
    topic.is_approved = approve
    db.session.flush()
    return topic


def delete_topic(topic: Topic) -> None:
    """Take a topic out of the vocabulary (courses keep their slug, shown as it is)."""
    db.session.delete(topic)
    db.session.flush()


def sorted_by_name(slugs: Iterable[str], locale: str) -> list[tuple[str, str]]:
    """(slug, name) pairs in the order of their names in `locale`."""
    names = names_of(slugs, locale)
    return sorted(names.items(), key=lambda pair: sort_key(pair[1]))
