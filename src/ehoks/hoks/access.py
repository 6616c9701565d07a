"""Who may read or change which HOKS: the only way the use cases obtain a HOKS.

A HOKS belongs to the *oppilaitos* of its study right (from the study-right index); a privilege
held there or in any ancestor organisation (Organisaatiopalvelu ``parentOidPath``) gives access
(``reference/ehoks-backend.md`` §4.2). Denial is the original's 401 text.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ehoks.access.identity import Actor
from ehoks.access.scoping import has_oph_privilege, has_privilege
from ehoks.errors import InvalidRequest, NoAccess, NotFound
from ehoks.hoks import storage
from ehoks.hoks.storage import Hoks
from ehoks.registries.wiring import Registries

NO_ACCESS_TEXT = "No access is allowed. Check Opintopolku privileges and 'opiskeluoikeus'"
HOKS_NOT_FOUND_TEXT = "HOKS not found"


def organisation_ancestors(registries: Registries, organisation_oid: str) -> list[str]:
    """Ancestors of an organisation; 400 when Organisaatiopalvelu does not know it."""
    ancestors = registries.organisation_ancestors(organisation_oid)
    if ancestors is None:
        raise InvalidRequest(
            f"Organisation `{organisation_oid}` not found from Organisaatiopalvelu"
        )
    return ancestors


def require_privilege_in_oppilaitos(
    session: Session,
    registries: Registries,
    actor: Actor,
    *,
    opiskeluoikeus_oid: str,
    privilege: str,
) -> None:
    """The actor holds ``privilege`` in the oppilaitos of the indexed study right (or above)."""
    index_row = storage.get_opiskeluoikeus_index(session, opiskeluoikeus_oid)
    if index_row is None:
        raise InvalidRequest(f"Opiskeluoikeus `{opiskeluoikeus_oid}` not in index")
    if index_row.oppilaitos_oid is None:
        raise NoAccess(NO_ACCESS_TEXT)
    ancestors = organisation_ancestors(registries, index_row.oppilaitos_oid)
    if not has_privilege(actor, privilege, index_row.oppilaitos_oid, ancestors):
        raise NoAccess(NO_ACCESS_TEXT)


def access_hoks_by_id(
    session: Session,
    registries: Registries,
    actor: Actor,
    hoks_id: int,
    *,
    privilege: str,
    for_update: bool = False,
) -> Hoks:
    """The live HOKS ``hoks_id`` if the actor holds ``privilege`` for it (404 first, then 401)."""
    hoks = storage.get_hoks_by_id(session, hoks_id, for_update=for_update)
    if hoks is None or hoks.deleted_at is not None:
        raise NotFound(HOKS_NOT_FOUND_TEXT)
    require_privilege_in_oppilaitos(
        session,
        registries,
        actor,
        opiskeluoikeus_oid=hoks.opiskeluoikeus_oid,
        privilege=privilege,
    )
    return hoks


def access_hoks_by_opiskeluoikeus(
    session: Session, registries: Registries, actor: Actor, opiskeluoikeus_oid: str
) -> Hoks:
    """The live HOKS of a study right, if the actor may read it."""
    hoks = storage.get_hoks_by_opiskeluoikeus(session, opiskeluoikeus_oid)
    if hoks is None or hoks.deleted_at is not None:
        raise NotFound("No HOKS found with given opiskeluoikeus")
    require_privilege_in_oppilaitos(
        session, registries, actor, opiskeluoikeus_oid=opiskeluoikeus_oid, privilege="read"
    )
    return hoks


def require_oph_privilege(actor: Actor, privilege: str) -> None:
    """The privilege held on the OPH root organisation (national exports, maintenance)."""
    if not has_oph_privilege(actor, privilege):
        raise NoAccess(NO_ACCESS_TEXT)
