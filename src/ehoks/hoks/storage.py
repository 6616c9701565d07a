"""Tables of the HOKS domain and the queries on them (the only module here that issues SQL).

A HOKS is stored as one validated JSON document in ``hoks`` whose scalar columns carry what is
searched and checked; every written version is kept in ``hoks_version``; small projection tables
answer questions across HOKSes (modules by ``module-id``, workplace periods). ``oppijat`` and
``opiskeluoikeudet`` are the original's index of students and study rights (§5.6).
See docs/adr/0002-hoks-storage.md for the measurements behind this design.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ehoks.db.base import Base
from ehoks.db.types import BigIntPK, JsonDocument, UtcDateTime, utcnow


class Hoks(Base):
    __tablename__ = "hoks"
    # Ids are never reused, not even after a hard delete (SQLite needs to be told).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    eid: Mapped[str] = mapped_column(String(36), unique=True)
    oppija_oid: Mapped[str] = mapped_column(String(64), index=True)
    # One HOKS per study right for ever: a soft-deleted HOKS still holds its study right.
    opiskeluoikeus_oid: Mapped[str] = mapped_column(String(64), unique=True)
    manuaalisyotto: Mapped[bool] = mapped_column(Boolean, default=False)
    ensikertainen_hyvaksyminen: Mapped[date] = mapped_column(Date)
    osaamisen_saavuttamisen_pvm: Mapped[date | None] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class HoksVersion(Base):
    """Every version of every HOKS document as it was written (history, audit, undo)."""

    __tablename__ = "hoks_version"

    hoks_id: Mapped[int] = mapped_column(
        ForeignKey("hoks.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation: Mapped[str] = mapped_column(String(32))
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HoksModule(Base):
    """Projection: every part of a current HOKS document that has a ``module-id``."""

    __tablename__ = "hoks_module"

    module_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(255))


class Tyopaikkajakso(Base):
    """Projection: workplace periods (koulutussopimus / oppisopimus) of current HOKSes."""

    __tablename__ = "tyopaikkajakso"

    module_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    hoks_id: Mapped[int] = mapped_column(ForeignKey("hoks.id", ondelete="CASCADE"), index=True)
    yksiloiva_tunniste: Mapped[str | None] = mapped_column(String(256))
    osaamisen_hankkimistapa_koodi_uri: Mapped[str] = mapped_column(String(128))
    alku: Mapped[date] = mapped_column(Date)
    loppu: Mapped[date] = mapped_column(Date, index=True)
    tyopaikan_nimi: Mapped[str | None] = mapped_column(String(512))
    tyopaikan_y_tunnus: Mapped[str | None] = mapped_column(String(16))
    ohjaaja_nimi: Mapped[str | None] = mapped_column(String(512))
    ohjaaja_sahkoposti: Mapped[str | None] = mapped_column(String(512), index=True)


class Oppija(Base):
    """Index of students that have HOKSes (the original's ``oppijat``)."""

    __tablename__ = "oppijat"

    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    nimi: Mapped[str] = mapped_column(String(512))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OpiskeluoikeusIndex(Base):
    """Index of study rights (the original's ``opiskeluoikeudet``), a cached subset of KOSKI."""

    __tablename__ = "opiskeluoikeudet"

    oid: Mapped[str] = mapped_column(String(64), primary_key=True)
    oppija_oid: Mapped[str] = mapped_column(
        ForeignKey("oppijat.oid", onupdate="CASCADE"), index=True
    )
    oppilaitos_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    koulutustoimija_oid: Mapped[str | None] = mapped_column(String(64), index=True)
    tutkinto_nimi: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    osaamisala_nimi: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    alkamispaiva: Mapped[date | None] = mapped_column(Date)
    arvioitu_paattymispaiva: Mapped[date | None] = mapped_column(Date)
    paattynyt: Mapped[date | None] = mapped_column(Date)
    hankintakoulutus_jarjestaja_oid: Mapped[str | None] = mapped_column(String(64))
    hankintakoulutus_opiskeluoikeus_oid: Mapped[str | None] = mapped_column(
        ForeignKey("opiskeluoikeudet.oid", ondelete="CASCADE"), index=True
    )
    koski404: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


Index("ix_hoks_deleted_at_id", Hoks.deleted_at, Hoks.id)


# --- queries --------------------------------------------------------------------------------


def get_hoks_by_id(session: Session, hoks_id: int, *, for_update: bool = False) -> Hoks | None:
    """The HOKS row with ``hoks_id``, deleted or not."""
    stmt = select(Hoks).where(Hoks.id == hoks_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def get_hoks_by_opiskeluoikeus(session: Session, opiskeluoikeus_oid: str) -> Hoks | None:
    return session.scalars(
        select(Hoks).where(Hoks.opiskeluoikeus_oid == opiskeluoikeus_oid)
    ).one_or_none()


def list_hoks_page(
    session: Session, *, from_id: int, amount: int, updated_after: datetime | None
) -> list[Hoks]:
    """HOKSes with ``id > from_id`` (deleted ones included), by id, at most ``amount``."""
    stmt = select(Hoks).where(Hoks.id > from_id)
    if updated_after is not None:
        stmt = stmt.where(Hoks.updated_at > updated_after)
    return list(session.scalars(stmt.order_by(Hoks.id).limit(amount)))


def count_hoks(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Hoks)) or 0)


def module_owners(
    session: Session, module_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, str]]:
    """Which HOKS each of ``module_ids`` currently belongs to, and the part kind it is."""
    if not module_ids:
        return {}
    rows = session.execute(
        select(HoksModule.module_id, HoksModule.hoks_id, HoksModule.kind).where(
            HoksModule.module_id.in_(module_ids)
        )
    )
    return {module_id: (hoks_id, kind) for module_id, hoks_id, kind in rows}


def replace_projections(
    session: Session,
    hoks_id: int,
    modules: list[HoksModule],
    jaksot: list[Tyopaikkajakso],
) -> None:
    """Make the projection rows of ``hoks_id`` those given."""
    session.execute(delete(HoksModule).where(HoksModule.hoks_id == hoks_id))
    session.execute(delete(Tyopaikkajakso).where(Tyopaikkajakso.hoks_id == hoks_id))
    session.flush()
    session.add_all(modules)
    session.add_all(jaksot)


def get_oppija(session: Session, oid: str) -> Oppija | None:
    return session.get(Oppija, oid)


def get_opiskeluoikeus_index(session: Session, oid: str) -> OpiskeluoikeusIndex | None:
    return session.get(OpiskeluoikeusIndex, oid)


def list_hankintakoulutus_oids(session: Session, opiskeluoikeus_oid: str) -> list[str]:
    return list(
        session.scalars(
            select(OpiskeluoikeusIndex.oid)
            .where(OpiskeluoikeusIndex.hankintakoulutus_opiskeluoikeus_oid == opiskeluoikeus_oid)
            .order_by(OpiskeluoikeusIndex.oid)
        )
    )
