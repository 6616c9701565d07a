"""The officer maintenance routes of the original (``reference/ehoks-backend.md`` §1.4
"System", V16, V18) under ``/ehoks-virkailija-backend/api/v1/virkailija``: an officer session
(cookie) of an OPH administrator; state-changing calls carry ``X-CSRF-Token``."""

from __future__ import annotations

import resource
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from ehoks.access import audit
from ehoks.access.scoping import has_privilege
from ehoks.api.deps import ContextDep, RegistriesDep, SessionDep
from ehoks.api.security import OfficerUserDep, SuperUserDep, audited
from ehoks.errors import Forbidden
from ehoks.hoks import index, maintenance
from ehoks.hoks.access import organisation_ancestors

PREFIX = "/ehoks-virkailija-backend/api/v1/virkailija"
router = APIRouter(
    prefix=PREFIX,
    tags=["virkailija system"],
    responses={
        401: {"description": "No officer session (empty body)"},
        403: {"description": "Not an OPH administrator, or no CSRF header on a change"},
        404: {"description": "Not found"},
        400: {"description": "Malformed request"},
    },
)

MAX_ID = 2**63 - 1
HoksId = Annotated[int, Path(ge=1, le=MAX_ID)]


def envelope(data: Any) -> dict[str, Any]:
    return {"data": data, "meta": {}}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class OppijaOidBody(_Body):
    oppija_oid: str = Field(alias="oppija-oid", min_length=1, max_length=64)


class OpiskeluoikeusOidBody(_Body):
    opiskeluoikeus_oid: str = Field(alias="opiskeluoikeus-oid", min_length=1, max_length=64)


class KoulutustoimijaOidBody(_Body):
    koulutustoimija_oid: str = Field(alias="koulutustoimija-oid", min_length=1, max_length=64)


@router.get("/system-info/cache")
def cache_info(_actor: SuperUserDep, context: ContextDep) -> dict[str, Any]:
    return envelope({"size": context.registries.cache_size()})


@router.get("/system-info/memory")
def memory_info(_actor: SuperUserDep) -> dict[str, Any]:
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return envelope({"maxResidentSetKiB": peak_kib})


@router.get("/system-info/oppijaindex")
def oppijaindex_info(_actor: SuperUserDep, session: SessionDep) -> dict[str, Any]:
    return envelope(index.unindexed_counts(session).as_json())


@router.get("/system-info/hoksit")
def hoksit_info(_actor: SuperUserDep, session: SessionDep) -> dict[str, Any]:
    return envelope({"amount": maintenance.hoks_count(session)})


@router.post("/index", dependencies=[audited(":system/index-oppijat-and-opiskeluoikeudet")])
def index_missing(
    actor: SuperUserDep, session: SessionDep, registries: RegistriesDep
) -> dict[str, Any]:
    report = maintenance.index_missing(session, registries, actor)
    session.commit()
    return envelope(
        {
            "oppijat": report.oppijat,
            "opiskeluoikeudet": report.opiskeluoikeudet,
            "tutkinnot": report.tutkinnot,
            "errors": report.errors,
        }
    )


@router.delete("/cache", dependencies=[audited(":system/clear-cache")])
def clear_cache(actor: SuperUserDep, context: ContextDep, session: SessionDep) -> dict[str, Any]:
    context.registries.clear_caches()
    audit.record(session, actor=actor, operation=":system/clear-cache", target={})
    session.commit()
    return envelope({})


@router.put("/oppija/update", status_code=204, dependencies=[audited(":system/update-oppija")])
def update_oppija(
    body: OppijaOidBody, actor: SuperUserDep, session: SessionDep, registries: RegistriesDep
) -> Response:
    maintenance.refresh_oppija(session, registries, actor, body.oppija_oid)
    session.commit()
    return Response(status_code=204)


@router.post("/onrmodify", status_code=204, dependencies=[audited(":system/update-oppija-onr")])
def onr_modify(
    actor: SuperUserDep,
    session: SessionDep,
    registries: RegistriesDep,
    context: ContextDep,
    oid: Annotated[str, Query(min_length=1, max_length=64)],
) -> Response:
    # The original asks ONR uncached here: a merge must see ONR as it is now.
    context.registries.clear_caches()
    maintenance.merge_oppija(session, registries, actor, oid)
    session.commit()
    return Response(status_code=204)


@router.get("/opiskeluoikeus/{opiskeluoikeus_oid}", dependencies=[audited("read")])
def hoks_id_of_opiskeluoikeus(
    opiskeluoikeus_oid: Annotated[str, Path(max_length=64)],
    actor: SuperUserDep,
    session: SessionDep,
) -> dict[str, Any]:
    hoks_id = maintenance.hoks_of_opiskeluoikeus(session, actor, opiskeluoikeus_oid)
    session.commit()
    return envelope({"id": hoks_id})


@router.put(
    "/opiskeluoikeus/update",
    status_code=204,
    dependencies=[audited(":system/update-opiskeluoikeus-in-index")],
)
def update_opiskeluoikeus(
    body: OpiskeluoikeusOidBody,
    actor: SuperUserDep,
    session: SessionDep,
    registries: RegistriesDep,
) -> Response:
    maintenance.reindex_opiskeluoikeus(session, registries, actor, body.opiskeluoikeus_oid)
    session.commit()
    return Response(status_code=204)


@router.put(
    "/opiskeluoikeudet/update",
    status_code=204,
    dependencies=[audited(":system/reset-opiskeluoikeus-index")],
)
def update_koulutustoimija_opiskeluoikeudet(
    body: KoulutustoimijaOidBody,
    actor: SuperUserDep,
    session: SessionDep,
    registries: RegistriesDep,
) -> Response:
    maintenance.reindex_koulutustoimija(session, registries, actor, body.koulutustoimija_oid)
    session.commit()
    return Response(status_code=204)


@router.get("/opiskeluoikeudet/{koulutustoimija_oid}/deletion-info")
def koulutustoimija_deletion_info(
    koulutustoimija_oid: Annotated[str, Path(max_length=64)],
    _actor: SuperUserDep,
    session: SessionDep,
) -> dict[str, Any]:
    return envelope(index.koulutustoimija_deletion_info(session, koulutustoimija_oid))


@router.get("/hoks/{hoks_id}", dependencies=[audited("read")])
def hoks_identifiers(hoks_id: HoksId, actor: SuperUserDep, session: SessionDep) -> dict[str, Any]:
    identifiers = maintenance.hoks_identifiers(session, actor, hoks_id)
    session.commit()
    return envelope(identifiers)


@router.get("/missing-oo-hoksit/{oppilaitos_oid}", dependencies=[audited("read")])
def missing_opiskeluoikeus_hoksit(
    oppilaitos_oid: Annotated[str, Path(max_length=64)],
    actor: OfficerUserDep,
    session: SessionDep,
    registries: RegistriesDep,
    pagesize: Annotated[int, Query(ge=1, le=1000)] = 25,
    pageindex: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """V16: HOKSes of an oppilaitos whose study right KOSKI no longer returns."""
    ancestors = organisation_ancestors(registries, oppilaitos_oid)
    if not has_privilege(actor, "read", oppilaitos_oid, ancestors):
        raise Forbidden("User has insufficient privileges for given organisation")
    report = index.missing_opiskeluoikeus_hoksit(
        session, oppilaitos_oid, page_size=pagesize, page_index=pageindex
    )
    return envelope(report)


@router.get("/puuttuvat-opiskeluoikeudet-temp", dependencies=[audited(":system/koski404")])
def mark_missing_opiskeluoikeudet(
    actor: SuperUserDep,
    session: SessionDep,
    registries: RegistriesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    from_id: Annotated[int, Query(alias="from-id", ge=0, le=MAX_ID)] = 0,
) -> dict[str, Any]:
    """V18: ask KOSKI for the study rights of a batch of HOKSes and mark ``koski404``. The
    original lets any officer do this; here it is an OPH task (it writes the index)."""
    batch = index.mark_koski404(session, registries, from_id=from_id, limit=limit)
    audit.record(
        session,
        actor=actor,
        operation=":system/koski404",
        target={"fromId": from_id, "amount": limit, "hoksIds": list(batch.marked_hoks_ids)},
    )
    session.commit()
    return {
        "checked": batch.checked,
        "marked-hoks-ids": list(batch.marked_hoks_ids),
        "last-id": batch.last_id,
    }
