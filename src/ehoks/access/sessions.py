"""Browser sessions of officers and students, kept in the database so that every app server
sees them (C8). The cookie holds a random token; the table holds its SHA-256.

A session ends when it has been idle for ``idle`` or reached its absolute expiry, on sign-out,
and on CAS single logout (by the service ticket it was created with). Functions flush; the
caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ehoks.access.identity import Actor, ActorKind, OrganisationPrivileges, RequestOrigin
from ehoks.access.roles import parse_cas_roles, privileges_of
from ehoks.access.storage import User, WebSession
from ehoks.db.types import utcnow

# The cookie carrying the session token (pages and the officer/student JSON routes).
SESSION_COOKIE = "ehoks_session"
# The header carrying the session's CSRF token on state-changing JSON calls.
CSRF_HEADER = "X-CSRF-Token"


class SessionState(StrEnum):
    ACTIVE = "active"
    NONE = "none"  # no cookie, or a token this service never issued
    EXPIRED = "expired"  # idle or absolute expiry passed (the page says "session expired")


@dataclass(frozen=True)
class Principal:
    """Who a new session is for."""

    kind: ActorKind
    oid: str
    username: str = ""
    display_name: str = ""
    user_id: int | None = None
    cas_roles: tuple[str, ...] = ()
    cas_ticket: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_handle(token: str | None) -> str:
    """A non-secret handle of a browser session for the audit trail (never the token)."""
    return f"web-{token_hash(token)[:16]}" if token else "no session"


def start_session(
    session: Session, principal: Principal, *, lifetime: timedelta, now: datetime | None = None
) -> tuple[str, WebSession]:
    """A new session (a new token: sign-in never reuses an earlier session's id)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        id=token_hash(token),
        kind=principal.kind.value,
        user_id=principal.user_id,
        oid=principal.oid,
        username=principal.username,
        display_name=principal.display_name,
        cas_roles=list(principal.cas_roles),
        cas_ticket=principal.cas_ticket,
        csrf_token=secrets.token_urlsafe(32),
        data={},
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return token, row


def resume_session(
    session: Session, token: str | None, *, idle: timedelta, now: datetime | None = None
) -> tuple[SessionState, WebSession | None]:
    """The active session of ``token`` (its idle timer restarted), or why there is none.

    An expired session is deleted."""
    if not token:
        return SessionState.NONE, None
    row = session.get(WebSession, token_hash(token))
    if row is None:
        return SessionState.NONE, None
    now = now or utcnow()
    if row.expires_at <= now or row.last_seen_at + idle <= now:
        session.delete(row)
        session.flush()
        return SessionState.EXPIRED, None
    # Writing on every request would make each page a write; a minute's precision is enough.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        session.flush()
    return SessionState.ACTIVE, row


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.id == token_hash(token)))


def end_sessions_of_ticket(session: Session, cas_ticket: str) -> int:
    """CAS single logout: end the sessions created with ``cas_ticket``."""
    rows = list(session.scalars(select(WebSession).where(WebSession.cas_ticket == cas_ticket)))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def purge_expired_sessions(
    session: Session, *, idle: timedelta, now: datetime | None = None
) -> int:
    now = now or utcnow()
    rows = list(
        session.scalars(
            select(WebSession).where(
                (WebSession.expires_at <= now) | (WebSession.last_seen_at <= now - idle)
            )
        )
    )
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def actor_of(session: Session, row: WebSession, origin: RequestOrigin) -> Actor | None:
    """The actor of a session; None when its built-in user was disabled meanwhile."""
    privileges: tuple[OrganisationPrivileges, ...]
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is None or user.disabled_at is not None:
            return None
        privileges = tuple(privileges_of(role.name, role.organisation_oid) for role in user.roles)
    else:
        privileges = parse_cas_roles(row.cas_roles)
    return Actor(
        kind=ActorKind(row.kind),
        oid=row.oid,
        username=row.username,
        organisation_privileges=privileges,
        origin=origin,
    )


def resume_actor(
    session: Session,
    token: str | None,
    *,
    idle: timedelta,
    origin: RequestOrigin,
    now: datetime | None = None,
) -> tuple[SessionState, WebSession | None, Actor | None]:
    """``resume_session`` and the session's actor. A session whose built-in user was disabled
    meanwhile ends here (``EXPIRED``). Flushes; the caller commits."""
    state, row = resume_session(session, token, idle=idle, now=now)
    if row is None:
        return state, None, None
    actor = actor_of(session, row, origin)
    if actor is None:
        end_session(session, token)
        return SessionState.EXPIRED, None, None
    return state, row, actor
