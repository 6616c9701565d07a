"""``/ehoks-virkailija-backend/api/v1/hoks``: the data-transfer API of student-administration
systems (``reference/ehoks-backend.md`` §1.1). Handlers parse, resolve the caller, call one use
case, commit once and answer in the original's envelope.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from ehoks.api.body import JsonBody
from ehoks.api.deps import RegistriesDep, SessionDep, SettingsDep
from ehoks.api.openapi import hoks_body, hoks_response
from ehoks.api.security import ServiceUserDep, TicketUserDep, audited
from ehoks.errors import SchemaError
from ehoks.hoks import service
from ehoks.hoks.schema import explain_value, parse_instant
from ehoks.hoks.service import HoksEnv
from ehoks.identifiers import OPISKELUOIKEUS_OID_RE, is_valid_opiskeluoikeus_oid

PREFIX = "/ehoks-virkailija-backend/api/v1"
router = APIRouter(prefix=PREFIX, tags=["hoks"])

# Ids are 64-bit database keys: anything larger is a 400, not a database overflow.
MAX_ID = 2**63 - 1
HoksId = Annotated[int, Path(description="HOKS id", ge=0, le=MAX_ID)]

DEPRECATED_PARTS = (
    "aiemmin-hankittu-ammat-tutkinnon-osa",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa",
    "hankittava-ammat-tutkinnon-osa",
    "hankittava-paikallinen-tutkinnon-osa",
    "hankittava-yhteinen-tutkinnon-osa",
    "opiskeluvalmiuksia-tukevat-opinnot",
)


def _env(registries: RegistriesDep, settings: SettingsDep) -> HoksEnv:
    return HoksEnv(registries=registries, settings=settings)


# What every HOKS use case needs besides the session: the registers and the settings.
EnvDep = Annotated[HoksEnv, Depends(_env)]


def _not_instant(value: str) -> str:
    return f"(not (instance? java.time.Instant {explain_value(value)}))"


def envelope(data: Any, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"data": data, "meta": meta or {}}


@router.post(
    "/hoks",
    summary="Create a HOKS",
    dependencies=[audited("create")],
    openapi_extra=hoks_body("post"),
    responses=hoks_response("created"),
)
def create_hoks(
    request: Request,
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    body: JsonBody,
) -> dict[str, Any]:
    hoks = service.create_hoks(session, actor=actor, env=env, body=body)
    session.commit()
    return envelope({"uri": f"{request.url.path.rstrip('/')}/{hoks.id}"}, {"id": hoks.id})


@router.get(
    "/hoks/paged",
    summary="Vipunen statistics export (OPH only)",
    dependencies=[audited("read")],
    responses=hoks_response("paged"),
)
def export_paged(
    actor: ServiceUserDep,
    session: SessionDep,
    amount: Annotated[
        int, Query(description="Batch size (1–1000)", ge=-MAX_ID, le=MAX_ID)
    ] = service.PAGE_DEFAULT,
    from_id: Annotated[int, Query(alias="from-id", ge=-MAX_ID, le=MAX_ID)] = 0,
    updated_after: Annotated[str | None, Query(alias="updated-after")] = None,
) -> dict[str, Any]:
    after: datetime | None = None
    if updated_after is not None:
        after = parse_instant(updated_after)
        if after is None:
            raise SchemaError(
                {"updated-after": _not_instant(updated_after)},
                {"amount": amount, "from-id": from_id, "updated-after": updated_after},
                "query-params",
            )
    page = service.export_hoks_page(
        session, actor=actor, from_id=from_id, amount=amount, updated_after=after
    )
    session.commit()
    return envelope(page)


@router.get(
    "/hoks/opiskeluoikeus/{opiskeluoikeus_oid}",
    summary="The HOKS of a study right (top level only)",
    dependencies=[audited("read")],
    responses=hoks_response("top-level"),
)
def read_by_opiskeluoikeus(
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    opiskeluoikeus_oid: Annotated[str, Path()],
) -> dict[str, Any]:
    if not (
        OPISKELUOIKEUS_OID_RE.match(opiskeluoikeus_oid)
        and is_valid_opiskeluoikeus_oid(opiskeluoikeus_oid)
    ):
        raise SchemaError(
            {
                "opiskeluoikeus-oid": (
                    f'(not (re-find #"{OPISKELUOIKEUS_OID_RE.pattern}" '
                    f"{explain_value(opiskeluoikeus_oid)}))"
                )
            },
            {"opiskeluoikeus-oid": opiskeluoikeus_oid},
            "route-params",
        )
    document = service.read_hoks_of_opiskeluoikeus(
        session,
        actor=actor,
        env=env,
        opiskeluoikeus_oid=opiskeluoikeus_oid,
    )
    session.commit()
    return envelope(document)


@router.get(
    "/hoks/{hoks_id}",
    summary="Read a HOKS",
    dependencies=[audited("read")],
    responses=hoks_response("get"),
)
def read_hoks(
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    hoks_id: HoksId,
) -> dict[str, Any]:
    document = service.read_hoks(session, actor=actor, env=env, hoks_id=hoks_id)
    session.commit()
    return envelope(document)


@router.put(
    "/hoks/{hoks_id}",
    summary="Replace a HOKS",
    status_code=204,
    dependencies=[audited("overwrite")],
    openapi_extra=hoks_body("put"),
    responses=hoks_response("no-content"),
)
def replace_hoks(
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    hoks_id: HoksId,
    body: JsonBody,
) -> Response:
    service.replace_hoks(session, actor=actor, env=env, hoks_id=hoks_id, body=body)
    session.commit()
    return Response(status_code=204)


@router.patch(
    "/hoks/{hoks_id}",
    summary="Update the top level of a HOKS",
    status_code=204,
    dependencies=[audited("update")],
    openapi_extra=hoks_body("patch"),
    responses=hoks_response("no-content"),
)
def update_hoks(
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    hoks_id: HoksId,
    body: JsonBody,
) -> Response:
    service.update_hoks(session, actor=actor, env=env, hoks_id=hoks_id, body=body)
    session.commit()
    return Response(status_code=204)


@router.get(
    "/hoks/{hoks_id}/hankintakoulutukset",
    summary="Procured-training study rights linked to the HOKS",
    dependencies=[audited("read")],
    responses=hoks_response("oid-list"),
)
def hankintakoulutukset(
    actor: ServiceUserDep,
    session: SessionDep,
    env: EnvDep,
    hoks_id: HoksId,
) -> JSONResponse:
    oids = service.list_hankintakoulutukset(session, actor=actor, env=env, hoks_id=hoks_id)
    session.commit()
    return JSONResponse(oids)


@router.post(
    "/validointi",
    summary="Validate a create body without storing it",
    dependencies=[audited("validate")],
    openapi_extra=hoks_body("post"),
    responses=hoks_response("empty"),
)
def validate(
    actor: TicketUserDep,
    session: SessionDep,
    env: EnvDep,
    body: JsonBody,
) -> dict[str, Any]:
    service.validate_new_hoks(session, actor=actor, env=env, body=body)
    session.commit()
    return envelope({})


def _deprecated_route(method: str, privilege: str, with_id: bool) -> None:
    for part in DEPRECATED_PARTS:
        path = f"/hoks/{{hoks_id}}/{part}" + ("/{part_id}" if with_id else "")

        def handler(
            actor: ServiceUserDep,
            session: SessionDep,
            env: EnvDep,
            hoks_id: HoksId,
        ) -> None:
            service.refuse_deprecated_part_route(
                session,
                actor=actor,
                env=env,
                hoks_id=hoks_id,
                privilege=privilege,
            )

        router.add_api_route(
            path,
            handler,
            methods=[method],
            summary="Deprecated per-part route (410)",
            deprecated=True,
            dependencies=[audited({"GET": "read", "POST": "create"}.get(method, "update"))],
            responses={410: {"description": "Route is deprected."}},
            include_in_schema=False,
        )


_deprecated_route("POST", "write", with_id=False)
_deprecated_route("GET", "read", with_id=True)
_deprecated_route("PATCH", "update", with_id=True)
