"""Changes to cohorts. Never commits."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.accounts.models import User
from academy.audit import operations as audit
from academy.cohorts.models import Cohort, CohortMember
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.i18n import lazy_gettext as _l


def _check_name(academy_id: int, name: str, cohort_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("A name is required."), "name")
    if len(name) > 120:
        raise DomainError(_l("Use at most %(n)d characters.", n=120), "name")
    taken = select(func.count()).select_from(Cohort).where(Cohort.academy_id == academy_id,
                                                           Cohort.name == name)
    if cohort_id is not None:
        taken = taken.where(Cohort.id != cohort_id)
    if db.session.scalar(taken):
        raise DomainError(_l("The academy already has a cohort with this name."), "name")
    return name


def create_cohort(academy, name: str) -> Cohort:
    cohort = Cohort(academy_id=academy.id, name=_check_name(academy.id, name))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def rename_cohort(cohort: Cohort, name: str) -> None:
    cohort.name = _check_name(cohort.academy_id, name, cohort.id)
    db.session.flush()


def delete_cohort(cohort: Cohort, *, actor_id: int | None = None) -> None:
    audit.record("cohort.delete", actor_id=actor_id, target_type="cohort", target_id=cohort.id,
                 academy_id=cohort.academy_id,
                 details={"name": cohort.name, "members": len(cohort.members)})
    db.session.delete(cohort)
    db.session.flush()


def add_members(cohort: Cohort, logins: list[str], *, actor_id: int | None = None
                ) -> tuple[list[User], list[str]]:
    """Add the academy's people named by username or e-mail; return (added, not found)."""
    wanted = [login.strip().lower() for login in logins if login.strip()]
    if not wanted:
        raise DomainError(_l("Give at least one username or e-mail."), "people")
    people = list(db.session.scalars(select(User).where(
        User.academy_id == cohort.academy_id,
        (User.username.in_(wanted)) | (User.email.in_(wanted)))))
    found = {u.username for u in people} | {u.email for u in people if u.email}
    held = {m.user_id for m in cohort.members}
    added = [u for u in people if u.id not in held]
    for person in added:
        cohort.members.append(CohortMember(user_id=person.id))
    if added:
        audit.record("cohort.members_add", actor_id=actor_id, target_type="cohort",
                     target_id=cohort.id, academy_id=cohort.academy_id,
                     details={"cohort": cohort.name,
                              "usernames": sorted(person.username for person in added)})
    db.session.flush()
    return added, [login for login in wanted if login not in found]


def remove_member(cohort: Cohort, user_id: int, *, actor_id: int | None = None) -> None:
    if any(m.user_id == user_id for m in cohort.members):
        person = db.session.get(User, user_id)
        audit.record("cohort.member_remove", actor_id=actor_id, target_type="cohort",
                     target_id=cohort.id, academy_id=cohort.academy_id,
                     details={"cohort": cohort.name, "username": person.username})
    cohort.members = [m for m in cohort.members if m.user_id != user_id]
    db.session.flush()


