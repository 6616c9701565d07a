"""KOSKI and ONR: the same assertions against the local registers and against the HTTP clients
talking to fake registers on loopback, plus what only the HTTP clients have (headers,
authentication, retries, timeouts, caching)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from ehoks.access.cas import CasUser
from ehoks.errors import RegistryUnavailable
from ehoks.identifiers import make_oid
from ehoks.registries.http import HttpPolicy, RegisterHttp, TtlCache
from ehoks.registries.importer import import_documents
from ehoks.registries.koski.http import HttpKoskiRegistry
from ehoks.registries.koski.interface import KoskiRegistry, parse_opiskeluoikeus
from ehoks.registries.onr.interface import OnrRegistry, parse_henkilo
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import Environment, Settings
from tests.support.fake_cas import FakeCas
from tests.support.fake_koski import (
    KOSKI_PASSWORD,
    KOSKI_USERNAME,
    OPISKELUOIKEUS_NOT_FOUND,
    FakeKoski,
    koski_error,
    serve_koski,
)
from tests.support.fake_onr import FakeOnr, serve_onr
from tests.support.fake_registers import FakeRegister, Fault
from tests.support.fixtures import load_registry
from tests.support.loopback import serve

CALLER_ID = "1.2.246.562.10.00000000001.ehoks-test"
CAS_USERNAME = "ehoks-palvelu"
CAS_PASSWORD = "cas-password-1234"

# --- the data both implementations serve ------------------------------------------------------

OPPIJA_OID = "1.2.246.562.24.44651722625"
_SURE = load_registry(f"koski_api_sure_oids_{OPPIJA_OID}.json")
_OPPIJA = load_registry(f"koski_api_oppija_{OPPIJA_OID}.json")
# KOSKI's mock data has two versions of 1.2.246.562.15.10359275566; the sure/oids one is kept.
OPISKELUOIKEUDET: list[dict[str, Any]] = list(
    {
        document["oid"]: document
        for document in [*_OPPIJA["opiskeluoikeudet"], *_SURE[0]["opiskeluoikeudet"]]
    }.values()
)
UNOWNED = load_registry("koski_api_opiskeluoikeus_1.2.246.562.15.76811932037.json")
BARE_OID = "1.2.246.562.15.13312692646"
UNKNOWN_OPISKELUOIKEUS = "1.2.246.562.15.99999999999"

MASTER_OID = make_oid("24", "7000000001")
SLAVE_OIDS = sorted([make_oid("24", "7000000002"), make_oid("24", "7000000003")])
NEW_OID = make_oid("24", "7000000004")
UNKNOWN_HENKILO = make_oid("24", "7000000005")


def onr_henkilo(oid: str, etunimet: str, sukunimi: str, **extra: Any) -> dict[str, Any]:
    """An ONR HenkiloDto as ``/oppijanumerorekisteri-service/henkilo/{oid}`` answers it."""
    return {
        "oidHenkilo": oid,
        "hetu": None,
        "etunimet": etunimet,
        "kutsumanimi": etunimet.split()[0],
        "sukunimi": sukunimi,
        "passivoitu": False,
        "duplicate": False,
        "yksiloityVTJ": True,
        "yhteystiedotRyhma": [],
        **extra,
    }


_KOSKI_HENKILO = _OPPIJA["henkilö"]
HENKILOT = [
    onr_henkilo(
        OPPIJA_OID,
        _KOSKI_HENKILO["etunimet"],
        _KOSKI_HENKILO["sukunimi"],
        hetu=_KOSKI_HENKILO["hetu"],
    ),
    onr_henkilo(MASTER_OID, "Mikko Ensio", "Päähenkilö"),
    *(
        onr_henkilo(oid, "Mikko", "Päähenkilö", duplicate=True, masterOid=MASTER_OID)
        for oid in SLAVE_OIDS
    ),
]


def test_the_data_set_is_the_expected_one() -> None:
    # Guards the assertions below against changed fixture files.
    assert len(OPISKELUOIKEUDET) == 6
    assert UNOWNED["oid"] == "1.2.246.562.15.76811932037"
    assert UNOWNED["oid"] not in {document["oid"] for document in OPISKELUOIKEUDET}
    assert len(set(SLAVE_OIDS) | {MASTER_OID, NEW_OID, UNKNOWN_HENKILO, OPPIJA_OID}) == 6


# --- building the registers ----------------------------------------------------------------


class Loopback:
    """KOSKI, ONR and CAS servers that live as long as this module's tests (starting servers
    and clients per test would take most of the time). Each test serves its own fresh
    ``FakeRegister``s through them (``attach``)."""

    def __init__(self, koski_url: str, onr_url: str, cas: FakeCas) -> None:
        self.koski_url = koski_url
        self.onr_url = onr_url
        self.cas = cas
        self.koski = FakeRegister("koski", koski_url)
        self.onr = FakeRegister("onr", onr_url)

    def attach(self) -> tuple[FakeRegister, FakeRegister]:
        """Fresh fake registers (no routes, faults or calls) behind the servers."""
        self.koski = FakeRegister("koski", self.koski_url)
        self.onr = FakeRegister("onr", self.onr_url)
        return self.koski, self.onr

    def settings(self, **overrides: Any) -> Settings:
        """Settings with KOSKI and ONR over HTTP on these servers (no retry backoff)."""
        values: dict[str, Any] = {
            "environment": Environment.TEST,
            "caller_id": CALLER_ID,
            "koski_url": self.koski_url,
            "koski_username": KOSKI_USERNAME,
            "koski_password": KOSKI_PASSWORD,
            "onr_url": self.onr_url,
            "cas_url": self.cas.url,
            "cas_username": CAS_USERNAME,
            "cas_password": CAS_PASSWORD,
            "register_read_timeout_seconds": 5.0,
            "register_retry_backoff_seconds": 0,
            **overrides,
        }
        return Settings(**values)


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    cas = FakeCas(url="")
    cas.add_account(
        CasUser(CAS_USERNAME, make_oid("24", "7000000009"), "PALVELU", ()), CAS_PASSWORD
    )
    board = Loopback("", "", cas)
    with (
        serve(lambda request: board.koski.handle(request)) as koski_url,
        serve(lambda request: board.onr.handle(request)) as onr_url,
        serve(cas.handle) as cas_url,
    ):
        board.koski_url, board.onr_url, cas.url = koski_url, onr_url, f"{cas_url}/cas"
        yield board


@pytest.fixture(scope="module")
def shared_factory(loopback: Loopback) -> Iterator[RegistryFactory]:
    """The registers of the default HTTP settings (caches are cleared for every test)."""
    factory = RegistryFactory(loopback.settings())
    yield factory
    factory.close()


@dataclass
class HttpWorld:
    """The fake registers of one test and the clients wired to them."""

    koski_register: FakeRegister
    onr_register: FakeRegister
    fake_koski: FakeKoski
    fake_onr: FakeOnr
    koski: KoskiRegistry
    onr: OnrRegistry
    settings: Settings


@contextmanager
def http_world(
    loopback: Loopback,
    *,
    factory: RegistryFactory | None = None,
    **overrides: Any,
) -> Iterator[HttpWorld]:
    """KOSKI and ONR serving the data set, and the registers the wiring builds for them:
    ``factory`` (caches cleared) or, when None, a new one from ``overrides``.

    The registers are bound to a session without a database: KOSKI and ONR are HTTP ones and
    never touch it.
    """
    koski_register, onr_register = loopback.attach()
    fake_koski = serve_koski(
        koski_register,
        {OPPIJA_OID: OPISKELUOIKEUDET},
        henkilot={OPPIJA_OID: _KOSKI_HENKILO},
        unowned=[UNOWNED],
    )
    fake_onr = serve_onr(onr_register, loopback.cas, HENKILOT)
    settings = loopback.settings(**overrides)
    own = factory is None
    factory = RegistryFactory(settings) if factory is None else factory
    factory.clear_caches()
    registries = factory.bind(Session())
    try:
        yield HttpWorld(
            koski_register,
            onr_register,
            fake_koski,
            fake_onr,
            registries.koski,
            registries.onr,
            settings,
        )
    finally:
        if own:
            factory.close()


@dataclass
class Registers:
    koski: KoskiRegistry
    onr: OnrRegistry


@pytest.fixture(params=["local", "http"])
def registers(
    request: pytest.FixtureRequest, loopback: Loopback, shared_factory: RegistryFactory
) -> Iterator[Registers]:
    """The same data behind the local registers or behind the HTTP clients."""
    if request.param == "local":
        # Only the local registers need the (emptied) test database.
        session: Session = request.getfixturevalue("session")
        import_documents(session, HENKILOT)
        import_documents(
            session, {"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": OPISKELUOIKEUDET}
        )
        import_documents(session, UNOWNED)
        settings: Settings = request.getfixturevalue("settings")
        registries = RegistryFactory(settings).bind(session)
        yield Registers(registries.koski, registries.onr)
        return
    with http_world(loopback, factory=shared_factory) as world:
        yield Registers(world.koski, world.onr)


@pytest.fixture
def world(loopback: Loopback, shared_factory: RegistryFactory) -> Iterator[HttpWorld]:
    with http_world(loopback, factory=shared_factory) as built:
        yield built


# --- the contract: local and HTTP alike ------------------------------------------------------


def test_a_study_right_is_found_as_koski_sent_it(registers: Registers) -> None:
    for document in [*OPISKELUOIKEUDET, UNOWNED]:
        assert registers.koski.get_opiskeluoikeus(document["oid"]) == parse_opiskeluoikeus(document)
    bare = registers.koski.get_opiskeluoikeus(BARE_OID)
    assert bare is not None
    assert bare.oppilaitos is not None
    assert bare.oppilaitos.oid == "1.2.246.562.10.32506551657"
    assert bare.tyyppi_koodiarvo == "muukuinsaanneltykoulutus"
    assert str(bare.alkamispaiva) == "2015-12-07"  # read through the non-ASCII key


@pytest.mark.parametrize("oid", [UNKNOWN_OPISKELUOIKEUS, "1.2.246.562.15.1", "foobar", ".."])
def test_an_unknown_or_malformed_study_right_is_not_found(registers: Registers, oid: str) -> None:
    assert registers.koski.get_opiskeluoikeus(oid) is None


def test_the_study_rights_of_a_person(registers: Registers) -> None:
    found = registers.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)

    expected = sorted(OPISKELUOIKEUDET, key=lambda document: str(document["oid"]))
    assert sorted(found, key=lambda oo: oo.oid) == [parse_opiskeluoikeus(d) for d in expected]


@pytest.mark.parametrize("oid", [MASTER_OID, UNKNOWN_HENKILO, "foobar"])
def test_a_person_without_study_rights_has_none(registers: Registers, oid: str) -> None:
    assert registers.koski.get_opiskeluoikeudet_of_oppija(oid) == []


def test_a_person_is_found(registers: Registers) -> None:
    henkilo = registers.onr.get_henkilo(OPPIJA_OID)

    assert henkilo is not None
    assert henkilo.oid == OPPIJA_OID
    assert henkilo.nimi == "Aarto Maurits Väisänen-perftest"
    assert henkilo.kutsumanimi == "Aarto"
    assert henkilo.hetu == "250103-5360"
    assert not henkilo.duplicate


@pytest.mark.parametrize("oid", [UNKNOWN_HENKILO, "foobar"])
def test_an_unknown_person(registers: Registers, oid: str) -> None:
    assert registers.onr.get_henkilo(oid) is None
    assert registers.onr.get_master(oid) is None
    assert registers.onr.get_slaves(oid) == []


def test_the_master_of_a_duplicate_and_of_a_master(registers: Registers) -> None:
    master = parse_henkilo(HENKILOT[1])
    for slave_oid in SLAVE_OIDS:
        slave = registers.onr.get_henkilo(slave_oid)
        assert slave is not None
        assert slave.duplicate
        assert registers.onr.get_master(slave_oid) == master
    assert registers.onr.get_master(MASTER_OID) == master
    assert registers.onr.get_master(OPPIJA_OID) == parse_henkilo(HENKILOT[0])


def test_the_slaves_of_a_master(registers: Registers) -> None:
    slaves = registers.onr.get_slaves(MASTER_OID)

    assert sorted(henkilo.oid for henkilo in slaves) == SLAVE_OIDS
    assert all(henkilo.duplicate and henkilo.nimi == "Mikko Päähenkilö" for henkilo in slaves)
    assert registers.onr.get_slaves(SLAVE_OIDS[0]) == []
    assert registers.onr.get_slaves(OPPIJA_OID) == []


# --- HTTP only: what is sent -----------------------------------------------------------------


def test_koski_is_asked_with_caller_id_csrf_and_basic_auth(world: HttpWorld) -> None:
    world.koski.get_opiskeluoikeus(BARE_OID)
    world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)

    get, post = world.koski_register.calls
    assert (get.method, get.path) == ("GET", f"/koski/api/opiskeluoikeus/{BARE_OID}")
    assert (post.method, post.path) == ("POST", "/koski/api/sure/oids")
    assert post.headers["content-type"] == "application/json"
    assert post.body == f'["{OPPIJA_OID}"]'.encode()
    basic = httpx.BasicAuth(KOSKI_USERNAME, KOSKI_PASSWORD)
    expected_authorization = next(basic.auth_flow(httpx.Request("GET", "http://x"))).headers[
        "Authorization"
    ]
    for call in (get, post):
        assert call.headers["caller-id"] == CALLER_ID
        assert call.headers["csrf"] == CALLER_ID
        assert f"CSRF={CALLER_ID}" in call.headers["cookie"]
        assert call.headers["authorization"] == expected_authorization
        assert "ticket" not in call.query


def test_onr_is_asked_with_caller_id_and_a_fresh_service_ticket(world: HttpWorld) -> None:
    world.onr.get_henkilo(OPPIJA_OID)
    world.onr.get_master(SLAVE_OIDS[0])
    world.onr.get_slaves(MASTER_OID)

    calls = world.onr_register.calls
    assert [call.path for call in calls] == [
        f"/oppijanumerorekisteri-service/henkilo/{OPPIJA_OID}",
        f"/oppijanumerorekisteri-service/henkilo/{SLAVE_OIDS[0]}/master",
        f"/oppijanumerorekisteri-service/henkilo/{MASTER_OID}/slaves",
    ]
    tickets = [call.query["ticket"][0] for call in calls]
    assert world.fake_onr.accepted_tickets == tickets
    assert len(set(tickets)) == 3  # single-use tickets, one per request
    assert all(call.headers["caller-id"] == CALLER_ID for call in calls)
    assert all("authorization" not in call.headers for call in calls)


def test_the_fakes_refuse_what_the_real_registers_refuse(
    world: HttpWorld, loopback: Loopback
) -> None:
    # The clients always send what is needed; this keeps the fakes' guards honest.
    koski = httpx.Client(base_url=world.koski_register.url)
    onr = httpx.Client(base_url=world.onr_register.url, headers={"Caller-Id": CALLER_ID})
    with koski, onr:
        oppija_path = f"/koski/api/oppija/{OPPIJA_OID}"
        auth = (KOSKI_USERNAME, KOSKI_PASSWORD)
        caller = {"Caller-Id": CALLER_ID}
        assert koski.get(oppija_path, auth=auth).status_code == 400
        assert koski.get(oppija_path, headers=caller).status_code == 401
        assert koski.get(oppija_path, headers=caller, auth=(KOSKI_USERNAME, "x")).status_code == 401
        oppija = koski.get(oppija_path, headers=caller, auth=auth)
        assert oppija.status_code == 200
        assert oppija.json()["henkilö"] == _KOSKI_HENKILO
        assert len(oppija.json()["opiskeluoikeudet"]) == 6
        unknown = koski.get(f"/koski/api/oppija/{UNKNOWN_HENKILO}", headers=caller, auth=auth)
        assert unknown.status_code == 404
        assert unknown.json()[0]["key"] == "notFound.oppijaaEiLöydyTaiEiOikeuksia"
        missing = koski.get(
            f"/koski/api/opiskeluoikeus/{UNKNOWN_OPISKELUOIKEUS}", headers=caller, auth=auth
        )
        assert (missing.status_code, missing.json()) == (404, OPISKELUOIKEUS_NOT_FOUND)

        henkilo_path = f"/oppijanumerorekisteri-service/henkilo/{OPPIJA_OID}"
        user = CasUser(CAS_USERNAME, MASTER_OID, "PALVELU", ())
        service = world.fake_onr.service
        ticket = loopback.cas.issue(user, service)
        assert (
            onr.get(henkilo_path, headers={"Caller-Id": ""}, params={"ticket": ticket}).status_code
            == 400
        )
        assert onr.get(henkilo_path).status_code == 401
        wrong_service = loopback.cas.issue(user, world.onr_register.url)
        assert onr.get(henkilo_path, params={"ticket": wrong_service}).status_code == 401
        ticket = loopback.cas.issue(user, service)
        assert onr.get(henkilo_path, params={"ticket": ticket}).status_code == 200
        assert onr.get(henkilo_path, params={"ticket": ticket}).status_code == 401  # single use


# --- HTTP only: KOSKI's answers ----------------------------------------------------------------


def test_koski_not_found_is_its_404_body(world: HttpWorld) -> None:
    assert world.koski.get_opiskeluoikeus(UNKNOWN_OPISKELUOIKEUS) is None
    (call,) = world.koski_register.calls
    assert call.path.endswith(UNKNOWN_OPISKELUOIKEUS)


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("notFound", 404),
        ("notFound.opiskeluoikeuttaEiLöydy", 404),
        ("notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia", 404),
        ("badRequest.queryParam", 400),
        ("badRequest.queryParam.virheellinenOpiskeluoikeusOid", 400),
    ],
)
def test_every_koski_not_found_answer_is_none(world: HttpWorld, key: str, status: int) -> None:
    world.koski_register.route(
        "GET", r"/koski/api/opiskeluoikeus/.*", json=koski_error(key, "..."), status=status
    )
    assert world.koski.get_opiskeluoikeus(BARE_OID) is None


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("notFound.oppijaaEiLöydyTaiEiOikeuksia", 404),
        ("badRequest.validation.jsonSchema", 400),
        ("forbidden.vainViranomainen", 403),
        ("internalError", 500),
    ],
)
def test_other_koski_errors_raise_with_status_and_key(
    world: HttpWorld, key: str, status: int
) -> None:
    world.koski_register.route(
        "GET", r"/koski/api/opiskeluoikeus/.*", json=koski_error(key, "..."), status=status
    )
    world.koski_register.route(
        "POST", r"/koski/api/sure/oids", json=koski_error(key, "..."), status=status
    )

    with pytest.raises(RegistryUnavailable) as raised:
        world.koski.get_opiskeluoikeus(BARE_OID)
    assert (raised.value.register, raised.value.status, raised.value.error_key) == (
        "koski",
        status,
        key,
    )
    with pytest.raises(RegistryUnavailable) as raised:
        world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
    assert (raised.value.status, raised.value.error_key) == (status, key)


def test_a_404_that_is_not_koskis_is_an_error_not_absence(
    loopback: Loopback,
) -> None:
    # A misconfigured URL answers the web server's plain 404: that must not look like "unknown".
    with http_world(loopback, koski_url=f"{loopback.koski_url}/gateway") as world:
        with pytest.raises(RegistryUnavailable) as raised:
            world.koski.get_opiskeluoikeus(BARE_OID)
        assert (raised.value.status, raised.value.error_key) == (404, None)


def test_wrong_koski_credentials_raise_401(loopback: Loopback) -> None:
    with http_world(loopback, koski_password="wrong") as world:
        with pytest.raises(RegistryUnavailable) as raised:
            world.koski.get_opiskeluoikeus(BARE_OID)
        assert (raised.value.status, raised.value.error_key) == (401, "unauthorized.loginFail")


def test_sure_oids_answers_only_the_asked_person(world: HttpWorld) -> None:
    other = make_oid("24", "7000000006")
    world.koski_register.route(
        "POST",
        r"/koski/api/sure/oids",
        json=[
            {"henkilö": {"oid": other}, "opiskeluoikeudet": [UNOWNED]},
            {"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": OPISKELUOIKEUDET[:1]},
        ],
    )
    found = world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)

    assert [oo.oid for oo in found] == [OPISKELUOIKEUDET[0]["oid"]]
    assert world.koski.get_opiskeluoikeudet_of_oppija(MASTER_OID) == []


@pytest.mark.parametrize(
    "body",
    [
        {"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": []},  # not an array
        [{"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": None}],
        [{"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": [{"oid": "x"}]}],  # no tyyppi
    ],
)
def test_a_sure_oids_answer_of_the_wrong_shape_raises(world: HttpWorld, body: Any) -> None:
    world.koski_register.route("POST", r"/koski/api/sure/oids", json=body)

    with pytest.raises(RegistryUnavailable) as raised:
        world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
    assert raised.value.status is None


def test_a_study_right_of_the_wrong_shape_raises(world: HttpWorld) -> None:
    world.koski_register.route("GET", r"/koski/api/opiskeluoikeus/.*", json={"oid": BARE_OID})

    with pytest.raises(RegistryUnavailable, match="cannot read"):
        world.koski.get_opiskeluoikeus(BARE_OID)


# --- HTTP only: faults ---------------------------------------------------------------------


def test_503_is_retried_until_koski_answers(world: HttpWorld) -> None:
    world.koski_register.fault = Fault.UNAVAILABLE_503
    world.koski_register.fault_times = 2

    assert world.koski.get_opiskeluoikeus(BARE_OID) is not None
    assert len(world.koski_register.calls) == 3


def test_503_after_every_retry_raises_503(world: HttpWorld) -> None:
    world.koski_register.fault = Fault.UNAVAILABLE_503

    with pytest.raises(RegistryUnavailable) as raised:
        world.koski.get_opiskeluoikeus(BARE_OID)
    assert raised.value.status == 503
    assert len(world.koski_register.calls) == world.settings.register_retries + 1


def test_a_dropped_connection_is_retried_then_raises_without_status(world: HttpWorld) -> None:
    world.koski_register.fault = Fault.DOWN
    world.onr_register.fault = Fault.DOWN

    with pytest.raises(RegistryUnavailable) as raised:
        world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
    assert (raised.value.register, raised.value.status) == ("koski", None)
    assert len(world.koski_register.calls) == world.settings.register_retries + 1
    with pytest.raises(RegistryUnavailable) as raised:
        world.onr.get_henkilo(OPPIJA_OID)
    assert (raised.value.register, raised.value.status) == ("onr", None)
    assert len(world.onr_register.calls) == world.settings.register_retries + 1


def test_a_dropped_connection_once_is_survived(world: HttpWorld) -> None:
    world.onr_register.fault = Fault.DOWN
    world.onr_register.fault_times = 1

    assert world.onr.get_henkilo(OPPIJA_OID) is not None
    assert len(world.onr_register.calls) == 2


def test_a_slow_register_fails_promptly(loopback: Loopback) -> None:
    with http_world(loopback, register_read_timeout_seconds=0.5) as world:
        world.koski_register.fault = Fault.SLOW
        world.koski_register.slow_seconds = 2
        started = time.monotonic()

        with pytest.raises(RegistryUnavailable) as raised:
            world.koski.get_opiskeluoikeus(BARE_OID)

        assert time.monotonic() - started < 1.5
        assert raised.value.status is None
        assert len(world.koski_register.calls) == 1  # a slow register is not asked again


@pytest.mark.parametrize("register", ["koski", "onr"])
def test_500_raises_500(world: HttpWorld, register: str) -> None:
    fake = world.koski_register if register == "koski" else world.onr_register
    fake.fault = Fault.ERROR_500

    ask: Callable[[], object] = (
        (lambda: world.koski.get_opiskeluoikeus(BARE_OID))
        if register == "koski"
        else (lambda: world.onr.get_slaves(MASTER_OID))
    )

    with pytest.raises(RegistryUnavailable) as raised:
        ask()
    assert (raised.value.register, raised.value.status, raised.value.error_key) == (
        register,
        500,
        None,
    )
    assert len(fake.calls) == 1  # a 500 is an answer, not retried


@pytest.mark.parametrize("call", ["opiskeluoikeus", "oppija", "henkilo", "master", "slaves"])
def test_malformed_json_raises(world: HttpWorld, call: str) -> None:
    world.koski_register.fault = Fault.MALFORMED_JSON
    world.onr_register.fault = Fault.MALFORMED_JSON
    calls: dict[str, Callable[[], object]] = {
        "opiskeluoikeus": lambda: world.koski.get_opiskeluoikeus(BARE_OID),
        "oppija": lambda: world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID),
        "henkilo": lambda: world.onr.get_henkilo(OPPIJA_OID),
        "master": lambda: world.onr.get_master(OPPIJA_OID),
        "slaves": lambda: world.onr.get_slaves(MASTER_OID),
    }

    with pytest.raises(RegistryUnavailable, match="malformed JSON") as raised:
        calls[call]()
    assert raised.value.status is None


def test_an_onr_person_of_the_wrong_shape_raises(world: HttpWorld) -> None:
    world.onr_register.route(
        "GET", r"/oppijanumerorekisteri-service/henkilo/[^/]+/slaves", json={"oidHenkilo": "x"}
    )
    world.onr_register.route(
        "GET", r"/oppijanumerorekisteri-service/henkilo/[^/]+", json={"etunimet": "Ei oidia"}
    )

    with pytest.raises(RegistryUnavailable, match="did not answer a JSON array"):
        world.onr.get_slaves(MASTER_OID)
    with pytest.raises(RegistryUnavailable, match="cannot read"):
        world.onr.get_henkilo(OPPIJA_OID)


# --- HTTP only: ONR's tickets ----------------------------------------------------------------


def test_onr_401_once_gets_a_fresh_ticket(world: HttpWorld) -> None:
    world.fake_onr.unauthorized_times = 1

    henkilo = world.onr.get_henkilo(OPPIJA_OID)

    assert henkilo is not None
    first, second = world.onr_register.calls
    assert first.query["ticket"] != second.query["ticket"]
    assert world.fake_onr.accepted_tickets == second.query["ticket"]


def test_onr_401_again_raises_401(world: HttpWorld) -> None:
    world.fake_onr.unauthorized_times = 5

    with pytest.raises(RegistryUnavailable) as raised:
        world.onr.get_henkilo(OPPIJA_OID)
    assert (raised.value.register, raised.value.status) == ("onr", 401)
    assert len(world.onr_register.calls) == 2


def test_a_refused_cas_account_raises(loopback: Loopback) -> None:
    with http_world(loopback, cas_password="wrong") as world:
        with pytest.raises(RegistryUnavailable) as raised:
            world.onr.get_henkilo(OPPIJA_OID)
        assert (raised.value.register, raised.value.status) == ("cas", 401)
        assert world.onr_register.calls == []


# --- HTTP only: caching --------------------------------------------------------------------


def test_koski_answers_are_cached_within_their_ttl(world: HttpWorld) -> None:
    for _ in range(2):
        assert world.koski.get_opiskeluoikeus(BARE_OID) is not None
        assert world.koski.get_opiskeluoikeus(UNKNOWN_OPISKELUOIKEUS) is None  # None too
        assert len(world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)) == 6

    assert len(world.koski_register.requests_to("/koski/api/opiskeluoikeus/")) == 2
    assert len(world.koski_register.requests_to("/koski/api/sure/oids")) == 1


def test_a_cached_list_is_not_shared_with_callers(world: HttpWorld) -> None:
    world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID).clear()

    assert len(world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)) == 6


def test_a_zero_ttl_asks_every_time(loopback: Loopback) -> None:
    zero: dict[str, Any] = {
        "koski_opiskeluoikeus_cache_ttl_millis": 0,
        "koski_oppija_cache_ttl_millis": 0,
        "ext_cache_lifetime_minutes": 0,
    }
    with http_world(loopback, **zero) as world:
        for _ in range(2):
            world.koski.get_opiskeluoikeus(BARE_OID)
            world.koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
            world.onr.get_henkilo(OPPIJA_OID)

        assert len(world.koski_register.calls) == 4
        assert len(world.onr_register.calls) == 2


def test_koski_cache_entries_expire(world: HttpWorld) -> None:
    now = [0.0]
    policy = HttpPolicy(caller_id=CALLER_ID, retries=0)
    http = RegisterHttp(
        "koski",
        world.koski_register.url,
        policy,
        auth=httpx.BasicAuth(KOSKI_USERNAME, KOSKI_PASSWORD),
    )
    koski = HttpKoskiRegistry(
        http,
        opiskeluoikeus_cache=TtlCache(2.0, clock=lambda: now[0]),
        oppija_cache=TtlCache(5.0, clock=lambda: now[0]),
    )
    try:
        koski.get_opiskeluoikeus(BARE_OID)
        koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        now[0] = 1.9
        koski.get_opiskeluoikeus(BARE_OID)
        koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        assert len(world.koski_register.calls) == 2
        now[0] = 2.1
        koski.get_opiskeluoikeus(BARE_OID)
        koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        assert len(world.koski_register.calls) == 3
        now[0] = 5.1
        koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        assert len(world.koski_register.calls) == 4
    finally:
        http.close()


def test_onr_found_answers_are_cached_per_call(world: HttpWorld) -> None:
    slave = SLAVE_OIDS[0]
    for _ in range(2):
        # One OID, three calls, three different answers: the cache keys must not collide.
        henkilo = world.onr.get_henkilo(slave)
        assert henkilo is not None
        assert henkilo.oid == slave
        master = world.onr.get_master(slave)
        assert master is not None
        assert master.oid == MASTER_OID
        assert world.onr.get_slaves(slave) == []
        assert len(world.onr.get_slaves(MASTER_OID)) == 2

    assert len(world.onr_register.calls) == 4


def test_onr_not_found_is_not_cached(world: HttpWorld) -> None:
    assert world.onr.get_henkilo(NEW_OID) is None
    assert world.onr.get_master(NEW_OID) is None

    world.fake_onr.add(onr_henkilo(NEW_OID, "Uusi", "Henkilö"))

    henkilo = world.onr.get_henkilo(NEW_OID)
    assert henkilo is not None
    assert henkilo.nimi == "Uusi Henkilö"
    assert world.onr.get_master(NEW_OID) == henkilo
    assert len(world.onr_register.calls) == 4


def test_errors_are_not_cached(world: HttpWorld) -> None:
    world.koski_register.fault = Fault.ERROR_500
    world.koski_register.fault_times = 1
    with pytest.raises(RegistryUnavailable):
        world.koski.get_opiskeluoikeus(BARE_OID)

    assert world.koski.get_opiskeluoikeus(BARE_OID) is not None
