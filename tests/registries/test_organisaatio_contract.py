"""Organisaatiopalvelu: the same assertions against the local register and against the HTTP
client talking to a fake Organisaatiopalvelu on loopback (serving the upstream payloads), plus
what only the HTTP client has (headers, not-found body, caching, failures)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from ehoks.errors import RegistryUnavailable
from ehoks.registries.importer import import_documents
from ehoks.registries.organisaatio.http import HttpOrganisaatioRegistry
from ehoks.registries.organisaatio.interface import parse_organisaatio
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import OPH_ROOT_OID, Environment, Settings
from tests.support.fake_organisaatio import (
    NOT_FOUND,
    FakeOrganisaatio,
    default_organisaatiot,
    serve_organisaatio,
)
from tests.support.fake_registers import FakeRegister, Fault, json_reply
from tests.support.loopback import serve

CALLER_ID = "1.2.246.562.10.00000000001.ehoks-test"
ORGANISAATIO_OID = "1.2.246.562.10.21122461771"
PARENT_OID = "1.2.246.562.10.84189747029"
ANCESTORS = [OPH_ROOT_OID, "1.2.246.562.10.63964626889", PARENT_OID]
SUMMARY_OIDS = [
    "1.2.246.562.10.12424158689",
    "1.2.246.562.10.12424158690",
    "1.2.246.562.10.12944436166",
]
UNKNOWN_OID = "1.2.246.562.10.99999999990"
DOCUMENTS = default_organisaatiot()


def test_the_data_set_is_the_expected_one() -> None:
    assert [document["oid"] for document in DOCUMENTS] == [ORGANISAATIO_OID, *SUMMARY_OIDS]


# --- building the registers ----------------------------------------------------------------


class Loopback:
    """One Organisaatiopalvelu server for this module; each test attaches a fresh fake."""

    def __init__(self) -> None:
        self.url = ""
        self.register = FakeRegister("organisaatio")

    def attach(self) -> FakeRegister:
        self.register = FakeRegister("organisaatio", self.url)
        return self.register

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": Environment.TEST,
            "caller_id": CALLER_ID,
            "organisaatio_url": self.url,
            "register_read_timeout_seconds": 2.0,
            "register_retry_backoff_seconds": 0,
            **overrides,
        }
        return Settings(**values)


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    board = Loopback()
    with serve(lambda request: board.register.handle(request)) as url:
        board.url = url
        yield board


@dataclass
class HttpWorld:
    register: FakeRegister
    fake: FakeOrganisaatio
    factory: RegistryFactory
    registries: Registries

    @property
    def client(self) -> HttpOrganisaatioRegistry:
        assert isinstance(self.registries.organisaatio, HttpOrganisaatioRegistry)
        return self.registries.organisaatio


@pytest.fixture(scope="module")
def shared_factory(loopback: Loopback) -> Iterator[RegistryFactory]:
    """The client of the default HTTP settings (making HTTP clients per test is slow)."""
    factory = RegistryFactory(loopback.settings())
    yield factory
    factory.close()


@pytest.fixture
def world(loopback: Loopback, shared_factory: RegistryFactory) -> HttpWorld:
    register = loopback.attach()
    fake = serve_organisaatio(register, DOCUMENTS)
    shared_factory.clear_caches()
    return HttpWorld(register, fake, shared_factory, shared_factory.bind(Session()))


@pytest.fixture(params=["local", "http"])
def registries(
    request: pytest.FixtureRequest, loopback: Loopback, shared_factory: RegistryFactory
) -> Iterator[Registries]:
    """The same organisations behind the local register or behind the HTTP client (which
    needs no database)."""
    if request.param == "local":
        session: Session = request.getfixturevalue("session")
        import_documents(session, DOCUMENTS)
        yield RegistryFactory(request.getfixturevalue("settings")).bind(session)
        return
    serve_organisaatio(loopback.attach(), DOCUMENTS)
    shared_factory.clear_caches()
    yield shared_factory.bind(Session())


# --- the contract: local and HTTP alike ------------------------------------------------------


def test_an_organisation_is_found_as_organisaatiopalvelu_sent_it(registries: Registries) -> None:
    organisaatio = registries.organisaatio.get_organisaatio(ORGANISAATIO_OID)

    assert organisaatio == parse_organisaatio(DOCUMENTS[0])
    assert organisaatio is not None
    assert organisaatio.nimi == {
        "fi": "Lappeenrannan musiikkiopisto",
        "sv": "Lappeenrannan musiikkiopisto",
        "en": "Lappeenrannan musiikkiopisto",
    }
    assert organisaatio.parent_oid == PARENT_OID
    assert organisaatio.tyypit == ["organisaatiotyyppi_03"]
    assert organisaatio.status == "AKTIIVINEN"
    assert organisaatio.ancestors == ANCESTORS


@pytest.mark.parametrize("oid", [UNKNOWN_OID, "foobar", ".."])
def test_an_unknown_organisation_is_none(registries: Registries, oid: str) -> None:
    assert registries.organisaatio.get_organisaatio(oid) is None
    assert registries.organisation_ancestors(oid) is None


def test_find_by_oids_gives_the_known_ones(registries: Registries) -> None:
    found = registries.organisaatio.find_by_oids([*SUMMARY_OIDS, UNKNOWN_OID, ORGANISAATIO_OID])

    assert sorted(organisaatio.oid for organisaatio in found) == sorted(
        [*SUMMARY_OIDS, ORGANISAATIO_OID]
    )
    by_oid = {organisaatio.oid: organisaatio for organisaatio in found}
    assert by_oid[SUMMARY_OIDS[2]].nimi == {"fi": "Ammatillinen opettajakorkeakoulu, Jyväskylä"}
    assert by_oid[ORGANISAATIO_OID].ancestors == ANCESTORS
    assert registries.organisaatio.find_by_oids([]) == []
    assert registries.organisaatio.find_by_oids([UNKNOWN_OID]) == []


def test_the_ancestors_of_an_organisation(registries: Registries) -> None:
    assert registries.organisation_ancestors(ORGANISAATIO_OID) == ANCESTORS
    # A summary has no hierarchy: no ancestors, but known.
    assert registries.organisation_ancestors(SUMMARY_OIDS[0]) == []


# --- HTTP only -------------------------------------------------------------------------------


def test_organisaatiopalvelu_is_asked_with_caller_id(world: HttpWorld) -> None:
    world.client.get_organisaatio(ORGANISAATIO_OID)
    world.client.find_by_oids(SUMMARY_OIDS)

    assert [(call.method, call.path) for call in world.register.calls] == [
        ("GET", f"/organisaatio-service/api/{ORGANISAATIO_OID}"),
        ("POST", "/organisaatio-service/api/findbyoids"),
    ]
    assert all(call.headers.get("caller-id") == CALLER_ID for call in world.register.calls)
    assert json.loads(world.register.calls[1].body) == SUMMARY_OIDS


def test_the_fake_refuses_a_call_without_caller_id(world: HttpWorld) -> None:
    response = httpx.get(f"{world.register.url}/organisaatio-service/api/{ORGANISAATIO_OID}")

    assert response.status_code == 400


def test_the_not_found_answer_is_organisaatiopalvelus_404_body(world: HttpWorld) -> None:
    response = httpx.get(
        f"{world.register.url}/organisaatio-service/api/{UNKNOWN_OID}",
        headers={"Caller-Id": CALLER_ID},
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_found_organisation_is_cached_and_not_found_is_not(world: HttpWorld) -> None:
    assert world.client.get_organisaatio(ORGANISAATIO_OID) is not None
    assert world.client.get_organisaatio(ORGANISAATIO_OID) is not None
    assert world.client.get_organisaatio(UNKNOWN_OID) is None
    world.fake.add({**DOCUMENTS[0], "oid": UNKNOWN_OID})

    assert world.client.get_organisaatio(UNKNOWN_OID) is not None
    assert [call.path.rsplit("/", 1)[1] for call in world.register.calls] == [
        ORGANISAATIO_OID,
        UNKNOWN_OID,
        UNKNOWN_OID,
    ]
    world.factory.clear_caches()
    world.client.get_organisaatio(ORGANISAATIO_OID)
    assert len(world.register.calls) == 4


def test_find_by_oids_asks_only_for_the_uncached_ones(world: HttpWorld) -> None:
    world.client.get_organisaatio(ORGANISAATIO_OID)

    found = world.client.find_by_oids([ORGANISAATIO_OID, SUMMARY_OIDS[0]])

    assert sorted(organisaatio.oid for organisaatio in found) == [
        SUMMARY_OIDS[0],
        ORGANISAATIO_OID,
    ]
    assert json.loads(world.register.calls[-1].body) == [SUMMARY_OIDS[0]]
    # The summary is not cached: it would hide the hierarchy of a full document.
    world.client.get_organisaatio(SUMMARY_OIDS[0])
    assert world.register.calls[-1].path.endswith(SUMMARY_OIDS[0])


@pytest.mark.parametrize(
    ("fault", "status"),
    [(Fault.ERROR_500, 500), (Fault.UNAVAILABLE_503, 503), (Fault.DOWN, None)],
)
def test_register_failures_raise_registry_unavailable(
    world: HttpWorld, fault: Fault, status: int | None
) -> None:
    world.register.fault = fault

    with pytest.raises(RegistryUnavailable) as raised:
        world.client.get_organisaatio(ORGANISAATIO_OID)
    assert raised.value.register == "organisaatio"
    assert raised.value.status == status
    with pytest.raises(RegistryUnavailable):
        world.client.find_by_oids(SUMMARY_OIDS)


def test_malformed_json_raises(world: HttpWorld) -> None:
    world.register.fault = Fault.MALFORMED_JSON

    with pytest.raises(RegistryUnavailable, match="malformed JSON"):
        world.client.get_organisaatio(ORGANISAATIO_OID)


@pytest.mark.parametrize("body", [[1, 2], "x", {"nimi": {"fi": "X"}}, {"oid": 5}])
def test_an_answer_of_the_wrong_shape_raises(world: HttpWorld, body: Any) -> None:
    world.register.route("GET", rf"/organisaatio-service/api/{ORGANISAATIO_OID}", json=body)
    world.register.route(
        "POST",
        r"/organisaatio-service/api/findbyoids",
        json=[body] if isinstance(body, dict) else body,
    )

    with pytest.raises(RegistryUnavailable):
        world.client.get_organisaatio(ORGANISAATIO_OID)
    with pytest.raises(RegistryUnavailable):
        world.client.find_by_oids(SUMMARY_OIDS)


def test_a_404_that_is_not_organisaatiopalvelus_is_an_error_not_absence(
    world: HttpWorld,
) -> None:
    world.register.route(
        "GET", r"/organisaatio-service/api/.*", lambda _r, _m: json_reply("Not Found", 404)
    )

    with pytest.raises(RegistryUnavailable) as raised:
        world.client.get_organisaatio(ORGANISAATIO_OID)
    assert raised.value.status == 404
