"""Reading the audit trail: OPH's search and export, and a student's own access log.

Nothing here writes: the trail is append-only (``docs/adr/0006-audit-trail-and-student-access-
log.md``). The callers audit the reading itself (``audit-search``, ``audit-export``, the
student's ``read``).

A student sees *who* in the form of an organisation and a role ("Ammattiopisto A1 — viewer",
"eHOKS service user of Koulutuskuntayhtymä A"), never an officer's or a service account's name or
OID; OPH sees everything and answers for individual officers on request.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from ehoks.access.audit import SUCCEEDED, parse_role
from ehoks.access.identity import ActorKind
from ehoks.access.roles import ROLE_PRIVILEGES, RoleName
from ehoks.access.storage import AuditEvent
from ehoks.errors import RegistryUnavailable
from ehoks.registries.wiring import Registries
from ehoks.settings import OPH_ROOT_OID

HELSINKI = ZoneInfo("Europe/Helsinki")
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 500
EXPORT_BATCH = 500


# --- filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What OPH searches the trail by. Dates are days in Finnish time, both ends included."""

    oppija_oid: str | None = None
    actor: str | None = None  # a user's OID or username
    hoks_id: int | None = None
    since: date | None = None
    until: date | None = None
    operation: str | None = None
    status: str | None = None

    def as_target(self) -> dict[str, Any]:
        """The filters as the target of the ``audit-search``/``audit-export`` event: the
        student's OID and the HOKS id in their usual keys, so that the search is itself found
        (and shown to the student) like any other use of their data."""
        return {
            "oppijaOid": self.oppija_oid,
            "hoksId": self.hoks_id,
            "user": self.actor,
            "since": self.since,
            "until": self.until,
            "auditOperation": self.operation,
            "auditStatus": self.status,
        }


def day_start(day: date) -> datetime:
    """The first instant of a day in Finland, in UTC."""
    return datetime.combine(day, time.min, tzinfo=HELSINKI).astimezone(UTC)


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.oppija_oid:
        conditions.append(AuditEvent.oppija_oid == filters.oppija_oid)
    if filters.actor:
        conditions.append(
            or_(AuditEvent.actor_oid == filters.actor, AuditEvent.actor_name == filters.actor)
        )
    if filters.hoks_id is not None:
        conditions.append(AuditEvent.hoks_id == filters.hoks_id)
    if filters.since is not None:
        conditions.append(AuditEvent.occurred_at >= day_start(filters.since))
    if filters.until is not None:
        conditions.append(AuditEvent.occurred_at < day_start(filters.until + timedelta(days=1)))
    if filters.operation:
        conditions.append(AuditEvent.operation == filters.operation)
    if filters.status:
        conditions.append(AuditEvent.status == filters.status)
    return conditions


# --- OPH: search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    events: list[AuditEvent]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def search_events(
    session: Session,
    *,
    oppija_oid: str | None = None,
    actor: str | None = None,
    hoks_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    operation: str | None = None,
    status: str | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE_DEFAULT,
) -> SearchResult:
    """One page of the events matching the filters, newest first, and how many match in all."""
    filters = AuditFilters(oppija_oid, actor, hoks_id, since, until, operation, status)
    return search(session, filters, page=page, page_size=page_size)


def search(
    session: Session, filters: AuditFilters, *, page: int = 1, page_size: int = PAGE_SIZE_DEFAULT
) -> SearchResult:
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    conditions = _conditions(filters)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // page_size))
    page = max(1, min(page, pages))
    events = session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return SearchResult(list(events), total, page, page_size)


# --- OPH: export ---------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "status",
    "operation",
    "actor_kind",
    "actor_oid",
    "actor_name",
    "actor_roles",
    "organisation_oid",
    "hoks_id",
    "oppija_oid",
    "opiskeluoikeus_oid",
    "ip_address",
    "user_agent",
    "session",
    "target",
    "changes",
)
# Text a spreadsheet would take for a formula (CSV injection): such cells get a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_events(
    session: Session,
    *,
    oppija_oid: str | None = None,
    actor: str | None = None,
    hoks_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    operation: str | None = None,
    status: str | None = None,
) -> Iterator[list[str]]:
    """The matching events oldest first as CSV rows, the header first. Read in batches from a
    streaming cursor: memory stays flat however many events match."""
    filters = AuditFilters(oppija_oid, actor, hoks_id, since, until, operation, status)
    return export(session, filters)


def export(session: Session, filters: AuditFilters) -> Iterator[list[str]]:
    yield list(EXPORT_COLUMNS)
    columns = [getattr(AuditEvent, name) for name in EXPORT_COLUMNS]
    statement = (
        select(*columns)
        .where(*_conditions(filters))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    for row in session.execute(statement):
        yield [_cell(name, value) for name, value in zip(EXPORT_COLUMNS, row, strict=True)]


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name == "actor_roles":
        return " ".join(str(role) for role in value)
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (UTF-8 with a byte order mark, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    first = True
    for row in rows:
        writer.writerow(row)
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield ("\ufeff" + line) if first else line
        first = False


# --- a student's own access log --------------------------------------------------------------


class AccessKind(StrEnum):
    """What was done with the student's data, as the student is told."""

    VIEWED = "viewed"
    CREATED = "created"
    CHANGED = "changed"
    DELETED = "deleted"
    CHECKED = "checked"  # validated before saving; nothing stored
    AUDITED = "audited"  # OPH looked at the audit trail of the student's data
    PROCESSED = "processed"  # anything else


_KIND_OF_OPERATION = {
    "read": AccessKind.VIEWED,
    "create": AccessKind.CREATED,
    "update": AccessKind.CHANGED,
    "overwrite": AccessKind.CHANGED,
    "restore": AccessKind.CHANGED,
    "delete": AccessKind.DELETED,
    "soft-delete": AccessKind.DELETED,
    "hard-delete": AccessKind.DELETED,
    "validate": AccessKind.CHECKED,
    "audit-search": AccessKind.AUDITED,
    "audit-export": AccessKind.AUDITED,
}
_NEEDED_PRIVILEGES = {
    AccessKind.VIEWED: {"read"},
    AccessKind.AUDITED: {"read"},
    AccessKind.CHECKED: {"read", "write"},
    AccessKind.CREATED: {"write"},
    AccessKind.CHANGED: {"update", "write"},
    AccessKind.DELETED: {"delete", "hoks_delete"},
}
_FAR = 1_000


def access_kind(operation: str) -> AccessKind:
    return _KIND_OF_OPERATION.get(operation, AccessKind.PROCESSED)


@dataclass(frozen=True)
class Who:
    """Who used the data, as a student is told: the kind of user and, for officers and service
    users, the organisation whose role was used. Never a person's name or OID."""

    actor_kind: str  # VIRKAILIJA | PALVELU | SYSTEM | …
    organisation_oid: str | None = None
    role: str | None = None  # CRUD | READ | PAAKAYTTAJA | … (officers only)


@dataclass
class AccessLogEntry:
    """The uses of one kind by one "who" on one day (Finnish time)."""

    who: Who
    kind: AccessKind
    day: date
    first_at: datetime
    last_at: datetime
    count: int = 1
    organisation_name: dict[str, str] = field(default_factory=dict)

    def organisation_name_in(self, lang: str) -> str:
        names = self.organisation_name
        return (
            names.get(lang)
            or names.get("fi")
            or names.get("sv")
            or names.get("en")
            or self.who.organisation_oid
            or ""
        )


def _role_privileges(name: str) -> set[str]:
    try:
        return {str(privilege) for privilege in ROLE_PRIVILEGES[RoleName(name)]}
    except ValueError:
        return set(name.split("+"))


def who_of(
    *,
    actor_kind: str,
    actor_roles: list[str] | None,
    organisation_oid: str | None,
    kind: AccessKind,
    ancestors: list[str],
) -> Who:
    """The role through which the actor used data of ``organisation_oid`` (whose ancestors, root
    first, are ``ancestors``): among the actor's grants in that organisation or above, one that
    gives the privilege the use needed, nearest to the organisation first."""
    if actor_kind == ActorKind.SYSTEM.value:
        return Who(actor_kind, OPH_ROOT_OID)
    roles = [parse_role(role) for role in actor_roles or []]
    if not roles:
        return Who(actor_kind, organisation_oid if actor_kind == ActorKind.PALVELU else None)
    distance = {oid: index for index, oid in enumerate([organisation_oid, *reversed(ancestors)])}
    in_scope = [role for role in roles if role[1] in distance] if organisation_oid else []
    candidates = in_scope or roles
    needed = _NEEDED_PRIVILEGES.get(kind, set())
    enough = [role for role in candidates if _role_privileges(role[0]) & needed]
    name, chosen_oid = min(enough or candidates, key=lambda role: distance.get(role[1], _FAR))
    if actor_kind == ActorKind.PALVELU.value:
        return Who(actor_kind, chosen_oid)
    return Who(actor_kind, chosen_oid, name)


def events_about_student(
    session: Session, oppija_oid: str, registries: Registries
) -> list[AccessLogEntry]:
    """Who has viewed or changed the student's data: the succeeded events about the student by
    anyone but the student, grouped by who, what and day, newest first."""
    statement = (
        select(
            AuditEvent.occurred_at,
            AuditEvent.operation,
            AuditEvent.actor_kind,
            AuditEvent.actor_roles,
            AuditEvent.organisation_oid,
        )
        .where(
            AuditEvent.oppija_oid == oppija_oid,
            AuditEvent.status == SUCCEEDED,
            # The student's own visits are not "someone else using my data".
            or_(
                AuditEvent.actor_kind != ActorKind.OPPIJA.value,
                AuditEvent.actor_oid.is_(None),
                AuditEvent.actor_oid != oppija_oid,
            ),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .execution_options(yield_per=EXPORT_BATCH)
    )
    ancestors: dict[str, list[str]] = {}
    groups: dict[tuple[Who, AccessKind, date], AccessLogEntry] = {}
    for occurred_at, operation, actor_kind, roles, organisation_oid in session.execute(statement):
        if organisation_oid and organisation_oid not in ancestors:
            ancestors[organisation_oid] = _ancestors(registries, organisation_oid)
        kind = access_kind(operation)
        who = who_of(
            actor_kind=actor_kind,
            actor_roles=roles,
            organisation_oid=organisation_oid,
            kind=kind,
            ancestors=ancestors.get(organisation_oid or "", []),
        )
        day = occurred_at.astimezone(HELSINKI).date()
        entry = groups.get((who, kind, day))
        if entry is None:
            groups[(who, kind, day)] = AccessLogEntry(who, kind, day, occurred_at, occurred_at)
        else:
            entry.count += 1
            entry.first_at = min(entry.first_at, occurred_at)
            entry.last_at = max(entry.last_at, occurred_at)
    entries = sorted(groups.values(), key=lambda entry: entry.last_at, reverse=True)
    oids = sorted({entry.who.organisation_oid for entry in entries if entry.who.organisation_oid})
    names = _names(registries, oids)
    for entry in entries:
        entry.organisation_name = names.get(entry.who.organisation_oid or "", {})
    return entries


# The organisation register may be an HTTP service: when it cannot be asked, the log is still
# shown, with organisation OIDs in place of names and roles matched without the hierarchy.


def _ancestors(registries: Registries, organisation_oid: str) -> list[str]:
    try:
        return registries.organisation_ancestors(organisation_oid) or []
    except RegistryUnavailable:
        return []


def _names(registries: Registries, oids: list[str]) -> dict[str, dict[str, str]]:
    if not oids:
        return {}
    try:
        found = registries.organisaatio.find_by_oids(oids)
    except RegistryUnavailable:
        return {}
    return {organisaatio.oid: dict(organisaatio.nimi) for organisaatio in found}
