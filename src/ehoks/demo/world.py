"""The fictional world of the demo: organisations, students, workplaces and users.

Everything here is made up (names, OIDs, Y-tunnus, e-mail addresses under ``example.fi``). OIDs
and Y-tunnus carry valid check digits; OIDs come from one fixed random seed, so every load builds
the same world. Y-tunnus bodies start with 9, a range the trade register has not issued.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from ehoks.identifiers import make_oid, make_y_tunnus
from ehoks.settings import OPH_ROOT_OID

SEED = 20261130
DEMO_PASSWORD = "ehoks-demo-2026"  # noqa: S105 - the documented password of the demo users only
EMAIL_DOMAIN = "example.fi"

AMMATILLINEN = "ammatillinenkoulutus"
TUVA = "tuva"

# Organisation keys used by the student plans.
OPH = "OPH"
KT_A = "KT_A"
A1 = "A1"
A2 = "A2"
A1_TOIMIPISTE = "A1_TP"
KT_B = "KT_B"
B1 = "B1"

PALVELU = "PALVELU"
VIRKAILIJA = "VIRKAILIJA"


def load_data(name: str) -> Any:
    """A JSON document shipped in ``ehoks/demo/data`` (package data, no ../shared at run time)."""
    text = resources.files("ehoks.demo").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


class OidSource:
    """Fresh, check-digit-valid OIDs from a seeded random generator (never the same twice)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def __call__(self, node: str) -> str:
        while True:
            oid = make_oid(node, str(self._rng.randrange(10**9, 10**10)))
            if oid not in self._used:
                self._used.add(oid)
                return oid


# --- organisations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    key: str
    oid: str
    nimi: str
    nimi_sv: str
    tyyppi: str  # organisaatiotyyppi koodi
    parent: str | None  # key of the parent
    y_tunnus: str | None = None
    oppilaitosnumero: str | None = None


def make_organisations(oids: OidSource) -> dict[str, Organisation]:
    orgs = [
        Organisation(
            OPH,
            OPH_ROOT_OID,
            "Opetushallitus",
            "Utbildningsstyrelsen",
            "organisaatiotyyppi_05",
            None,
        ),
        Organisation(
            KT_A,
            oids("10"),
            "Esimerkkilän kaupunki",
            "Esimerkkilä stad",
            "organisaatiotyyppi_01",
            OPH,
            y_tunnus=make_y_tunnus("9012346"),
        ),
        Organisation(
            A1,
            oids("10"),
            "Esimerkkilän ammatti- ja aikuisopisto",
            "Esimerkkilä yrkes- och vuxeninstitut",
            "organisaatiotyyppi_02",
            KT_A,
            oppilaitosnumero="99101",
        ),
        Organisation(
            A2,
            oids("10"),
            "Esimerkkilän palvelualojen oppilaitos",
            "Esimerkkilä läroanstalt för servicebranscher",
            "organisaatiotyyppi_02",
            KT_A,
            oppilaitosnumero="99102",
        ),
        Organisation(
            A1_TOIMIPISTE,
            oids("10"),
            "Esimerkkilän ammatti- ja aikuisopisto, Koskelan toimipaikka",
            "Esimerkkilä yrkes- och vuxeninstitut, verksamhetsstället Forsby",
            "organisaatiotyyppi_03",
            A1,
        ),
        Organisation(
            KT_B,
            oids("10"),
            "Koulutussäätiö Malliranta",
            "Utbildningsstiftelsen Modellstrand",
            "organisaatiotyyppi_01",
            OPH,
            y_tunnus=make_y_tunnus("9023456"),
        ),
        Organisation(
            B1,
            oids("10"),
            "Mallirannan ammattiopisto",
            "Modellstrands yrkesinstitut",
            "organisaatiotyyppi_02",
            KT_B,
            oppilaitosnumero="99201",
        ),
    ]
    by_key = {org.key: org for org in orgs}
    return {key: by_key[key] for key in (OPH, KT_A, A1, A1_TOIMIPISTE, A2, KT_B, B1)}


def ancestors(orgs: dict[str, Organisation], key: str) -> list[Organisation]:
    """From the OPH root down to the parent of ``key``."""
    chain: list[Organisation] = []
    parent = orgs[key].parent
    while parent is not None:
        chain.insert(0, orgs[parent])
        parent = orgs[parent].parent
    return chain


def koulutustoimija_of(orgs: dict[str, Organisation], key: str) -> Organisation:
    return next(org for org in [*ancestors(orgs, key), orgs[key]] if org.tyyppi.endswith("_01"))


def organisaatio_document(orgs: dict[str, Organisation], key: str) -> dict[str, Any]:
    """An Organisaatiopalvelu ``/organisaatio-service/api/{oid}`` document."""
    org = orgs[key]
    chain = ancestors(orgs, key)
    nimi = {"fi": org.nimi, "sv": org.nimi_sv, "en": org.nimi}
    document: dict[str, Any] = {
        "oid": org.oid,
        "nimi": nimi,
        "lyhytNimi": nimi,
        "parentOid": chain[-1].oid if chain else None,
        "parentOidPath": "|" + "|".join(o.oid for o in chain) + "|" if chain else "",
        "tyypit": [org.tyyppi],
        "status": "AKTIIVINEN",
        "alkuPvm": "2010-01-01",
        "kieletUris": ["oppilaitoksenopetuskieli_1#1"],
    }
    if org.key != OPH:
        document["kotipaikkaUri"] = "kunta_091"
    if org.y_tunnus:
        document["ytunnus"] = org.y_tunnus
    if org.oppilaitosnumero:
        document["oppilaitosKoodi"] = org.oppilaitosnumero
        document["oppilaitosTyyppiUri"] = "oppilaitostyyppi_21#1"
    return document


def koski_reference(org: Organisation) -> dict[str, Any]:
    """An organisation as KOSKI embeds it in a study right."""
    reference: dict[str, Any] = {"oid": org.oid, "nimi": {"fi": org.nimi, "sv": org.nimi_sv}}
    if org.oppilaitosnumero:
        reference["oppilaitosnumero"] = koodi(org.oppilaitosnumero, "oppilaitosnumero", org.nimi)
    if org.y_tunnus:
        reference["yTunnus"] = org.y_tunnus
    return reference


def koodi(arvo: str, koodisto: str, nimi: str | None = None, versio: int = 1) -> dict[str, Any]:
    return {
        "koodiarvo": arvo,
        "nimi": {"fi": nimi or arvo},
        "koodistoUri": koodisto,
        "koodistoVersio": versio,
    }


# --- qualifications --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tutkinto:
    koodiarvo: str
    nimi: str
    nimi_sv: str
    osaamisala: tuple[str, str] | None = None  # (koodiarvo, nimi)


TUTKINNOT = (
    Tutkinto(
        "381204",
        "Ravintola- ja catering-alan perustutkinto",
        "Grundexamen inom restaurang- och cateringbranschen",
        ("2045", "Ruokapalvelujen osaamisala"),
    ),
    Tutkinto("341101", "Liiketoiminnan perustutkinto", "Grundexamen inom affärsverksamhet"),
    Tutkinto(
        "371101",
        "Sosiaali- ja terveysalan perustutkinto",
        "Grundexamen inom social- och hälsovården",
        ("2644", "Lasten ja nuorten kasvatuksen ja hoidon osaamisala"),
    ),
    Tutkinto(
        "351301",
        "Autoalan perustutkinto",
        "Grundexamen inom fordonsbranschen",
        ("2525", "Ajoneuvotekniikan osaamisala"),
    ),
    Tutkinto(
        "341201",
        "Tieto- ja viestintätekniikan perustutkinto",
        "Grundexamen i informations- och kommunikationsteknik",
    ),
    Tutkinto(
        "361201",
        "Rakennusalan perustutkinto",
        "Grundexamen inom byggnadsbranschen",
        ("2601", "Talonrakentamisen osaamisala"),
    ),
)
TUVA_TUTKINTO = Tutkinto(
    "999907",
    "Tutkintokoulutukseen valmentava koulutus",
    "Utbildning som handleder för examensutbildning",
)


# --- workplaces and their instructors ---------------------------------------------------------


@dataclass(frozen=True)
class Workplace:
    nimi: str
    y_tunnus: str
    tehtavat: tuple[str, ...]


@dataclass(frozen=True)
class Instructor:
    number: int
    nimi: str
    workplace: Workplace

    @property
    def sahkoposti(self) -> str:
        return f"ohjaaja.{self.number}@{EMAIL_DOMAIN}"

    @property
    def puhelinnumero(self) -> str:
        return f"050 000 {1000 + self.number}"


WORKPLACES = (
    Workplace(
        "Ravintola Esimerkki Oy",
        make_y_tunnus("9700011"),
        ("Ruoanvalmistus", "Asiakaspalvelu salissa"),
    ),
    Workplace("Kahvila Mallila", make_y_tunnus("9700028"), ("Leivonta", "Kassatyö")),
    Workplace(
        "Autokorjaamo Testinen Oy",
        make_y_tunnus("9700035"),
        ("Määräaikaishuollot", "Renkaiden vaihto"),
    ),
    Workplace(
        "Hoivakoti Päivänsäde",
        make_y_tunnus("9700042"),
        ("Asukkaiden päivittäinen avustaminen", "Lääkehoidon avustaminen"),
    ),
    Workplace(
        "Rakennusliike Kivijalka Oy",
        make_y_tunnus("9700059"),
        ("Muottityöt", "Sisävalmistusvaiheen työt"),
    ),
    Workplace(
        "Koodipaja Näyte Oy", make_y_tunnus("9700066"), ("Käyttäjätuki", "Verkkosivujen ylläpito")
    ),
    Workplace("Kauppa Malli Oy", make_y_tunnus("9700073"), ("Hyllytys", "Asiakaspalvelu")),
)

INSTRUCTORS = tuple(
    Instructor(number, nimi, WORKPLACES[workplace])
    for number, (nimi, workplace) in enumerate(
        [
            ("Marja Kokkinen", 0),
            ("Jussi Ruokonen", 0),
            ("Leena Leipuri", 1),
            ("Pertti Pultti", 2),
            ("Sari Hoivanen", 3),
            ("Tuomas Tiilikainen", 4),
            ("Henna Koodari", 5),
            ("Ville Kauppinen", 6),
            ("Anu Apajalahti", 3),
            ("Kari Korjaamo", 2),
        ],
        start=1,
    )
)


# --- people ----------------------------------------------------------------------------------

# (etunimet, sukunimi, birth year). The first eight are the demo names of
# the upstream fixtures (data/oppijat.json); the rest are common Finnish and Finland-Swedish names.
MORE_NAMES = (
    ("Aino Maria", "Virtanen", 2007),
    ("Eetu Juhani", "Korhonen", 2006),
    ("Emma Sofia", "Mäkinen", 2007),
    ("Leevi", "Nieminen", 2005),
    ("Sofia Aurora", "Hämäläinen", 1992),
    ("Onni Elias", "Laine", 2004),
    ("Helmi", "Heikkinen", 2008),
    ("Elias Mikael", "Koskinen", 1988),
    ("Aada Emilia", "Järvinen", 2009),
    ("Väinö", "Lehtonen", 2009),
    ("Ella Kristiina", "Saarinen", 2003),
    ("Oliver", "Salminen", 2005),
    ("Venla Aleksandra", "Heinonen", 2006),
    ("Eino Ilmari", "Tuominen", 1999),
    ("Lilja", "Rantanen", 2008),
    ("Toivo Matias", "Karjalainen", 2006),
    ("Iida", "Jokinen", 1985),
    ("Niilo Johannes", "Mattila", 2007),
    ("Pihla", "Lehtinen", 2008),
    ("Aleksi Pekka", "Hiltunen", 1996),
    ("Siiri", "Ahonen", 2009),
    ("Juho Antero", "Kinnunen", 2002),
    ("Enni Maria", "Savolainen", 2006),
    ("Veeti", "Lindholm", 2007),
    ("Saga Linnea", "Nyström", 2007),
    ("Mikael Johan", "Åberg", 1994),
)
FIXTURE_BIRTH_YEARS = (2006, 2007, 2005, 2009, 2006, 2004, 2007, 2006)

_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def make_hetu(birth: date, individual: int) -> str:
    """A henkilötunnus with a valid check character (individual numbers 900-999 are for tests)."""
    century = {18: "+", 19: "-", 20: "A"}[birth.year // 100]
    digits = f"{birth:%d%m%y}{individual:03d}"
    return f"{birth:%d%m%y}{century}{individual:03d}{_HETU_CHECK[int(digits) % 31]}"


def ascii_fold(text: str) -> str:
    normalised = unicodedata.normalize("NFKD", text)
    return "".join(char for char in normalised if not unicodedata.combining(char))


@dataclass(frozen=True)
class Person:
    oid: str
    etunimet: str
    sukunimi: str
    syntymaaika: date
    hetu: str

    @property
    def kutsumanimi(self) -> str:
        return self.etunimet.split()[0]

    @property
    def nimi(self) -> str:
        return f"{self.etunimet} {self.sukunimi}"

    @property
    def sahkoposti(self) -> str:
        local = f"{self.kutsumanimi}.{self.sukunimi}".lower().replace(" ", "")
        return f"{ascii_fold(local)}@{EMAIL_DOMAIN}"

    def onr_document(self) -> dict[str, Any]:
        """An Oppijanumerorekisteri ``/henkilo/{oid}`` document."""
        return {
            "oidHenkilo": self.oid,
            "hetu": self.hetu,
            "etunimet": self.etunimet,
            "kutsumanimi": self.kutsumanimi,
            "sukunimi": self.sukunimi,
            "syntymaaika": self.syntymaaika.isoformat(),
            "turvakielto": False,
            "yksiloityVTJ": True,
            "duplicate": False,
            "passivoitu": False,
            "asiointiKieli": {"kieliKoodi": "fi", "kieliTyyppi": "suomi"},
        }

    def koski_henkilo(self) -> dict[str, Any]:
        return {
            "oid": self.oid,
            "hetu": self.hetu,
            "syntymäaika": self.syntymaaika.isoformat(),
            "etunimet": self.etunimet,
            "kutsumanimi": self.kutsumanimi,
            "sukunimi": self.sukunimi,
            "turvakielto": False,
        }


def make_people(rng: random.Random, oids: OidSource, count: int) -> list[Person]:
    """``count`` students: the fixture names first, then ``MORE_NAMES``."""
    fixture_names = [(entry["etunimi"], entry["sukunimi"]) for entry in load_data("oppijat.json")]
    names = [
        (etunimi, sukunimi, year)
        for (etunimi, sukunimi), year in zip(fixture_names, FIXTURE_BIRTH_YEARS, strict=True)
    ] + list(MORE_NAMES)
    if count > len(names):
        raise ValueError(f"only {len(names)} demo names")
    people: list[Person] = []
    hetut: set[str] = set()
    for etunimet, sukunimi, year in names[:count]:
        while True:
            birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
            hetu = make_hetu(birth, rng.randint(900, 999))
            if hetu not in hetut:
                hetut.add(hetu)
                break
        people.append(Person(oids("24"), etunimet, sukunimi, birth, hetu))
    return people


# --- users -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    kayttajatyyppi: str  # PALVELU or VIRKAILIJA
    roles: tuple[tuple[str, str], ...]  # (role NAME, organisation key)
    display_name: str
    description: str


DEMO_SERVICE_USER = "demo-palvelu"

DEMO_USERS = (
    DemoUser(
        DEMO_SERVICE_USER,
        PALVELU,
        (("CRUD", KT_A),),
        "Esimerkkilän opiskelijahallintojärjestelmä",
        "service user (palvelukäyttäjä), data-transfer API",
    ),
    DemoUser(
        "demo-palvelu-b",
        PALVELU,
        (("CRUD", KT_B),),
        "Mallirannan opiskelijahallintojärjestelmä",
        "service user of the other provider",
    ),
    DemoUser(
        "demo-katselija",
        VIRKAILIJA,
        (("READ", KT_A),),
        "Kaisa Katselija",
        "eHOKS-katselija (viewer)",
    ),
    DemoUser(
        "demo-tallentaja",
        VIRKAILIJA,
        (("CRUD", A1),),
        "Tapio Tallentaja",
        "eHOKS-tallentaja (recorder) of one oppilaitos",
    ),
    DemoUser(
        "demo-paakayttaja",
        VIRKAILIJA,
        (("PAAKAYTTAJA", KT_A), ("CRUD", KT_A)),
        "Paula Pääkäyttäjä",
        "eHOKS-pääkäyttäjä (provider main user)",
    ),
    DemoUser(
        "demo-poistaja",
        VIRKAILIJA,
        (("CRUD", KT_A), ("HOKS_DELETE", KT_A)),
        "Pekka Poistaja",
        "recorder who may also delete HOKSes",
    ),
    DemoUser(
        "demo-oph",
        VIRKAILIJA,
        (("OPHPAAKAYTTAJA", OPH),),
        "Olli Opetushallitus",
        "OPH administrator",
    ),
    DemoUser(
        "demo-vipunen",
        PALVELU,
        (("READ", OPH),),
        "Vipunen-tilastopalvelu",
        "Vipunen statistics export (/hoks/paged)",
    ),
)
