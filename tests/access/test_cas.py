"""The built-in CAS-compatible ticket service, through HTTP."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ehoks.access.cas import CAS_NAMESPACE, CasUser, service_validate_xml
from ehoks.access.storage import CasTicket, User
from ehoks.access.users import LOCKOUT_THRESHOLD
from ehoks.app import create_app
from ehoks.db.types import utcnow
from ehoks.settings import Settings
from tests.support.cas import (
    DATA_TRANSFER_SERVICE,
    DEFAULT_PASSWORD,
    make_service_user,
    service_ticket,
)

KOULUTUSTOIMIJA = "1.2.246.562.10.346830761110"
OPH = "1.2.246.562.10.00000000001"
NS = {"cas": CAS_NAMESPACE}


@pytest.fixture
def palvelu(session: Session) -> User:
    return make_service_user(session, "palvelu-1", [("CRUD", KOULUTUSTOIMIJA), ("READ", OPH)])


def validate(client: TestClient, ticket: str, service: str = DATA_TRANSFER_SERVICE) -> ET.Element:
    response = client.get("/cas/p3/serviceValidate", params={"service": service, "ticket": ticket})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    return ET.fromstring(response.text)  # noqa: S314 -- our own response


def failure_code(root: ET.Element) -> str | None:
    failure = root.find("cas:authenticationFailure", NS)
    return None if failure is None else failure.get("code")


def login(client: TestClient, username: str, password: str) -> tuple[int, str, dict[str, str]]:
    response = client.post("/cas/v1/tickets", data={"username": username, "password": password})
    return response.status_code, response.text, dict(response.headers)


def test_granting_ticket_is_created_with_location(client: TestClient, palvelu: User) -> None:
    response = client.post(
        "/cas/v1/tickets", data={"username": "palvelu-1", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 201
    location = response.headers["location"]
    assert location.startswith("http://testserver/cas/v1/tickets/TGT-")
    assert location in response.text  # the form action of the CAS REST body

    service = client.post(urlsplit(location).path, data={"service": DATA_TRANSFER_SERVICE})
    assert service.status_code == 200
    assert service.headers["content-type"].startswith("text/plain")
    assert service.text.startswith("ST-")


def test_service_validate_success_carries_the_attributes(client: TestClient, palvelu: User) -> None:
    ticket = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)

    root = validate(client, ticket)

    success = root.find("cas:authenticationSuccess", NS)
    assert success is not None, ET.tostring(root)
    assert success.findtext("cas:user", namespaces=NS) == "palvelu-1"
    attributes = success.find("cas:attributes", NS)
    assert attributes is not None
    assert attributes.findtext("cas:kayttajaTyyppi", namespaces=NS) == "PALVELU"
    assert attributes.findtext("cas:oidHenkilo", namespaces=NS) == palvelu.oid
    assert palvelu.oid.startswith("1.2.246.562.24.")
    roles = [element.text or "" for element in attributes.findall("cas:roles", NS)]
    assert sorted(roles) == sorted(
        [f"ROLE_APP_EHOKS_CRUD_{KOULUTUSTOIMIJA}", f"ROLE_APP_EHOKS_READ_{OPH}"]
    )


def test_service_ticket_works_once(client: TestClient, palvelu: User) -> None:
    ticket = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)

    assert failure_code(validate(client, ticket)) is None
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_each_service_ticket_is_new(client: TestClient, palvelu: User) -> None:
    first = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)
    second = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)

    assert first != second
    assert failure_code(validate(client, second)) is None
    assert failure_code(validate(client, first)) is None


def test_expired_service_ticket_fails(client: TestClient, palvelu: User, session: Session) -> None:
    ticket = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)
    session.execute(
        update(CasTicket)
        .where(CasTicket.id == ticket)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()

    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_expired_granting_ticket_gives_no_service_ticket(
    client: TestClient, palvelu: User, session: Session
) -> None:
    status, _, headers = login(client, "palvelu-1", DEFAULT_PASSWORD)
    assert status == 201
    path = urlsplit(headers["location"]).path
    session.execute(update(CasTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()

    response = client.post(path, data={"service": DATA_TRANSFER_SERVICE})

    assert response.status_code == 404
    assert not response.text.startswith("ST-")


def test_unknown_granting_ticket_gives_404(client: TestClient, palvelu: User) -> None:
    response = client.post("/cas/v1/tickets/TGT-nonexistent", data={"service": "x"})
    assert response.status_code == 404


def test_service_ticket_is_not_a_granting_ticket(client: TestClient, palvelu: User) -> None:
    ticket = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)
    response = client.post(f"/cas/v1/tickets/{ticket}", data={"service": DATA_TRANSFER_SERVICE})
    assert response.status_code == 404


def test_ticket_of_another_service_fails_and_is_used_up(client: TestClient, palvelu: User) -> None:
    ticket = service_ticket(client, "palvelu-1", DEFAULT_PASSWORD)

    assert failure_code(validate(client, ticket, "http://elsewhere/service")) == "INVALID_TICKET"
    # CAS protocol 3.0 §3.1.1: one validation attempt per ticket, successful or not.
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_granting_ticket_is_not_a_service_ticket(client: TestClient, palvelu: User) -> None:
    _, _, headers = login(client, "palvelu-1", DEFAULT_PASSWORD)
    tgt = headers["location"].rsplit("/", 1)[1]
    assert failure_code(validate(client, tgt)) == "INVALID_TICKET"


def test_unknown_and_missing_tickets_fail(client: TestClient, palvelu: User) -> None:
    assert failure_code(validate(client, "ST-unknown")) == "INVALID_TICKET"
    response = client.get("/cas/p3/serviceValidate", params={"service": DATA_TRANSFER_SERVICE})
    assert response.status_code == 200
    assert failure_code(ET.fromstring(response.text)) == "INVALID_REQUEST"  # noqa: S314


def test_bad_password_is_401(client: TestClient, palvelu: User) -> None:
    status, _, headers = login(client, "palvelu-1", "Wrong-password-123")
    assert status == 401
    assert "location" not in headers


def test_unknown_user_and_wrong_password_answer_alike(client: TestClient, palvelu: User) -> None:
    unknown_status, unknown_body, unknown_headers = login(client, "nobody", "Wrong-password-123")
    wrong_status, wrong_body, wrong_headers = login(client, "palvelu-1", "Wrong-password-123")

    assert unknown_status == wrong_status == 401
    assert unknown_body == wrong_body
    for header in ("content-type", "content-length"):
        assert unknown_headers[header] == wrong_headers[header]


def test_lockout_after_consecutive_failures(
    client: TestClient, palvelu: User, session: Session
) -> None:
    for _ in range(LOCKOUT_THRESHOLD - 1):
        assert login(client, "palvelu-1", "Wrong-password-123")[0] == 401
    # One success resets the count: the failures must be consecutive.
    assert login(client, "palvelu-1", DEFAULT_PASSWORD)[0] == 201
    for _ in range(LOCKOUT_THRESHOLD - 1):
        assert login(client, "palvelu-1", "Wrong-password-123")[0] == 401
    assert login(client, "palvelu-1", DEFAULT_PASSWORD)[0] == 201

    failures = [login(client, "palvelu-1", "Wrong-password-123") for _ in range(LOCKOUT_THRESHOLD)]
    locked = login(client, "palvelu-1", DEFAULT_PASSWORD)

    assert {status for status, _, _ in failures} == {401}
    assert locked[0] == 401
    assert locked[1] == failures[0][1]  # a lock is not revealed
    assert locked[1] == login(client, "nobody", DEFAULT_PASSWORD)[1]

    # After 15 minutes the right password works again.
    session.execute(
        update(User)
        .where(User.username == "palvelu-1")
        .values(locked_until=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    # … and the count starts again: one failure after the lock does not lock again.
    assert login(client, "palvelu-1", "Wrong-password-123")[0] == 401
    assert login(client, "palvelu-1", DEFAULT_PASSWORD)[0] == 201


def test_lock_lasts_fifteen_minutes(client: TestClient, palvelu: User, session: Session) -> None:
    before = utcnow()
    for _ in range(LOCKOUT_THRESHOLD):
        login(client, "palvelu-1", "Wrong-password-123")

    locked_until = session.scalar(select(User.locked_until).where(User.username == "palvelu-1"))

    assert locked_until is not None
    assert before + timedelta(minutes=15) <= locked_until <= utcnow() + timedelta(minutes=15)


def test_disabled_user_gets_no_tickets(client: TestClient, palvelu: User, session: Session) -> None:
    path = urlsplit(login(client, "palvelu-1", DEFAULT_PASSWORD)[2]["location"]).path
    ticket = client.post(path, data={"service": DATA_TRANSFER_SERVICE}).text
    session.execute(update(User).values(disabled_at=utcnow()))
    session.commit()

    assert login(client, "palvelu-1", DEFAULT_PASSWORD)[0] == 401
    assert client.post(path, data={"service": DATA_TRANSFER_SERVICE}).status_code == 404
    assert failure_code(validate(client, ticket)) == "INVALID_TICKET"


def test_routes_are_absent_with_an_external_cas(db: object, settings: Settings) -> None:
    # A new Settings: model_copy would keep the cached builtin_cas of the original.
    external = Settings(**{**settings.model_dump(), "cas_url": "https://virkailija.example/cas"})
    with TestClient(create_app(external)) as client:
        for response in (
            client.post("/cas/v1/tickets", data={"username": "a", "password": "b"}),
            client.post("/cas/v1/tickets/TGT-x", data={"service": "s"}),
            client.get("/cas/p3/serviceValidate", params={"service": "s", "ticket": "ST-x"}),
        ):
            assert response.status_code == 404
            assert response.json() == {"reason": "Route not found"}


def test_routes_are_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert not [path for path in paths if path.startswith("/cas")]


def test_service_validate_xml_escapes() -> None:
    user = CasUser(
        username='a<b>&"c',
        oid="1.2.246.562.24.00000000001",
        kayttajatyyppi="PALVELU",
        roles=("R<1>", "R&2"),
    )
    root = ET.fromstring(service_validate_xml(user))  # noqa: S314 -- our own output
    assert root.findtext("cas:authenticationSuccess/cas:user", namespaces=NS) == 'a<b>&"c'
    roles = root.findall("cas:authenticationSuccess/cas:attributes/cas:roles", NS)
    assert [role.text for role in roles] == ["R<1>", "R&2"]

    failure = ET.fromstring(service_validate_xml(None, 'A"B', "x < y"))  # noqa: S314
    element = failure.find("cas:authenticationFailure", NS)
    assert element is not None
    assert element.get("code") == 'A"B'
    assert element.text == "x < y"
