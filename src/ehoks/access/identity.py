"""The caller of a request, as every service function receives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ehoks.settings import OPH_ROOT_OID


class ActorKind(StrEnum):
    PALVELU = "PALVELU"  # a service user: student-administration system, Vipunen, ...
    VIRKAILIJA = "VIRKAILIJA"  # an officer of a provider or of OPH
    OPPIJA = "OPPIJA"  # a student
    SYSTEM = "SYSTEM"  # the service itself (CLI, jobs)
    ANONYMOUS = "ANONYMOUS"  # not (yet) authenticated: only in audit events of refusals


@dataclass(frozen=True)
class OrganisationPrivileges:
    """The privileges one role grant gives in one organisation (and its children)."""

    oid: str
    privileges: frozenset[str]
    roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RequestOrigin:
    """Where a request came from, for the audit trail."""

    ip_address: str = ""
    user_agent: str = "no user agent"
    session: str = "no session"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    oid: str
    username: str = ""
    organisation_privileges: tuple[OrganisationPrivileges, ...] = ()
    origin: RequestOrigin = field(default_factory=RequestOrigin)

    @property
    def is_oph_super_user(self) -> bool:
        """OPHPAAKAYTTAJA held on the OPH root organisation (the original accepted it held
        anywhere; it is only ever granted there)."""
        return any(
            "oph-super-user" in entry.roles and entry.oid == OPH_ROOT_OID
            for entry in self.organisation_privileges
        )


SYSTEM_ACTOR = Actor(kind=ActorKind.SYSTEM, oid="", username="ehoks")
