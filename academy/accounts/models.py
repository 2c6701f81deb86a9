"""People, their network roles and their server-side login sessions."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.accounts.roles import ACADEMY_ADMIN, COORDINATOR, SITE_ADMIN
from academy.db import UTCDateTime, utcnow
from academy.extensions import db
from academy.i18n import sort_key

if TYPE_CHECKING:
    from academy.academies.models import Academy, Membership


class User(db.Model):
    """A person: logs in with a username; e-mail and staff number are optional."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("academy_id", "staff_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # The display name without accents or case, so lists sort as people expect on any database.
    sort_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    staff_number: Mapped[str | None] = mapped_column(String(64))
    academy_id: Mapped[int | None] = mapped_column(
        ForeignKey("academies.id", ondelete="RESTRICT"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    # Their own time zone (IANA name); None: their academy's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    academy: Mapped[Academy | None] = relationship(lazy="joined", innerjoin=False)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    network_roles: Mapped[list[NetworkRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )

    # The token of the login session this object was loaded for (set by the session loader).
    session_token = None

    # Flask-Login protocol, spelled out: the id Flask-Login keeps is the session token, so a
    # session the server has ended cannot be revived by replaying an old cookie.
    is_authenticated = True
    is_anonymous = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sort_name = sort_key(self.display_name or "")

    def get_id(self) -> str | None:
        """The login-session token that Flask-Login stores in the cookie."""
        return self.session_token

    @property
    def network_role_names(self) -> set[str]:
        """Network-wide roles held: coordinator and/or site admin."""
        return {role.role for role in self.network_roles}

    @property
    def is_site_admin(self) -> bool:
        return SITE_ADMIN in self.network_role_names

    @property
    def is_coordinator(self) -> bool:
        return COORDINATOR in self.network_role_names

    def roles_in(self, academy_id: int | None) -> set[str]:
        """Roles held in one academy."""
        return {m.role for m in self.memberships if m.academy_id == academy_id}

    def has_role(self, role: str, academy_id: int | None = None) -> bool:
        """Whether the role is held (in that academy, or in any when academy_id is None)."""
        return any(
            m.role == role and (academy_id is None or m.academy_id == academy_id)
            for m in self.memberships
        )

    @property
    def admin_academy_ids(self) -> set[int]:
        """Academies this person administers."""
        return {m.academy_id for m in self.memberships if m.role == ACADEMY_ADMIN}

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class NetworkRole(db.Model):
    """A network-wide role: coordinator or site admin."""

    __tablename__ = "network_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserSession(db.Model):
    """A login session held on the server; the browser only carries its random token."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
