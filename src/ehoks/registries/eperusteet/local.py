"""ePerusteet served from the local registry tables (``registry_eperusteet_*``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.eperusteet.interface import (
    Peruste,
    Rakenne,
    TutkinnonOsa,
    TutkinnonOsaViite,
    newest_tutkinnon_osa,
    parse_peruste,
    parse_rakenne,
    parse_tutkinnon_osa,
    parse_tutkinnon_osa_viite,
)
from ehoks.registries.storage import LocalPeruste, LocalSuoritustapa, LocalTutkinnonOsa


class LocalEperusteetRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        rows = self._session.scalars(
            select(LocalTutkinnonOsa)
            .where(LocalTutkinnonOsa.koodi_uri == koodi_uri)
            .order_by(LocalTutkinnonOsa.id)
        )
        return [parse_tutkinnon_osa(row.document) for row in rows]

    def find_tutkinnon_osa(self, koodi_uri: str) -> TutkinnonOsa | None:
        return newest_tutkinnon_osa(self.find_tutkinnon_osat(koodi_uri))

    def find_peruste(self, diaarinumero: str) -> Peruste | None:
        row = self._session.scalars(
            select(LocalPeruste)
            .where(LocalPeruste.diaarinumero == diaarinumero)
            .order_by(LocalPeruste.id.desc())
            .limit(1)
        ).first()
        return parse_peruste(row.document) if row else None

    def get_rakenne(self, peruste_id: int, suoritustapa: str = "reformi") -> Rakenne | None:
        row = self._session.get(LocalSuoritustapa, (peruste_id, suoritustapa))
        return parse_rakenne(row.rakenne) if row and row.rakenne is not None else None

    def get_tutkinnon_osa_viitteet(
        self, peruste_id: int, suoritustapa: str = "reformi"
    ) -> list[TutkinnonOsaViite]:
        row = self._session.get(LocalSuoritustapa, (peruste_id, suoritustapa))
        if row is None or row.tutkinnon_osa_viitteet is None:
            return []
        viitteet = [parse_tutkinnon_osa_viite(viite) for viite in row.tutkinnon_osa_viitteet]
        return sorted(viitteet, key=lambda viite: viite.id)
