"""A world with two providers and the OPH root, and service users of each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ehoks.settings import OPH_ROOT_OID
from tests.support import world
from tests.support.world import Api


@dataclass
class World:
    client: TestClient
    session: Session
    api_a: Api  # CRUD on koulutustoimija A: inherited by its oppilaitokset
    api_a1_read: Api  # READ on oppilaitos A1 only
    api_a2: Api  # CRUD on oppilaitos A2 (a sibling of A1)
    api_b: Api  # CRUD on koulutustoimija B (a foreign provider)
    api_oph: Api  # CRUD on the OPH root (Vipunen, maintenance)

    def student(self, **kwargs: object) -> world.Student:
        return world.add_student(self.session, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def w(client: TestClient, session: Session) -> World:
    world.add_organisations(session)
    return World(
        client=client,
        session=session,
        api_a=world.service_api(client, session, "primus-a", [("CRUD", world.KOULUTUSTOIMIJA_A)]),
        api_a1_read=world.service_api(
            client, session, "reader-a1", [("READ", world.OPPILAITOS_A1)]
        ),
        api_a2=world.service_api(client, session, "crud-a2", [("CRUD", world.OPPILAITOS_A2)]),
        api_b=world.service_api(client, session, "wilma-b", [("CRUD", world.KOULUTUSTOIMIJA_B)]),
        api_oph=world.service_api(client, session, "vipunen", [("CRUD", OPH_ROOT_OID)]),
    )
