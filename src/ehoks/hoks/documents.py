"""Writing a HOKS document: its columns, the projection rows of its parts (``module-id`` per
part, työpaikkajaksot) and a version row — the one writer every use case goes through, so the
document, its columns, versions and projections stay in step."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ehoks.db.types import utcnow
from ehoks.errors import InvalidRequest
from ehoks.hoks import schema, storage
from ehoks.hoks.storage import Hoks, HoksModule, HoksVersion
from ehoks.hoks.validation import is_tyopaikkajakso


def store_document(
    session: Session, hoks: Hoks, document: dict[str, Any], *, operation: str
) -> None:
    """Write the document, its columns, projections and a new version row (all flushed)."""
    modules, jaksot = _assign_module_ids(session, document, hoks_id=hoks.id)
    hoks.document = document
    hoks.oppija_oid = document["oppija-oid"]
    hoks.ensikertainen_hyvaksyminen = date.fromisoformat(document["ensikertainen-hyvaksyminen"])
    saavutettu = document.get("osaamisen-saavuttamisen-pvm")
    hoks.osaamisen_saavuttamisen_pvm = date.fromisoformat(saavutettu) if saavutettu else None
    hoks.updated_at = utcnow()
    session.flush()
    for module in modules:
        module.hoks_id = hoks.id
    for jakso in jaksot:
        jakso.hoks_id = hoks.id
    storage.replace_projections(session, hoks.id, modules, jaksot)
    session.add(
        HoksVersion(
            hoks_id=hoks.id,
            revision=hoks.revision,
            operation=operation,
            document=document,
            recorded_at=hoks.updated_at,
        )
    )
    session.flush()


def _assign_module_ids(
    session: Session, document: dict[str, Any], *, hoks_id: int | None
) -> tuple[list[HoksModule], list[storage.Tyopaikkajakso]]:
    """Give every part a ``module-id`` (keeping echoed ones of this HOKS) and build projections."""
    parts = schema.walk_parts(document)
    echoed = [(kind, part["module-id"]) for kind, _path, part in parts if "module-id" in part]
    if echoed:
        owners = storage.module_owners(session, [uuid.UUID(value) for _kind, value in echoed])
        seen: set[str] = set()
        for kind, value in echoed:
            module = uuid.UUID(value)
            if value in seen:
                raise InvalidRequest(f"module-id `{value}` appears more than once")
            seen.add(value)
            if hoks_id is None or owners.get(module) != (hoks_id, kind):
                raise InvalidRequest(f"module-id `{value}` does not belong to this HOKS")
    modules: list[HoksModule] = []
    jaksot: list[storage.Tyopaikkajakso] = []
    for kind, path, part in parts:
        module_id = uuid.UUID(part["module-id"]) if "module-id" in part else uuid.uuid4()
        part["module-id"] = str(module_id)
        modules.append(
            HoksModule(
                module_id=module_id,
                kind=kind,
                path="/".join(str(step) for step in path),
            )
        )
        if kind == "OsaamisenHankkimistapa" and is_tyopaikkajakso(part):
            jaksot.append(_tyopaikkajakso(module_id, part))
    return modules, jaksot


def _tyopaikkajakso(module_id: uuid.UUID, oht: dict[str, Any]) -> storage.Tyopaikkajakso:
    tjk = oht.get("tyopaikalla-jarjestettava-koulutus") or {}
    ohjaaja = tjk.get("vastuullinen-tyopaikka-ohjaaja") or {}
    return storage.Tyopaikkajakso(
        module_id=module_id,
        yksiloiva_tunniste=oht.get("yksiloiva-tunniste"),
        osaamisen_hankkimistapa_koodi_uri=oht["osaamisen-hankkimistapa-koodi-uri"],
        alku=date.fromisoformat(oht["alku"]),
        loppu=date.fromisoformat(oht["loppu"]),
        tyopaikan_nimi=tjk.get("tyopaikan-nimi"),
        tyopaikan_y_tunnus=tjk.get("tyopaikan-y-tunnus"),
        ohjaaja_nimi=ohjaaja.get("nimi"),
        ohjaaja_sahkoposti=ohjaaja.get("sahkoposti"),
    )
