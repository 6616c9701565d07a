"""The audit trail: every read and write of personal data, and every refused attempt.

``record`` adds an ``audit_event`` row in the caller's transaction, so the event and the change
commit or roll back together; once the transaction commits, the event is also written as one JSON
line on the ``audit`` logger in the original's format (``reference/ehoks-backend.md`` §6).
A refused request is recorded with status ``failed`` by the edge, in a transaction of its own,
after the request's own transaction has rolled back (so nothing else of it remains).

Each row also keeps what the JSON line does not: the roles the actor held (``actor_roles``,
``"NAME:organisation-oid"``) and the organisation the data belongs to (``organisation_oid``, the
study right's oppilaitos), so that a student can be told which organisation, in which role,
saw their data (``docs/adr/0006-audit-trail-and-student-access-log.md``). The table is
append-only: nothing in the code updates or deletes a row, and on PostgreSQL a trigger refuses it.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from ehoks.access.identity import Actor, OrganisationPrivileges
from ehoks.access.roles import ROLE_PRIVILEGES, ROLE_ROLES
from ehoks.access.storage import AuditEvent
from ehoks.db.types import utcnow

audit_logger = logging.getLogger("audit")

SUCCEEDED = "succeeded"
FAILED = "failed"

_log_sequence = itertools.count(1)
_PENDING = "ehoks_audit_lines"


def record(
    session: Session,
    *,
    actor: Actor,
    operation: str,
    target: Mapping[str, Any],
    changes: list[dict[str, Any]] | None = None,
    status: str = SUCCEEDED,
    organisation_oid: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction.

    ``organisation_oid`` is the organisation the data belongs to (a HOKS: the oppilaitos of its
    study right), when the caller knows it.
    """
    clean_target = {key: _jsonable(value) for key, value in target.items() if value is not None}
    audit_event = AuditEvent(
        occurred_at=utcnow(),
        actor_oid=actor.oid or None,
        actor_kind=actor.kind.value,
        actor_name=actor.username or None,
        session=actor.origin.session[:256],
        ip_address=actor.origin.ip_address[:64] or None,
        user_agent=actor.origin.user_agent[:512],
        operation=operation,
        status=status,
        hoks_id=_int_or_none(clean_target.get("hoksId")),
        oppija_oid=_str_or_none(clean_target.get("oppijaOid")),
        opiskeluoikeus_oid=_str_or_none(clean_target.get("opiskeluoikeusOid")),
        target=clean_target,
        changes=_jsonable(changes or []),
        actor_roles=actor_roles(actor),
        organisation_oid=organisation_oid or None,
    )
    session.add(audit_event)
    _queue_log_line(session, audit_event)
    return audit_event


# --- the actor's roles ---------------------------------------------------------------------

Grant = tuple[frozenset[str], frozenset[str]]


def _role_by_grant() -> dict[Grant, str]:
    """Privileges and roles → the role name giving exactly them (names sharing one are left out)."""
    names: dict[Grant, list[str]] = {}
    for name, privileges in ROLE_PRIVILEGES.items():
        grant = (frozenset(privileges), frozenset(ROLE_ROLES.get(name, frozenset())))
        names.setdefault(grant, []).append(name.value)
    return {grant: found[0] for grant, found in names.items() if len(found) == 1}


_ROLE_BY_GRANT = _role_by_grant()


def role_name(entry: OrganisationPrivileges) -> str | None:
    """The role name of one grant (``CRUD``, ``READ``, …); for a grant no single role name gives,
    its privileges and roles joined with ``+`` (``read+write``); None for a grant of nothing."""
    grant = (frozenset(entry.privileges), frozenset(entry.roles))
    if grant in _ROLE_BY_GRANT:
        return _ROLE_BY_GRANT[grant]
    held = sorted({*entry.privileges, *entry.roles})
    return "+".join(str(item) for item in held) if held else None


def actor_roles(actor: Actor) -> list[str]:
    """The actor's grants as ``"NAME:organisation-oid"``, in order, without repeats."""
    roles: list[str] = []
    for entry in actor.organisation_privileges:
        name = role_name(entry)
        if name is not None and f"{name}:{entry.oid}" not in roles:
            roles.append(f"{name}:{entry.oid}")
    return roles


def parse_role(role: str) -> tuple[str, str]:
    """``"NAME:organisation-oid"`` → (name, organisation OID)."""
    name, _, organisation_oid = role.partition(":")
    return name, organisation_oid


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the JSON log line ----------------------------------------------------------------------

_HELSINKI = ZoneInfo("Europe/Helsinki")


def log_line(audit_event: AuditEvent, *, service_name: str = "both") -> dict[str, Any]:
    """The event in the original's audit-log format."""
    return {
        "version": 1,
        "logSeq": next(_log_sequence),
        "type": "log",
        "bootTime": datetime.now(_HELSINKI).isoformat(),
        "hostname": os.environ.get("HOSTNAME", "") or socket.gethostname(),
        "serviceName": service_name,
        "applicationType": "backend",
        "user": {
            "oid": audit_event.actor_oid or "",
            "ipAddress": audit_event.ip_address or "",
            "session": audit_event.session or "no session",
            "userAgent": audit_event.user_agent or "no user agent",
        },
        "target": audit_event.target,
        "status": audit_event.status,
        "operation": audit_event.operation,
        "changes": audit_event.changes,
    }


def _queue_log_line(session: Session, audit_event: AuditEvent) -> None:
    pending: list[AuditEvent] | None = session.info.get(_PENDING)
    if pending is None:
        pending = []
        session.info[_PENDING] = pending
        event.listen(session, "after_commit", _emit_pending)
        event.listen(session, "after_rollback", _drop_pending)
    pending.append(audit_event)


def _emit_pending(session: Session) -> None:
    pending: list[AuditEvent] = session.info.get(_PENDING, [])
    for audit_event in pending:
        audit_logger.info(json.dumps(log_line(audit_event), ensure_ascii=False))
    pending.clear()


def _drop_pending(session: Session) -> None:
    session.info.get(_PENDING, []).clear()


# --- the diff of the original ----------------------------------------------------------------


def diff(old: Any, new: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Changes from ``old`` to ``new``: maps by key union, lists by index, leaves as entries.

    Paths join keys with ``.``: map keys get a leading colon (Clojure keywords), list indices
    are plain numbers. Changes of ``module-id`` are left out, as in the original.
    """
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        changes: list[dict[str, Any]] = []
        for key in [*old.keys(), *(k for k in new if k not in old)]:
            changes.extend(diff(old.get(key), new.get(key), (*path, f":{key}")))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        changes = []
        for index in range(max(len(old), len(new))):
            changes.extend(
                diff(
                    old[index] if index < len(old) else None,
                    new[index] if index < len(new) else None,
                    (*path, str(index)),
                )
            )
        return changes
    if old == new:
        return []
    if path and path[-1] == ":module-id":
        return []
    entry: dict[str, Any] = {"path": ".".join(path)}
    if old is not None:
        entry["oldValue"] = old
    if new is not None:
        entry["newValue"] = new
    return [entry]
