"""Role names, the privileges they give, and their CAS role strings.

The original maps CAS roles ``ROLE_APP_EHOKS_<NAME>_<org-oid>`` to privilege sets
(``reference/ehoks-backend.md`` §4.1). Only organisation OIDs of node 10 are recognised, and
unknown names give no privileges, exactly as there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from ehoks.access.identity import OrganisationPrivileges


class Privilege(StrEnum):
    READ = "read"
    WRITE = "write"
    UPDATE = "update"
    DELETE = "delete"
    HOKS_DELETE = "hoks_delete"


class RoleName(StrEnum):
    CRUD = "CRUD"  # eHOKS-tallentaja
    READ = "READ"  # eHOKS-katselija
    HOKS_DELETE = "HOKS_DELETE"
    OPHPAAKAYTTAJA = "OPHPAAKAYTTAJA"  # OPH administrator
    PAAKAYTTAJA = "PAAKAYTTAJA"  # eHOKS-pääkäyttäjä of a provider


_ALL_WRITE = frozenset({Privilege.READ, Privilege.WRITE, Privilege.UPDATE, Privilege.DELETE})

ROLE_PRIVILEGES: dict[RoleName, frozenset[str]] = {
    RoleName.CRUD: frozenset(_ALL_WRITE),
    RoleName.READ: frozenset({Privilege.READ}),
    RoleName.HOKS_DELETE: frozenset({Privilege.HOKS_DELETE}),
    RoleName.OPHPAAKAYTTAJA: frozenset(_ALL_WRITE),
    RoleName.PAAKAYTTAJA: frozenset(_ALL_WRITE),
}
ROLE_ROLES: dict[RoleName, frozenset[str]] = {
    RoleName.OPHPAAKAYTTAJA: frozenset({"oph-super-user"}),
    RoleName.PAAKAYTTAJA: frozenset({"paakayttaja"}),
}

CAS_ROLE_RE = re.compile(r"^ROLE_APP_EHOKS_([A-Z_]+?)_(1\.2\.246\.562\.10\.\d+)$")


def cas_role_string(name: str, organisation_oid: str) -> str:
    return f"ROLE_APP_EHOKS_{name}_{organisation_oid}"


def privileges_of(name: str, organisation_oid: str) -> OrganisationPrivileges:
    try:
        role = RoleName(name)
    except ValueError:
        return OrganisationPrivileges(organisation_oid, frozenset())
    return OrganisationPrivileges(
        organisation_oid, ROLE_PRIVILEGES[role], ROLE_ROLES.get(role, frozenset())
    )


def parse_cas_roles(roles: Iterable[str]) -> tuple[OrganisationPrivileges, ...]:
    """Organisation privileges from CAS ``roles`` attributes; other strings are ignored."""
    entries: list[OrganisationPrivileges] = []
    for role in roles:
        match = CAS_ROLE_RE.match(role)
        if match:
            entries.append(privileges_of(match.group(1), match.group(2)))
    return tuple(entries)
