"""Service tickets through the real CAS protocol of the built-in ticket service."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ehoks.access.storage import User
from ehoks.access.users import Kayttajatyyppi, create_user

DATA_TRANSFER_SERVICE = "http://testserver/ehoks-virkailija-backend/cas-security-check"
DEFAULT_PASSWORD = "Test-password-1234!"

# Ticket-granting tickets by client and credentials: a TGT serves many service tickets, and
# skipping the password check (argon2, ~0.1 s) for every request keeps the suite fast.
_granting_tickets: WeakKeyDictionary[TestClient, dict[tuple[str, str], str]] = WeakKeyDictionary()


def granting_ticket_path(client: TestClient, username: str, password: str) -> str:
    """``POST /cas/v1/tickets``: the path of a new ticket-granting ticket."""
    response = client.post("/cas/v1/tickets", data={"username": username, "password": password})
    assert response.status_code == 201, (response.status_code, response.text)
    location: str = response.headers["location"]
    return urlsplit(location).path


def service_ticket(
    client: TestClient,
    username: str,
    password: str = DEFAULT_PASSWORD,
    service: str = DATA_TRANSFER_SERVICE,
) -> str:
    """A fresh service ticket for ``service``: TGT (cached per client) → ST."""
    cache = _granting_tickets.setdefault(client, {})
    key = (username, password)
    for attempt in range(2):
        if key not in cache or attempt:
            cache[key] = granting_ticket_path(client, username, password)
        response = client.post(cache[key], data={"service": service})
        if response.status_code == 200:
            ticket: str = response.text
            assert ticket.startswith("ST-"), ticket
            return ticket
        assert response.status_code == 404, (response.status_code, response.text)
    raise AssertionError("a fresh ticket-granting ticket gave no service ticket")


def make_service_user(
    session: Session,
    username: str,
    roles: Iterable[tuple[str, str]],
    password: str = DEFAULT_PASSWORD,
    kayttajatyyppi: str = Kayttajatyyppi.PALVELU,
) -> User:
    """A committed user (PALVELU by default) with ``(role NAME, organisation OID)`` grants."""
    user = create_user(
        session,
        username=username,
        password=password,
        kayttajatyyppi=kayttajatyyppi,
        roles=list(roles),
    )
    session.commit()
    return user
