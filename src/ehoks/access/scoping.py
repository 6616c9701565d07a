"""Organisation scoping: a privilege held in an organisation applies to all its descendants."""

from __future__ import annotations

from collections.abc import Iterable

from ehoks.access.identity import Actor
from ehoks.settings import OPH_ROOT_OID


def privileges_in(actor: Actor, organisation_oid: str, ancestors: Iterable[str]) -> set[str]:
    """The union of the actor's privileges in ``organisation_oid`` and in any of its ancestors."""
    scope = {organisation_oid, *ancestors}
    granted: set[str] = set()
    for entry in actor.organisation_privileges:
        if entry.oid in scope:
            granted |= entry.privileges
    return granted


def has_privilege(
    actor: Actor, privilege: str, organisation_oid: str, ancestors: Iterable[str]
) -> bool:
    return privilege in privileges_in(actor, organisation_oid, ancestors)


def has_oph_privilege(actor: Actor, privilege: str) -> bool:
    """The privilege held on the OPH root organisation itself ("OPH only" endpoints)."""
    return any(
        entry.oid == OPH_ROOT_OID and privilege in entry.privileges
        for entry in actor.organisation_privileges
    )
