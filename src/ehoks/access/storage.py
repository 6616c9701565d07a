"""Tables of users, role grants, CAS tickets and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ehoks.db.base import Base
from ehoks.db.types import BigIntPK, JsonDocument, UtcDateTime, utcnow


class User(Base):
    """A person or system that signs in: service users (PALVELU) and officers (VIRKAILIJA)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    kayttajatyyppi: Mapped[str] = mapped_column(String(16))  # PALVELU | VIRKAILIJA
    oid: Mapped[str] = mapped_column(String(64), unique=True)  # oidHenkilo
    display_name: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class UserRole(Base):
    """One role held in one organisation (and inherited by its children)."""

    __tablename__ = "app_user_role"
    __table_args__ = (UniqueConstraint("user_id", "name", "organisation_oid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(32))  # CRUD | READ | HOKS_DELETE | OPHPAAKAYTTAJA ...
    organisation_oid: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship(back_populates="roles")


class CasTicket(Base):
    """A ticket of the built-in CAS: ticket-granting (TGT-…) or single-use service ticket (ST-…)."""

    __tablename__ = "cas_ticket"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    granting_ticket_id: Mapped[str | None] = mapped_column(
        ForeignKey("cas_ticket.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str | None] = mapped_column(String(1024))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    consumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEvent(Base):
    """One read or write of personal data, or a refused attempt. Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str | None] = mapped_column(String(128))
    session: Mapped[str | None] = mapped_column(String(256))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    operation: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    hoks_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    oppija_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    opiskeluoikeus_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    target: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    changes: Mapped[list[Any]] = mapped_column(JsonDocument, default=list)
    # The roles the actor held ("NAME:organisation-oid"), and the organisation the data
    # belongs to (the study right's oppilaitos) when known.
    actor_roles: Mapped[list[str] | None] = mapped_column(JsonDocument)
    organisation_oid: Mapped[str | None] = mapped_column(String(64), index=True)


class WebSession(Base):
    """A signed-in browser (officer or student). Only a hash of the cookie's token is stored,
    so a copy of this table does not let anyone in. Shared by every app server."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    kind: Mapped[str] = mapped_column(String(16))  # VIRKAILIJA | OPPIJA
    # A built-in officer: roles are read from app_user_role on every request (a revoked role
    # takes effect at once). An external-CAS officer: the CAS roles given at sign-in.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    oid: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(128), default="")
    display_name: Mapped[str] = mapped_column(String(256), default="")
    cas_roles: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    # The service ticket of a CAS sign-in, matched by CAS single logout (SessionIndex).
    cas_ticket: Mapped[str | None] = mapped_column(String(256), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
