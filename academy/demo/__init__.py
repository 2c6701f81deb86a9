"""Loading the demo data set (idempotent: nothing is loaded twice)."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.academies import operations as academy_ops
from academy.academies.models import Academy
from academy.accounts import operations as account_ops
from academy.demo.data import ACADEMIES, DEMO_PASSWORD, NETWORK_STAFF, PEOPLE
from academy.extensions import db


def is_loaded() -> bool:
    """Whether the database already holds academies (demo or real)."""
    return bool(db.session.scalar(select(func.count()).select_from(Academy)))


def load_demo() -> list[tuple[str, str]]:
    """Create the demo academies and people; return (username, role description) for the README."""
    logins: list[tuple[str, str]] = []
    for staff in NETWORK_STAFF:
        account_ops.create_user(username=staff["username"], display_name=staff["display_name"],
                                locale=staff["locale"], password=DEMO_PASSWORD,
                                network_roles=staff["roles"])
        logins.append((staff["username"], staff["roles"][0]))
    for spec in ACADEMIES:
        academy = academy_ops.create_academy(slug=spec["slug"], names=spec["names"],
                                             country=spec["country"],
                                             default_locale=spec["default_locale"])
        names = PEOPLE[spec["prefix"]]
        roles = [("admin", "academy_admin"), ("instructor", "instructor"),
                 ("trainee1", "trainee"), ("trainee2", "trainee"), ("trainee3", "trainee")]
        for index, ((suffix, role), name) in enumerate(zip(roles, names)):
            username = f"{spec['prefix']}.{suffix}"
            email = f"{username}@demo.example.org" if index < 2 else None  # most trainees have none
            account_ops.create_user(
                username=username, display_name=name, email=email,
                staff_number=f"{spec['country']}-{1001 + index}", academy=academy,
                locale=spec["default_locale"], password=DEMO_PASSWORD, roles=[role])
            logins.append((username, role))
    db.session.flush()
    return logins
