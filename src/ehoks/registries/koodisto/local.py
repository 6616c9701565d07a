"""Koodisto served from the local registry table ``registry_koodisto_koodi``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.koodisto.interface import Koodi, parse_koodi
from ehoks.registries.storage import LocalKoodi


class LocalKoodistoRegistry:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        if versio is not None:
            row = self._session.get(LocalKoodi, (koodi_uri, versio))
        else:
            row = self._session.scalars(
                select(LocalKoodi)
                .where(LocalKoodi.koodi_uri == koodi_uri)
                .order_by(LocalKoodi.versio.desc())
                .limit(1)
            ).first()
        return parse_koodi(row.document) if row else None

    def get_koodin_versiot(self, koodi_uri: str) -> list[Koodi]:
        rows = self._session.scalars(
            select(LocalKoodi).where(LocalKoodi.koodi_uri == koodi_uri).order_by(LocalKoodi.versio)
        )
        return [parse_koodi(row.document) for row in rows]

    def get_koodit(self, koodisto_uri: str) -> list[Koodi]:
        rows = self._session.scalars(
            select(LocalKoodi)
            .where(LocalKoodi.koodisto_uri == koodisto_uri)
            .order_by(LocalKoodi.koodi_uri, LocalKoodi.versio.desc())
        )
        latest: dict[str, Koodi] = {}
        for row in rows:
            if row.koodi_uri not in latest:
                latest[row.koodi_uri] = parse_koodi(row.document)
        return sorted(latest.values(), key=lambda koodi: koodi.koodi_uri)
