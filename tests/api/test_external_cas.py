"""The data-transfer API with an external CAS (production mode): tickets come from a CAS the
test runs on loopback, and eHOKS validates them over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ehoks.access.cas import CasUser
from ehoks.app import create_app
from ehoks.settings import Settings
from tests.support import world
from tests.support.fake_cas import FakeCas

API = "/ehoks-virkailija-backend/api/v1"
CALLER = {"Caller-Id": "1.2.246.562.10.00000000001.primus"}
PALVELU_A = CasUser(
    "primus-a",
    world.new_oid("24"),
    "PALVELU",
    (f"ROLE_APP_EHOKS_CRUD_{world.KOULUTUSTOIMIJA_A}", "ROLE_APP_KOODISTO_READ"),
)


@pytest.fixture
def external(settings: Settings, fake_cas: FakeCas, session: Session) -> Iterator[TestClient]:
    world.add_organisations(session)
    external_settings = Settings(**{**settings.model_dump(), "cas_url": fake_cas.url})
    with TestClient(create_app(external_settings)) as client:
        yield client


def hoks_body(student: world.Student) -> dict[str, object]:
    return {
        "oppija-oid": student.oid,
        "opiskeluoikeus-oid": student.oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
    }


def test_a_ticket_of_the_external_cas_opens_the_api(
    external: TestClient, fake_cas: FakeCas, session: Session, settings: Settings
) -> None:
    student = world.add_student(session)
    service = settings.service_ticket_service_url

    created = external.post(
        f"{API}/hoks",
        json=hoks_body(student),
        headers={**CALLER, "ticket": fake_cas.issue(PALVELU_A, service)},
    )
    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]

    read = external.get(
        f"{API}/hoks/{hoks_id}", headers={**CALLER, "ticket": fake_cas.issue(PALVELU_A, service)}
    )
    assert read.status_code == 200
    assert read.json()["data"]["oppija-oid"] == student.oid
    validations = [query for path, query in fake_cas.requests if path == "/cas/p3/serviceValidate"]
    assert [query["service"] for query in validations] == [[service], [service]]


def test_the_built_in_ticket_service_is_not_trusted_in_external_mode(
    external: TestClient, fake_cas: FakeCas, settings: Settings
) -> None:
    # A ticket the external CAS never issued (or issued for another service) is refused.
    other_service = fake_cas.issue(PALVELU_A, "https://elsewhere.example/service")
    for ticket in ("ST-1-made-up", other_service):
        response = external.get(f"{API}/hoks/1", headers={**CALLER, "ticket": ticket})
        assert response.status_code == 401
        assert response.json() == {
            "error": "User not found for given ticket. Ticket may be expired."
        }


def test_a_service_ticket_works_once(
    external: TestClient, fake_cas: FakeCas, session: Session, settings: Settings
) -> None:
    student = world.add_student(session)
    ticket = fake_cas.issue(PALVELU_A, settings.service_ticket_service_url)
    first = external.post(
        f"{API}/hoks", json=hoks_body(student), headers={**CALLER, "ticket": ticket}
    )
    assert first.status_code == 200
    again = external.get(
        f"{API}/hoks/{first.json()['meta']['id']}", headers={**CALLER, "ticket": ticket}
    )
    assert again.status_code == 401


def test_cas_down_is_answered_as_the_original(
    external: TestClient, fake_cas: FakeCas, settings: Settings
) -> None:
    fake_cas.status = 503
    fake_cas.body = "<html>maintenance</html>"
    response = external.get(
        f"{API}/hoks/1",
        headers={
            **CALLER,
            "ticket": fake_cas.issue(PALVELU_A, settings.service_ticket_service_url),
        },
    )
    assert response.status_code == 401
    assert response.json() == {"reason": "Unable to check access rights"}
