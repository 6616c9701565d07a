"""Building the registers a request uses: local (database tables) or HTTP, per register."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ehoks.registries.koski.interface import KoskiRegistry
from ehoks.registries.koski.local import LocalKoskiRegistry
from ehoks.registries.onr.interface import OnrRegistry
from ehoks.registries.onr.local import LocalOnrRegistry
from ehoks.registries.organisaatio.interface import OrganisaatioRegistry
from ehoks.registries.organisaatio.local import LocalOrganisaatioRegistry
from ehoks.settings import Settings


@dataclass(frozen=True)
class Registries:
    """The registers one unit of work talks to."""

    koski: KoskiRegistry
    onr: OnrRegistry
    organisaatio: OrganisaatioRegistry


class RegistryFactory:
    """Holds the long-lived parts (HTTP clients, caches); binds local ones to a session."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def bind(self, session: Session) -> Registries:
        return Registries(
            koski=LocalKoskiRegistry(session),
            onr=LocalOnrRegistry(session),
            organisaatio=LocalOrganisaatioRegistry(session),
        )

    def close(self) -> None:
        """Release connections of the HTTP clients."""
