"""Reads about people and their login sessions."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.accounts.models import User, UserSession
from academy.db import utcnow
from academy.extensions import db


def token_hash(token: str) -> str:
    """What the server keeps of a session token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_session(token: str) -> User | None:
    """The active user of a live (not ended, not expired) login session, or None.

    Every signed-in request asks this: one statement brings the user with their academy, roles
    and memberships (issue 14: three statements were a fifth of a page's cost).
    """
    if not token or len(token) > 128:
        return None
    stmt = (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utcnow(),
            User.is_active.is_(True),
        )
        .options(joinedload(User.memberships), joinedload(User.network_roles))
    )
    user = db.session.scalars(stmt).unique().first()
    if user is None:
        return None
    user.session_token = token
    return user


def find_user_for_login(login: str) -> User | None:
    """The user a login name designates: a username, or an e-mail address."""
    login = login.strip().lower()
    column = User.email if "@" in login else User.username
    return db.session.scalars(select(User).where(column == login).options(
        joinedload(User.memberships), joinedload(User.network_roles))).unique().first()


def username_taken(username: str, except_id: int | None = None) -> bool:
    stmt = select(func.count()).select_from(User).where(User.username == username)
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return bool(db.session.scalar(stmt))


def email_taken(email: str | None, except_id: int | None = None) -> bool:
    if not email:
        return False
    stmt = select(func.count()).select_from(User).where(User.email == email)
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return bool(db.session.scalar(stmt))


def staff_number_taken(academy_id: int | None, number: str | None,
                       except_id: int | None = None) -> bool:
    if not number or academy_id is None:
        return False
    stmt = (
        select(func.count())
        .select_from(User)
        .where(User.academy_id == academy_id, User.staff_number == number)
    )
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return bool(db.session.scalar(stmt))


def existing_usernames(usernames: set[str]) -> set[str]:
    """Which of these usernames are already taken."""
    if not usernames:
        return set()
    return set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))


def existing_emails(emails: set[str]) -> set[str]:
    """Which of these e-mail addresses are already taken."""
    if not emails:
        return set()
    return set(db.session.scalars(select(User.email).where(User.email.in_(emails))))


def existing_staff_numbers(academy_id: int, numbers: set[str]) -> set[str]:
    """Which of these staff numbers are already used in the academy."""
    if not numbers:
        return set()
    stmt = select(User.staff_number).where(
        User.academy_id == academy_id, User.staff_number.in_(numbers)
    )
    return set(db.session.scalars(stmt))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)
