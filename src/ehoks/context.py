"""Everything stateful the edges (API, pages) need, built once by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ehoks.access.cas import TicketValidator
from ehoks.access.cas_oppija import CasOppijaValidator
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import Settings


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    registries: RegistryFactory
    ticket_validator: TicketValidator
    # CAS-oppija (students' Suomi.fi sign-in); None when EHOKS_CAS_OPPIJA_URL is unset.
    cas_oppija_validator: CasOppijaValidator | None = None
