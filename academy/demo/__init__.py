"""Loading the demo data set (idempotent: nothing is loaded twice)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from academy.academies import operations as academy_ops
from academy.academies.models import Academy
from academy.accounts import operations as account_ops
from academy.curricula import operations as course_ops
from academy.curricula.packages.archive import read_folder
from academy.demo.data import ACADEMIES, DEMO_PASSWORD, NETWORK_STAFF, PEOPLE
from academy.extensions import db


def is_loaded() -> bool:
    """Whether the database already holds academies (demo or real)."""
    return bool(db.session.scalar(select(func.count()).select_from(Academy)))


def load_demo() -> list[tuple[str, str]]:
    """Create the demo academies and people; return (username, role description) for the README."""
    logins: list[tuple[str, str]] = []
    created_staff = []
    for staff in NETWORK_STAFF:
        user, _ = account_ops.create_user(username=staff["username"], display_name=staff["display_name"],
                                locale=staff["locale"], password=DEMO_PASSWORD,
                                network_roles=staff["roles"])
        created_staff.append(user)
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
    load_curricula(reviewer=next(u for u in created_staff if u.is_coordinator))
    return logins


def curricula_folders() -> list[Path]:
    """The network's course packages shipped in courses/."""
    root = Path(current_app.config["COURSES_DIR"])
    return sorted(p for p in root.iterdir() if (p / "course.toml").is_file()) if root.is_dir() else []


def load_curricula(reviewer) -> list:
    """Import, publish and share every package of courses/ (as approved by the coordinator)."""
    courses = []
    for folder in curricula_folders():
        course = course_ops.import_package(read_folder(folder))
        course_ops.publish_course(course)
        course_ops.approve_sharing(course, reviewer)
        courses.append(course)
    return courses
