"""Oppijanumerorekisteri served from the local registry tables."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.onr.interface import Henkilo, parse_henkilo
from ehoks.registries.storage import LocalHenkilo


class LocalOnrRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_henkilo(self, oid: str) -> Henkilo | None:
        row = self._session.get(LocalHenkilo, oid)
        return parse_henkilo(row.document) if row else None

    def get_master(self, oid: str) -> Henkilo | None:
        row = self._session.get(LocalHenkilo, oid)
        if row is None:
            return None
        if row.master_oid:
            master = self._session.get(LocalHenkilo, row.master_oid)
            if master is not None:
                return parse_henkilo(master.document)
        return parse_henkilo(row.document)

    def get_slaves(self, oid: str) -> list[Henkilo]:
        rows = self._session.scalars(
            select(LocalHenkilo).where(LocalHenkilo.master_oid == oid).order_by(LocalHenkilo.oid)
        )
        return [parse_henkilo(row.document) for row in rows]
