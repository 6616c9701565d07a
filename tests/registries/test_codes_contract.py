"""Koodisto and ePerusteet: the same assertions against the local registers and against the
HTTP clients talking to fake registers on loopback (serving the upstream payloads), what only
the HTTP clients have (headers, Koodisto's 500 "not found", caching, failures), and the names
pages show (``Naming``), which never fail."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from ehoks.errors import RegistryUnavailable
from ehoks.registries.eperusteet.http import HttpEperusteetRegistry
from ehoks.registries.eperusteet.interface import tutkinnon_osan_laajuus
from ehoks.registries.importer import ImportReport, import_documents
from ehoks.registries.koodisto.http import HttpKoodistoRegistry
from ehoks.registries.naming import FailureMemory, Naming, fallback, text
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import Environment, Settings
from tests.support.fake_eperusteet import (
    RAKENNE_KEY,
    FakeEperusteet,
    default_perusteet,
    default_rakenteet,
    default_tutkinnon_osat,
    serve_eperusteet,
)
from tests.support.fake_koodisto import (
    CODEELEMENT_NOT_FOUND,
    FakeKoodisto,
    default_koodit,
    serve_koodisto,
)
from tests.support.fake_registers import FakeRegister, Fault
from tests.support.loopback import Reply, serve

CALLER_ID = "1.2.246.562.10.00000000001.ehoks-test"

# --- the data both implementations serve ------------------------------------------------------

# No upstream code element has an English name: this one is built in Koodisto's own shape.
OPPISOPIMUS = "osaamisenhankkimistapa_oppisopimus"
OPPISOPIMUS_ELEMENT: dict[str, Any] = {
    "koodiUri": OPPISOPIMUS,
    "resourceUri": f"https://virkailija.testiopintopolku.fi/koodisto-service/rest/codeelement/{OPPISOPIMUS}",
    "version": 3,
    "versio": 1,
    "koodisto": {
        "koodistoUri": "osaamisenhankkimistapa",
        "organisaatioOid": "1.2.246.562.10.00000000001",
        "koodistoVersios": [1],
    },
    "koodiArvo": "oppisopimus",
    "paivitysPvm": 1542702727000,
    "voimassaAlkuPvm": "2018-11-20",
    "voimassaLoppuPvm": None,
    "tila": "HYVAKSYTTY",
    "metadata": [
        {"nimi": "Oppisopimus", "kuvaus": None, "lyhytNimi": None, "kieli": "FI"},
        {"nimi": "Läroavtal", "kuvaus": None, "lyhytNimi": None, "kieli": "SV"},
        {"nimi": "Apprenticeship", "kuvaus": None, "lyhytNimi": None, "kieli": "EN"},
    ],
}
KOODIT = [*default_koodit(), OPPISOPIMUS_ELEMENT]

TUTKINNON_OSAT = default_tutkinnon_osat()
PERUSTEET = default_perusteet()
RAKENNE = default_rakenteet()[RAKENNE_KEY]
PERUSTE_ID, SUORITUSTAPA = RAKENNE_KEY
DIAARINUMERO = "OPH-2652-2017"
YTO = "tutkinnonosat_400014"
ELINTARVIKE = "tutkinnonosat_100054"
# ePerusteet's /perusteet/{id}/suoritustavat/reformi/tutkinnonosat has no upstream payload:
# these viitteet are built in its TutkinnonOsaViiteDto shape. 4209965 and 3435694 are viitteet
# the upstream rakenne uses; 1000001 is one it does not use (its laajuus must not count).
VIITTEET: list[dict[str, Any]] = [
    {
        "id": 4209965,
        "laajuus": 9,
        "jarjestys": 3,
        "_tutkinnonOsa": "4319732",
        "nimi": {"fi": "Yhteiskunta- ja työelämäosaaminen", "_id": "7065744"},
        "tyyppi": "reformi_tutke2",
        "muokattu": 1583489258830,
    },
    {
        "id": 3435694,
        "laajuus": 15,
        "jarjestys": 1,
        "_tutkinnonOsa": "52824",
        "nimi": {"fi": "Elintarviketuotannossa toimiminen"},
        "tyyppi": "normaali",
    },
    {"id": 1000001, "laajuus": 11, "_tutkinnonOsa": "3708884", "tyyppi": "reformi_tutke2"},
]
YTO_OSA_ALUEET = [
    "ammatillisenoppiaineet_ytyk",
    "ammatillisenoppiaineet_yttt",
    "ammatillisenoppiaineet_ytou",
    "ammatillisenoppiaineet_ytyy",
    "ammatillisenoppiaineet_ytth",
    "ammatillisenoppiaineet_ytkk",
]
YTO_NIMI = {
    "fi": "Yhteiskunta- ja työelämäosaaminen",
    "sv": "Kunnande om samhälle och arbetsliv",
    "en": "Citizenship and working life competence",
}


def test_the_data_set_is_the_expected_one() -> None:
    assert len(KOODIT) == 9
    assert sorted(osa["id"] for osa in TUTKINNON_OSAT) == [
        52824,
        3708884,
        4319732,
        4557564,
        6603663,
        6734822,
    ]
    assert [peruste["diaarinumero"] for peruste in PERUSTEET] == [DIAARINUMERO]
    assert RAKENNE_KEY == (3397335, "reformi")


def _import_locally(session: Session) -> None:
    import_documents(session, KOODIT)
    import_documents(session, {"data": TUTKINNON_OSAT, "sivu": 0})
    import_documents(session, PERUSTEET)
    import_documents(
        session, [RAKENNE, *VIITTEET], peruste_id=PERUSTE_ID, suoritustapa=SUORITUSTAPA
    )


# --- building the registers ----------------------------------------------------------------


class Loopback:
    """Koodisto and ePerusteet servers for this module; each test attaches fresh fakes."""

    def __init__(self) -> None:
        self.koodisto_url = ""
        self.eperusteet_url = ""
        self.koodisto = FakeRegister("koodisto")
        self.eperusteet = FakeRegister("eperusteet")

    def attach(self) -> tuple[FakeRegister, FakeRegister]:
        self.koodisto = FakeRegister("koodisto", self.koodisto_url)
        self.eperusteet = FakeRegister("eperusteet", self.eperusteet_url)
        return self.koodisto, self.eperusteet

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": Environment.TEST,
            "caller_id": CALLER_ID,
            "koodisto_url": self.koodisto_url,
            "eperusteet_url": self.eperusteet_url,
            "register_read_timeout_seconds": 2.0,
            "register_retry_backoff_seconds": 0,
            **overrides,
        }
        return Settings(**values)


@pytest.fixture(scope="module")
def loopback() -> Iterator[Loopback]:
    board = Loopback()
    with (
        serve(lambda request: board.koodisto.handle(request)) as koodisto_url,
        serve(lambda request: board.eperusteet.handle(request)) as eperusteet_url,
    ):
        board.koodisto_url, board.eperusteet_url = koodisto_url, eperusteet_url
        yield board


@dataclass
class HttpWorld:
    koodisto_register: FakeRegister
    eperusteet_register: FakeRegister
    fake_koodisto: FakeKoodisto
    fake_eperusteet: FakeEperusteet
    factory: RegistryFactory
    registries: Registries

    @property
    def koodisto(self) -> HttpKoodistoRegistry:
        assert isinstance(self.registries.koodisto, HttpKoodistoRegistry)
        return self.registries.koodisto

    @property
    def eperusteet(self) -> HttpEperusteetRegistry:
        assert isinstance(self.registries.eperusteet, HttpEperusteetRegistry)
        return self.registries.eperusteet

    def naming(self, **options: Any) -> Naming:
        # A memory of its own: the shared one would outlive this test's clients anyway.
        return Naming(
            self.registries.koodisto,
            self.registries.eperusteet,
            failures=options.pop("failures", FailureMemory()),
            **options,
        )


@contextmanager
def http_world(
    loopback: Loopback,
    factory: RegistryFactory | None = None,
    session: Session | None = None,
    **overrides: Any,
) -> Iterator[HttpWorld]:
    """Fresh fakes serving the data set, and the registers ``factory`` (caches cleared) or,
    when None, a new factory from ``overrides`` builds for them."""
    koodisto_register, eperusteet_register = loopback.attach()
    fake_koodisto = serve_koodisto(koodisto_register, copy.deepcopy(KOODIT))
    fake_eperusteet = serve_eperusteet(
        eperusteet_register,
        tutkinnon_osat=TUTKINNON_OSAT,
        perusteet=PERUSTEET,
        rakenteet={RAKENNE_KEY: RAKENNE},
        viitteet={RAKENNE_KEY: VIITTEET},
    )
    own = factory is None
    factory = RegistryFactory(loopback.settings(**overrides)) if factory is None else factory
    factory.clear_caches()
    try:
        yield HttpWorld(
            koodisto_register,
            eperusteet_register,
            fake_koodisto,
            fake_eperusteet,
            factory,
            factory.bind(session if session is not None else Session()),
        )
    finally:
        if own:
            factory.close()


@pytest.fixture(scope="module")
def shared_factory(loopback: Loopback) -> Iterator[RegistryFactory]:
    """The registers of the default HTTP settings (making HTTP clients per test is slow)."""
    factory = RegistryFactory(loopback.settings())
    yield factory
    factory.close()


@pytest.fixture
def world(loopback: Loopback, shared_factory: RegistryFactory) -> Iterator[HttpWorld]:
    with http_world(loopback, shared_factory) as built:
        yield built


@pytest.fixture(params=["local", "http"])
def registries(
    request: pytest.FixtureRequest, loopback: Loopback, shared_factory: RegistryFactory
) -> Iterator[Registries]:
    """The same codes and perusteet behind the local registers or behind the HTTP clients
    (which need no database)."""
    if request.param == "local":
        session: Session = request.getfixturevalue("session")
        _import_locally(session)
        yield RegistryFactory(request.getfixturevalue("settings")).bind(session)
        return
    with http_world(loopback, shared_factory) as built:
        yield built.registries


# --- the contract: Koodisto ------------------------------------------------------------------


def test_a_code_element_is_found_with_its_fields(registries: Registries) -> None:
    koodi = registries.koodisto.get_koodi("ravintolakokinatjarjestys_4")

    assert koodi is not None
    assert koodi.koodi_uri == "ravintolakokinatjarjestys_4"
    assert koodi.koodi_arvo == "4"
    assert koodi.versio == 2
    assert koodi.tila == "HYVAKSYTTY"
    assert koodi.voimassa_alku_pvm == date(2015, 5, 1)
    assert koodi.voimassa_loppu_pvm is None
    assert koodi.koodisto_uri == "ravintolakokinatjarjestys"
    assert koodi.nimi == {"fi": "Fine dining ‑ruoanvalmistus"}
    assert koodi.kuvaus == {"fi": "valinnainen"}


def test_a_code_has_names_in_the_languages_koodisto_gives(registries: Registries) -> None:
    oppisopimus = registries.koodisto.get_koodi(OPPISOPIMUS)
    jatko_opinnot = registries.koodisto.get_koodi("urasuunnitelma_0001")

    assert oppisopimus is not None
    assert oppisopimus.nimi == {"fi": "Oppisopimus", "sv": "Läroavtal", "en": "Apprenticeship"}
    assert jatko_opinnot is not None
    assert jatko_opinnot.nimi == {"fi": "Jatko-opinnot", "sv": "Fortsatta studier"}
    assert jatko_opinnot.lyhyt_nimi == {"fi": "Jatko-opinnot"}


def test_the_latest_or_a_given_version(registries: Registries) -> None:
    latest = registries.koodisto.get_koodi("tutkinnonosat_100031")
    first = registries.koodisto.get_koodi("tutkinnonosat_100031", 1)

    assert latest is not None
    assert latest.versio == 2
    assert latest.koodisto_uri == "tutkinnonosat"
    assert first is not None
    assert first.versio == 1
    assert first.nimi == {
        "fi": "Moottorin ja voimansiirron huolto ja korjaus",
        "sv": "Motor- och transmissionsservice och -reparation",
    }
    assert registries.koodisto.get_koodi("tutkinnonosat_100031", 3) is None


def test_every_version_of_a_code(registries: Registries) -> None:
    versiot = registries.koodisto.get_koodin_versiot("tutkinnonosat_100031")

    assert [koodi.versio for koodi in versiot] == [1, 2]
    assert {koodi.nimi["sv"] for koodi in versiot} == {
        "Motor- och transmissionsservice och -reparation"
    }
    assert [k.versio for k in registries.koodisto.get_koodin_versiot(OPPISOPIMUS)] == [1]
    assert registries.koodisto.get_koodin_versiot("tutkinnonosat_999999") == []


@pytest.mark.parametrize(
    ("koodi_uri", "versio"),
    [
        ("urasuunnitelma_9999", None),
        ("foobar", None),
        ("ravintolakokinatjarjestys_4", 7),
        ("..", None),
    ],
)
def test_a_missing_code_is_none(registries: Registries, koodi_uri: str, versio: int | None) -> None:
    assert registries.koodisto.get_koodi(koodi_uri, versio) is None


def test_the_codes_of_a_koodisto(registries: Registries) -> None:
    koodit = registries.koodisto.get_koodit("urasuunnitelma")

    expected = sorted(
        element["koodiUri"]
        for element in KOODIT
        if element["koodiUri"].startswith("urasuunnitelma")
    )
    assert [koodi.koodi_uri for koodi in koodit] == expected
    assert len(expected) == 5
    passive = next(koodi for koodi in koodit if koodi.koodi_uri == "urasuunnitelma_004")
    assert passive.tila == "PASSIIVINEN"
    assert passive.voimassa_loppu_pvm == date(2019, 9, 17)
    # The all-versions list names no koodisto: the URI does; only the latest version is listed.
    assert [(k.koodi_uri, k.versio) for k in registries.koodisto.get_koodit("tutkinnonosat")] == [
        ("tutkinnonosat_100031", 2)
    ]
    assert registries.koodisto.get_koodit("eiolemassa") == []


# --- the contract: ePerusteet ----------------------------------------------------------------


def test_a_tutkinnon_osa_with_its_names_and_osa_alueet(registries: Registries) -> None:
    osa = registries.eperusteet.find_tutkinnon_osa(YTO)

    assert osa is not None
    assert osa.id == 4319732  # the most recently modified of the five documents of the code
    assert osa.koodi_uri == YTO
    assert osa.koodi_arvo == "400014"
    assert osa.tyyppi == "reformi_tutke2"
    assert osa.nimi == YTO_NIMI
    assert [osa_alue.koodi_uri for osa_alue in osa.osa_alueet] == YTO_OSA_ALUEET
    ytyk = osa.osa_alue("ammatillisenoppiaineet_ytyk")
    assert ytyk is not None
    assert ytyk.nimi == {
        "fi": "Yhteiskunnassa ja kansalaisena toimiminen",
        "sv": "Att verka i samhället och som medborgare",
        "en": "Operating as a member of society and a citizen",
    }
    assert osa.osa_alue("ammatillisenoppiaineet_vvai") is None


def test_every_document_of_a_tutkinnon_osa(registries: Registries) -> None:
    osat = registries.eperusteet.find_tutkinnon_osat(YTO)

    assert [osa.id for osa in osat] == [3708884, 4319732, 4557564, 6603663, 6734822]
    # One of them has only a Finnish name (the key _tunniste and _id are no languages).
    assert {"fi": YTO_NIMI["fi"]} in [osa.nimi for osa in osat]


def test_a_tutkinnon_osa_without_osa_alueet(registries: Registries) -> None:
    osa = registries.eperusteet.find_tutkinnon_osa(ELINTARVIKE)

    assert osa is not None
    assert osa.id == 52824
    assert osa.nimi == {
        "fi": "Elintarviketuotannossa toimiminen",
        "sv": "Arbete inom livsmedelsproduktion",
    }
    assert osa.osa_alueet == ()


@pytest.mark.parametrize("koodi_uri", ["tutkinnonosat_999999", "tutkinnonosat_100031", ""])
def test_an_unknown_tutkinnon_osa(registries: Registries, koodi_uri: str) -> None:
    assert registries.eperusteet.find_tutkinnon_osa(koodi_uri) is None
    assert registries.eperusteet.find_tutkinnon_osat(koodi_uri) == []


def test_a_peruste_by_its_diaarinumero(registries: Registries) -> None:
    peruste = registries.eperusteet.find_peruste(DIAARINUMERO)

    assert peruste is not None
    assert peruste.id == PERUSTE_ID
    assert peruste.diaarinumero == DIAARINUMERO
    assert peruste.nimi == {
        "fi": "Tieto- ja tietoliikennetekniikan perustutkinto",
        "sv": "Grundexamen i datateknik och datakommunikationsteknik",
        "en": "Vocational Qualification in Information and Telecommunications Technology",
    }
    assert [(tapa.suoritustapakoodi, tapa.laajuus_yksikko) for tapa in peruste.suoritustavat] == [
        ("reformi", "OSAAMISPISTE")
    ]
    assert peruste.tila == "valmis"
    assert registries.eperusteet.find_peruste("OPH-0000-2099") is None


def test_the_rakenne_of_a_peruste(registries: Registries) -> None:
    rakenne = registries.eperusteet.get_rakenne(PERUSTE_ID, SUORITUSTAPA)

    assert rakenne is not None
    assert rakenne.osaamispisteet == Decimal(180)
    assert [osa.nimi.get("fi") for osa in rakenne.osat] == [
        "Ammatilliset tutkinnon osat",
        "Yhteiset tutkinnon osat",
    ]
    assert [osa.laajuus_minimi for osa in rakenne.osat] == [Decimal(145), Decimal(35)]
    assert {4209965, 3435694} <= rakenne.tutkinnon_osa_viitteet
    assert 1000001 not in rakenne.tutkinnon_osa_viitteet
    assert len(rakenne.tutkinnon_osa_viitteet) == 19  # 24 leaves, some viitteet used twice
    assert registries.eperusteet.get_rakenne(PERUSTE_ID, "ops") is None
    assert registries.eperusteet.get_rakenne(1) is None


def test_the_tutkinnon_osa_viitteet_of_a_peruste(registries: Registries) -> None:
    viitteet = registries.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID)

    assert [(viite.id, viite.tutkinnon_osa_id, viite.laajuus) for viite in viitteet] == [
        (1000001, 3708884, Decimal(11)),
        (3435694, 52824, Decimal(15)),
        (4209965, 4319732, Decimal(9)),
    ]
    assert registries.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID, "ops") == []
    assert registries.eperusteet.get_tutkinnon_osa_viitteet(1) == []


def test_the_laajuus_of_a_tutkinnon_osa_in_a_peruste(registries: Registries) -> None:
    eperusteet = registries.eperusteet

    # 1000001 also points at a document of the code, but the rakenne does not use it.
    assert tutkinnon_osan_laajuus(eperusteet, PERUSTE_ID, YTO) == Decimal(9)
    assert tutkinnon_osan_laajuus(eperusteet, PERUSTE_ID, ELINTARVIKE) == Decimal(15)
    assert tutkinnon_osan_laajuus(eperusteet, PERUSTE_ID, "tutkinnonosat_100031") is None
    assert tutkinnon_osan_laajuus(eperusteet, 1, YTO) is None


# --- HTTP only: what is sent and what the answers mean ---------------------------------------


def test_the_registers_are_asked_with_caller_id(world: HttpWorld) -> None:
    world.koodisto.get_koodi("tutkinnonosat_100031")
    world.koodisto.get_koodi("tutkinnonosat_100031", 1)
    world.koodisto.get_koodin_versiot("tutkinnonosat_100031")
    world.koodisto.get_koodit("urasuunnitelma")
    world.eperusteet.find_tutkinnon_osat(YTO)
    world.eperusteet.find_peruste(DIAARINUMERO)
    world.eperusteet.get_rakenne(PERUSTE_ID)
    world.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID)

    assert [call.path for call in world.koodisto_register.calls] == [
        "/koodisto-service/rest/codeelement/latest/tutkinnonosat_100031",
        "/koodisto-service/rest/codeelement/tutkinnonosat_100031/1",
        "/koodisto-service/rest/codeelement/tutkinnonosat_100031",
        "/koodisto-service/rest/json/urasuunnitelma/koodi",
    ]
    assert [(call.path, call.query) for call in world.eperusteet_register.calls] == [
        ("/eperusteet-service/api/tutkinnonosat", {"koodiUri": [YTO]}),
        ("/eperusteet-service/api/perusteet/diaari", {"diaarinumero": [DIAARINUMERO]}),
        ("/eperusteet-service/api/perusteet/3397335/suoritustavat/reformi/rakenne", {}),
        ("/eperusteet-service/api/perusteet/3397335/suoritustavat/reformi/tutkinnonosat", {}),
    ]
    for call in [*world.koodisto_register.calls, *world.eperusteet_register.calls]:
        assert call.method == "GET"
        assert call.headers.get("caller-id") == CALLER_ID


def test_koodisto_answers_a_missing_element_with_500(world: HttpWorld) -> None:

    response = httpx.get(
        f"{world.koodisto_register.url}/koodisto-service/rest/codeelement/latest/x_1"
    )

    assert response.status_code == 500
    assert response.text == CODEELEMENT_NOT_FOUND


def test_koodistos_500_not_found_is_none_and_other_500s_raise(world: HttpWorld) -> None:
    assert world.koodisto.get_koodi("urasuunnitelma_9999") is None
    assert world.koodisto.get_koodin_versiot("urasuunnitelma_9999") == []

    world.koodisto_register.fault = Fault.ERROR_500
    with pytest.raises(RegistryUnavailable) as raised:
        world.koodisto.get_koodi("urasuunnitelma_0001")
    assert raised.value.register == "koodisto"
    assert raised.value.status == 500
    with pytest.raises(RegistryUnavailable):
        world.koodisto.get_koodit("urasuunnitelma")


def test_a_500_with_another_error_key_raises(world: HttpWorld) -> None:
    world.koodisto_register.route(
        "GET",
        r"/koodisto-service/rest/codeelement/latest/.*",
        lambda _request, _match: Reply(500, "error.koodisto.database", "text/plain"),
    )

    with pytest.raises(RegistryUnavailable) as raised:
        world.koodisto.get_koodi("urasuunnitelma_0001")
    assert raised.value.status == 500


def test_a_404_is_not_koodistos_not_found(world: HttpWorld) -> None:
    world.koodisto_register.route(
        "GET",
        r"/koodisto-service/rest/codeelement/latest/.*",
        lambda _request, _match: Reply(404, "Not Found", "text/plain"),
    )

    with pytest.raises(RegistryUnavailable):
        world.koodisto.get_koodi("urasuunnitelma_0001")


def test_found_codes_are_cached_and_missing_ones_are_not(world: HttpWorld) -> None:
    assert world.koodisto.get_koodi("urasuunnitelma_0001") is not None
    assert world.koodisto.get_koodi("urasuunnitelma_0001") is not None
    assert world.koodisto.get_koodit("urasuunnitelma") == world.koodisto.get_koodit(
        "urasuunnitelma"
    )
    assert world.koodisto.get_koodi("urasuunnitelma_0009") is None
    world.fake_koodisto.add(
        {**OPPISOPIMUS_ELEMENT, "koodiUri": "urasuunnitelma_0009", "koodiArvo": "0009"}
    )
    assert world.koodisto.get_koodi("urasuunnitelma_0009") is not None

    assert [call.path.rsplit("/", 2)[-1] for call in world.koodisto_register.calls] == [
        "urasuunnitelma_0001",
        "koodi",
        "urasuunnitelma_0009",
        "urasuunnitelma_0009",
    ]
    world.factory.clear_caches()
    world.koodisto.get_koodi("urasuunnitelma_0001")
    assert len(world.koodisto_register.calls) == 5


def test_found_eperusteet_answers_are_cached(world: HttpWorld) -> None:
    for _ in range(2):
        world.eperusteet.find_tutkinnon_osa(YTO)
        world.eperusteet.find_peruste(DIAARINUMERO)
        world.eperusteet.get_rakenne(PERUSTE_ID)
        world.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID)
        assert world.eperusteet.find_peruste("OPH-0000-2099") is None

    assert len(world.eperusteet_register.calls) == 6


@pytest.mark.parametrize(
    ("fault", "status"),
    [(Fault.ERROR_500, 500), (Fault.UNAVAILABLE_503, 503), (Fault.DOWN, None)],
)
def test_failures_raise_registry_unavailable(
    world: HttpWorld, fault: Fault, status: int | None
) -> None:
    world.koodisto_register.fault = fault
    world.eperusteet_register.fault = fault

    for call in [
        lambda: world.koodisto.get_koodi("urasuunnitelma_0001"),
        lambda: world.eperusteet.find_tutkinnon_osa(YTO),
        lambda: world.eperusteet.find_peruste(DIAARINUMERO),
        lambda: world.eperusteet.get_rakenne(PERUSTE_ID),
    ]:
        with pytest.raises(RegistryUnavailable) as raised:
            call()
        assert raised.value.status == status


def test_malformed_json_raises(world: HttpWorld) -> None:
    world.koodisto_register.fault = Fault.MALFORMED_JSON
    world.eperusteet_register.fault = Fault.MALFORMED_JSON

    with pytest.raises(RegistryUnavailable, match="malformed JSON"):
        world.koodisto.get_koodi("urasuunnitelma_0001")
    with pytest.raises(RegistryUnavailable, match="malformed JSON"):
        world.eperusteet.find_tutkinnon_osa(YTO)


@pytest.mark.parametrize("body", [[], {"data": {}}, {"data": [{"id": "x"}]}, "x"])
def test_an_eperusteet_answer_of_the_wrong_shape_raises(world: HttpWorld, body: Any) -> None:
    world.eperusteet_register.route("GET", r"/eperusteet-service/api/tutkinnonosat", json=body)

    with pytest.raises(RegistryUnavailable):
        world.eperusteet.find_tutkinnon_osat(YTO)


@pytest.mark.parametrize(
    ("body", "versiot_raise"),
    [([], False), ({"koodiUri": "x"}, True), ([{"versio": 1}], True), ("x", True)],
)
def test_a_koodisto_answer_of_the_wrong_shape_raises(
    world: HttpWorld, body: Any, versiot_raise: bool
) -> None:
    world.koodisto_register.route("GET", r"/koodisto-service/rest/.*", json=body)

    with pytest.raises(RegistryUnavailable):
        world.koodisto.get_koodi("urasuunnitelma_0001")
    if versiot_raise:
        with pytest.raises(RegistryUnavailable):
            world.koodisto.get_koodin_versiot("urasuunnitelma_0001")
    else:
        assert world.koodisto.get_koodin_versiot("urasuunnitelma_0001") == []


# --- names for pages -------------------------------------------------------------------------


@pytest.fixture
def naming(registries: Registries) -> Naming:
    return Naming(registries.koodisto, registries.eperusteet, failures=FailureMemory())


def test_names_of_codes_in_three_languages(naming: Naming) -> None:
    assert naming.koodi_nimi(OPPISOPIMUS) == {
        "fi": "Oppisopimus",
        "sv": "Läroavtal",
        "en": "Apprenticeship",
    }
    assert naming.osaamisen_hankkimistapa_nimi(OPPISOPIMUS, 1) == naming.koodi_nimi(OPPISOPIMUS)
    assert naming.urasuunnitelma_nimi("urasuunnitelma_0002") == {
        "fi": "Työelämään siirtyminen",
        "sv": "Övergång till arbetslivet",
    }
    # A version Koodisto does not have: the latest name.
    assert naming.koodi_nimi("urasuunnitelma_0002", 5) == naming.koodi_nimi("urasuunnitelma_0002")
    assert naming.koodit("urasuunnitelma")["urasuunnitelma_0005"] == {"fi": "Opintojen jatkaminen"}


def test_names_of_tutkinnon_osat_osa_alueet_and_tutkinnot(naming: Naming) -> None:
    assert naming.tutkinnon_osa_nimi(YTO) == YTO_NIMI
    # Not in ePerusteet: the name of its code in Koodisto.
    assert naming.tutkinnon_osa_nimi("tutkinnonosat_100031") == {
        "fi": "Moottorin ja voimansiirron huolto ja korjaus",
        "sv": "Motor- och transmissionsservice och -reparation",
    }
    assert naming.osa_alue_nimi("ammatillisenoppiaineet_yttt", tutkinnon_osa_koodi_uri=YTO) == {
        "fi": "Työelämässä toimiminen",
        "sv": "Att verka i arbetslivet",
        "en": "Operating in the world of work",
    }
    assert naming.tutkinto_nimi(DIAARINUMERO)["sv"] == (
        "Grundexamen i datateknik och datakommunikationsteknik"
    )


@pytest.mark.parametrize(
    "name_of",
    [
        lambda naming: naming.koodi_nimi("urasuunnitelma_9999"),
        lambda naming: naming.tutkinnon_osa_nimi("urasuunnitelma_9999"),
        lambda naming: naming.osa_alue_nimi("urasuunnitelma_9999", tutkinnon_osa_koodi_uri=YTO),
        lambda naming: naming.tutkinto_nimi("urasuunnitelma_9999"),
    ],
)
def test_an_unknown_code_is_named_by_itself(naming: Naming, name_of: Any) -> None:
    assert name_of(naming) == {
        "fi": "urasuunnitelma_9999",
        "sv": "urasuunnitelma_9999",
        "en": "urasuunnitelma_9999",
    }


def test_text_picks_the_language_then_finnish_then_any() -> None:
    assert text({"fi": "Oppisopimus", "sv": "Läroavtal"}, "sv") == "Läroavtal"
    assert text({"fi": "Oppisopimus", "sv": "Läroavtal"}, "en") == "Oppisopimus"
    assert text({"sv": "Läroavtal", "en": ""}, "en") == "Läroavtal"
    assert text({}, "fi") == ""
    assert text(fallback("x_1"), "sv") == "x_1"


def test_a_down_register_gives_the_code_and_is_not_asked_again(world: HttpWorld) -> None:
    world.koodisto_register.fault = Fault.DOWN
    naming = world.naming()

    assert naming.koodi_nimi(OPPISOPIMUS) == fallback(OPPISOPIMUS)
    asked = len(world.koodisto_register.calls)
    assert asked == 3  # the first try and the two retries
    assert naming.koodi_nimi("urasuunnitelma_0001") == fallback("urasuunnitelma_0001")
    assert world.naming(failures=FailureMemory()).tutkinnon_osa_nimi(YTO) == YTO_NIMI
    # A new Naming of the same page (the shared memory case) does not ask either.
    assert len(world.koodisto_register.calls) == asked
    # ePerusteet down, Koodisto up: Koodisto still names a tutkinnon osa it knows.
    world.koodisto_register.heal()
    world.eperusteet_register.fault = Fault.DOWN
    assert world.naming().tutkinnon_osa_nimi("tutkinnonosat_100031")["fi"] == (
        "Moottorin ja voimansiirron huolto ja korjaus"
    )


def _outlive(register: FakeRegister, started: float) -> None:
    """Wait until the fake's slow answer is over: its handler thread must not write to the
    closed connection (and print a traceback) while later tests run."""
    time.sleep(max(0.0, started + register.slow_seconds + 0.2 - time.monotonic()))


def test_a_slow_register_gives_the_code_within_the_read_timeout(loopback: Loopback) -> None:
    with http_world(loopback, register_read_timeout_seconds=0.3) as world:
        world.koodisto_register.fault = Fault.SLOW
        world.koodisto_register.slow_seconds = 0.8
        naming = world.naming()
        started = time.monotonic()
        try:
            uris = ("urasuunnitelma_0001", "urasuunnitelma_0002")
            names = [naming.koodi_nimi(uri) for uri in uris]
            elapsed = time.monotonic() - started
        finally:
            _outlive(world.koodisto_register, started)

    assert names == [fallback(uri) for uri in uris]
    assert elapsed < 0.7
    assert len(world.koodisto_register.calls) == 1  # the second code was not asked


def test_the_naming_timeout_bounds_the_wait_below_the_read_timeout(loopback: Loopback) -> None:
    with http_world(loopback, register_read_timeout_seconds=5.0) as world:
        world.eperusteet_register.fault = Fault.SLOW
        world.eperusteet_register.slow_seconds = 0.8
        started = time.monotonic()
        try:
            names = world.naming(timeout=0.2).tutkinnon_osa_nimi(YTO)
            elapsed = time.monotonic() - started
            oppisopimus = world.naming(timeout=0.2).koodi_nimi(OPPISOPIMUS)
        finally:
            _outlive(world.eperusteet_register, started)

    assert names == fallback(YTO)  # ePerusteet too slow, and Koodisto does not know it
    assert elapsed < 0.6
    assert oppisopimus["en"] == "Apprenticeship"  # Koodisto answers in time


def test_a_failed_register_is_asked_again_after_a_while(world: HttpWorld) -> None:
    now = [0.0]
    failures = FailureMemory(30.0, clock=lambda: now[0])
    world.koodisto_register.fault = Fault.ERROR_500
    assert world.naming(failures=failures).koodi_nimi(OPPISOPIMUS) == fallback(OPPISOPIMUS)
    world.koodisto_register.heal()

    now[0] = 29.0
    assert world.naming(failures=failures).koodi_nimi(OPPISOPIMUS) == fallback(OPPISOPIMUS)
    now[0] = 31.0
    assert world.naming(failures=failures).koodi_nimi(OPPISOPIMUS)["sv"] == "Läroavtal"
    assert len(world.koodisto_register.calls) == 2


def test_the_wiring_gives_a_naming(world: HttpWorld, session: Session, settings: Settings) -> None:
    assert world.registries.naming().koodi_nimi(OPPISOPIMUS)["fi"] == "Oppisopimus"
    _import_locally(session)
    local = RegistryFactory(settings).bind(session)
    assert local.naming(timeout=0.5).tutkinnon_osa_nimi(YTO) == YTO_NIMI


# --- importing the upstream payloads ----------------------------------------------------------


def test_importing_the_same_documents_again_changes_nothing(session: Session) -> None:
    _import_locally(session)
    session.commit()
    local = RegistryFactory(Settings(environment=Environment.TEST)).bind(session)
    before = (
        local.koodisto.get_koodit("urasuunnitelma"),
        local.eperusteet.find_tutkinnon_osat(YTO),
        local.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID),
        local.eperusteet.get_rakenne(PERUSTE_ID),
    )

    _import_locally(session)
    session.commit()
    session.expire_all()

    assert (
        local.koodisto.get_koodit("urasuunnitelma"),
        local.eperusteet.find_tutkinnon_osat(YTO),
        local.eperusteet.get_tutkinnon_osa_viitteet(PERUSTE_ID),
        local.eperusteet.get_rakenne(PERUSTE_ID),
    ) == before


def test_the_all_versions_list_does_not_erase_a_full_element(session: Session) -> None:
    full = {**OPPISOPIMUS_ELEMENT, "koodiUri": "tutkinnonosat_100031", "koodiArvo": "100031"}
    full["koodisto"] = {"koodistoUri": "tutkinnonosat"}
    full["versio"] = 2
    report = import_documents(session, full)
    assert report == ImportReport(koodit=1)

    import_documents(session, load_all_versions())

    koodi = RegistryFactory(Settings(environment=Environment.TEST)).bind(session).koodisto
    latest = koodi.get_koodi("tutkinnonosat_100031")
    assert latest is not None
    assert latest.tila == "HYVAKSYTTY"  # kept from the full element
    assert latest.nimi["fi"] == "Moottorin ja voimansiirron huolto ja korjaus"  # replaced


def load_all_versions() -> list[dict[str, Any]]:
    return [element for element in KOODIT if element["koodiUri"] == "tutkinnonosat_100031"]
