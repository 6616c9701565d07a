"""KOSKI served from the local registry tables (embedded default, tests)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.koski.interface import Opiskeluoikeus, parse_opiskeluoikeus
from ehoks.registries.storage import LocalOpiskeluoikeus


class LocalKoskiRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        row = self._session.get(LocalOpiskeluoikeus, oid)
        return parse_opiskeluoikeus(row.document) if row else None

    def get_opiskeluoikeudet_of_oppija(self, oppija_oid: str) -> list[Opiskeluoikeus]:
        rows = self._session.scalars(
            select(LocalOpiskeluoikeus)
            .where(LocalOpiskeluoikeus.oppija_oid == oppija_oid)
            .order_by(LocalOpiskeluoikeus.oid)
        )
        return [parse_opiskeluoikeus(row.document) for row in rows]
