"""Users of the built-in CAS: service users (PALVELU) and officers (VIRKAILIJA).

Each user has a person OID of node 24 (``oidHenkilo``) and role grants ``(NAME, organisation
OID)`` that the ticket service hands out as ``ROLE_APP_EHOKS_<NAME>_<org-oid>`` strings
(``reference/ehoks-backend.md`` §4.1). Service functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.identity import SYSTEM_ACTOR, Actor
from ehoks.access.passwords import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
from ehoks.access.roles import RoleName, cas_role_string
from ehoks.access.storage import User, UserRole
from ehoks.db.types import utcnow
from ehoks.errors import InvalidRequest
from ehoks.identifiers import ORGANISAATIO_OID_RE, make_oid

MIN_PASSWORD_LENGTH = 10
MAX_USERNAME_LENGTH = 128
LOCKOUT_THRESHOLD = 10  # consecutive failed password attempts …
LOCKOUT_DURATION = timedelta(minutes=15)  # … lock the user for this long


class Kayttajatyyppi(StrEnum):
    """The CAS ``kayttajaTyyppi`` attribute."""

    PALVELU = "PALVELU"  # a system (student-administration system, Vipunen, …)
    VIRKAILIJA = "VIRKAILIJA"  # an officer


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    kayttajatyyppi: str,
    roles: Iterable[tuple[str, str]],
    display_name: str = "",
    actor: Actor = SYSTEM_ACTOR,
) -> User:
    """Create a user with a new person OID and the given ``(role NAME, organisation OID)`` grants.

    Raises ``InvalidRequest`` for a taken or malformed username, a too short password, an
    unknown user type, an unknown role name or a malformed organisation OID.
    """
    if not username or username != username.strip() or len(username) > MAX_USERNAME_LENGTH:
        raise InvalidRequest(
            f"Username must be 1-{MAX_USERNAME_LENGTH} characters without surrounding spaces"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long")
    try:
        user_type = Kayttajatyyppi(kayttajatyyppi)
    except ValueError:
        raise InvalidRequest(f"Unknown user type `{kayttajatyyppi}`") from None
    grants = _validated_roles(roles)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidRequest(f"User `{username}` already exists")

    granted_by = actor.oid or actor.username
    user = User(
        username=username,
        password_hash=hash_password(password),
        kayttajatyyppi=user_type.value,
        oid=_unused_person_oid(session),
        display_name=display_name,
        failed_logins=0,
        roles=[
            UserRole(name=name, organisation_oid=org, granted_by=granted_by) for name, org in grants
        ],
    )
    session.add(user)
    session.flush()
    return user


def _validated_roles(roles: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    grants: list[tuple[str, str]] = []
    for name, organisation_oid in roles:
        try:
            role = RoleName(name)
        except ValueError:
            known = ", ".join(member.value for member in RoleName)
            raise InvalidRequest(f"Unknown role `{name}` (known roles: {known})") from None
        if not ORGANISAATIO_OID_RE.match(organisation_oid):
            raise InvalidRequest(f"Malformed organisation OID `{organisation_oid}`")
        if (role.value, organisation_oid) not in grants:
            grants.append((role.value, organisation_oid))
    return grants


def _unused_person_oid(session: Session) -> str:
    while True:
        body = str(secrets.randbelow(9 * 10**9) + 10**9)  # 10 digits, no leading zero
        oid = make_oid("24", body)
        if session.scalar(select(User.id).where(User.oid == oid)) is None:
            return oid


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled, unlocked user with this username and password, or None.

    Every call verifies one argon2 hash, also for unknown, disabled or locked users, so the
    answer and its timing do not tell whether a username exists. ``LOCKOUT_THRESHOLD``
    consecutive failures lock the user for ``LOCKOUT_DURATION``; attempts during the lock fail
    even with the right password and do not extend it. Writes the counters (flush), so the
    caller commits also when the answer is None.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        spend_verification_time(password)
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        spend_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_logins = 0
        session.flush()
        return None
    if user.disabled_at is not None:
        return None
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by username (roles loaded)."""
    return list(session.scalars(select(User).order_by(User.username)))


def cas_roles_of(user: User) -> tuple[str, ...]:
    """The user's grants as CAS ``roles`` attribute values ``ROLE_APP_EHOKS_<NAME>_<org>``."""
    grants = sorted((role.name, role.organisation_oid) for role in user.roles)
    return tuple(cas_role_string(name, organisation_oid) for name, organisation_oid in grants)
