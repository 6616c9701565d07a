"""OPH maintenance of the student and study-right index, as use cases with an actor: each does
its work through ``hoks.index`` and records one audit event with the original's operation name
(``reference/ehoks-backend.md`` §6, ``:system/…``). Flush only; the caller commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor
from ehoks.errors import NotFound
from ehoks.hoks import index, storage
from ehoks.hoks.access import HOKS_NOT_FOUND_TEXT
from ehoks.hoks.storage import Hoks
from ehoks.registries.wiring import Registries


def reindex_opiskeluoikeus(
    session: Session, registries: Registries, actor: Actor, oid: str
) -> index.ReindexResult:
    result = index.reindex_opiskeluoikeus(session, registries, oid)
    audit.record(
        session,
        actor=actor,
        operation=":system/update-opiskeluoikeus-in-index",
        target={"opiskeluoikeusOid": oid},
        changes=[{"path": ":koski404", "newValue": result.outcome is index.Outcome.KOSKI404}],
    )
    return result


def reindex_koulutustoimija(
    session: Session, registries: Registries, actor: Actor, koulutustoimija_oid: str
) -> index.BatchReport:
    report = index.reindex_koulutustoimija(session, registries, koulutustoimija_oid)
    audit.record(
        session,
        actor=actor,
        operation=":system/reset-opiskeluoikeus-index",
        target={"koulutustoimijaOid": koulutustoimija_oid},
    )
    return report


def refresh_oppija(
    session: Session, registries: Registries, actor: Actor, oppija_oid: str
) -> index.OppijaRefresh:
    refresh = index.refresh_oppija(session, registries, oppija_oid)
    audit.record(
        session,
        actor=actor,
        operation=":system/update-oppija",
        target={"oppijaOid": oppija_oid},
        changes=(
            [{"path": ":nimi", "oldValue": refresh.old_nimi, "newValue": refresh.nimi}]
            if refresh.changed
            else []
        ),
    )
    return refresh


def merge_oppija(
    session: Session, registries: Registries, actor: Actor, oid: str
) -> index.MergeReport:
    """``onrmodify``: the moved HOKSes are audited one by one by ``index.merge_oppija``."""
    report = index.merge_oppija(session, registries, actor, oid)
    audit.record(
        session,
        actor=actor,
        operation=":system/update-oppija-onr",
        target={"oppijaOid": oid, "oppijaOids": report.merged_oppijat},
    )
    return report


def index_missing(
    session: Session, registries: Registries, actor: Actor
) -> index.IndexMissingReport:
    report = index.index_missing(session, registries)
    audit.record(
        session, actor=actor, operation=":system/index-oppijat-and-opiskeluoikeudet", target={}
    )
    return report


def hoks_of_opiskeluoikeus(session: Session, actor: Actor, oid: str) -> int:
    """The id of the HOKS (deleted ones too) of a study right."""
    hoks_id = session.scalar(select(Hoks.id).where(Hoks.opiskeluoikeus_oid == oid))
    if hoks_id is None:
        raise NotFound(HOKS_NOT_FOUND_TEXT)
    audit.record(
        session,
        actor=actor,
        operation="read",
        target={"hoksId": hoks_id, "opiskeluoikeusOid": oid},
    )
    return hoks_id


def hoks_identifiers(session: Session, actor: Actor, hoks_id: int) -> dict[str, Any]:
    """``{opiskeluoikeus-oid, oppija-oid}`` of a HOKS (deleted ones too)."""
    hoks = storage.get_hoks_by_id(session, hoks_id)
    if hoks is None:
        raise NotFound(HOKS_NOT_FOUND_TEXT)
    audit.record(
        session,
        actor=actor,
        operation="read",
        target={
            "hoksId": hoks.id,
            "oppijaOid": hoks.oppija_oid,
            "opiskeluoikeusOid": hoks.opiskeluoikeus_oid,
        },
    )
    return {"opiskeluoikeus-oid": hoks.opiskeluoikeus_oid, "oppija-oid": hoks.oppija_oid}


def hoks_count(session: Session) -> int:
    """Every HOKS row, soft-deleted ones included (``system-info/hoksit``)."""
    return session.scalar(select(func.count()).select_from(Hoks)) or 0
