"""Organisaatiopalvelu served from the local registry tables."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.organisaatio.interface import Organisaatio, parse_organisaatio
from ehoks.registries.storage import LocalOrganisaatio


class LocalOrganisaatioRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        row = self._session.get(LocalOrganisaatio, oid)
        return parse_organisaatio(row.document) if row else None

    def find_by_oids(self, oids: list[str]) -> list[Organisaatio]:
        if not oids:
            return []
        rows = self._session.scalars(
            select(LocalOrganisaatio).where(LocalOrganisaatio.oid.in_(oids))
        )
        return [parse_organisaatio(row.document) for row in rows]
