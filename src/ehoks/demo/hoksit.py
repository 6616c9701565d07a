"""HOKS documents of the demo: the upstream fixtures (``data/*.json``) and variations of them.

Every document is made to belong to the fictional world before it is sent through
``create_hoks``: the student's OIDs and e-mail address, the oppilaitos OIDs, and fictional
workplaces with instructors ``ohjaaja.<n>@example.fi`` replace the fixtures' values (some of which
look like real companies and addresses). Timing moves a fixture in whole years: ``CURRENT`` puts
the middle of its periods in the current year, ``PAST`` ends it last year.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from ehoks.demo.world import INSTRUCTORS, WORKPLACES, Instructor, Person, load_data

FIXTURES = (
    "hoksit",
    "anonymised-example-1",
    "anonymised-example-2",
    "hoks_tuva",
    "hoks_ainoastaan_YTOja",
    "hoks_ainoastaan_ammatillisia",
    "hoks_ainoastaan_paikallisia",
    "hoks_yksi_tutkinnonosa",
)
# Fixtures whose workplace periods lack yksiloiva-tunniste: valid only through the officer path.
NEEDS_OFFICER_PATH = frozenset(
    {
        "hoks_ainoastaan_YTOja",
        "hoks_ainoastaan_ammatillisia",
        "hoks_ainoastaan_paikallisia",
        "hoks_yksi_tutkinnonosa",
    }
)

TYOPAIKKAJAKSO_URIT = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)
# Mirrors of the dates of the jakso rules (hoks/validation.py) that a shifted fixture may cross.
_OSA_AIKAISUUS_REQUIRED_AFTER = date(2023, 6, 30)
_OPPISOPIMUKSEN_PERUSTA_REQUIRED_FROM = date(2021, 7, 1)

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_INSTANT_KEYS = ("hyvaksytty", "paivitetty")


class Timing(StrEnum):
    AS_IS = "as-is"  # the fixture's own dates
    CURRENT = "current"  # periods around today
    PAST = "past"  # ended last year


def fixture(name: str) -> dict[str, Any]:
    document = load_data(f"{name}.json")
    assert isinstance(document, dict)
    return document


# --- dates ---------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def academic_year_start(day: date) -> date:
    """1 August of the school year ``day`` falls in."""
    return date(day.year if day.month >= 8 else day.year - 1, 8, 1)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in the document, parents before children."""
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def _periods(document: dict[str, Any]) -> list[tuple[date, date]]:
    """(alku, loppu) of the jaksot and TUVA koulutuksen osat: what the study right must cover."""
    periods = []
    for obj in _walk(document):
        is_period = "osaamisen-hankkimistapa-koodi-uri" in obj or "koulutuksen-osa-koodi-uri" in obj
        if is_period and "alku" in obj and "loppu" in obj:
            periods.append((date.fromisoformat(obj["alku"]), date.fromisoformat(obj["loppu"])))
    return periods


def span(document: dict[str, Any]) -> tuple[date, date]:
    """The first and last day the study right must cover: approval and every period."""
    first = last = date.fromisoformat(document["ensikertainen-hyvaksyminen"])
    for alku, loppu in _periods(document):
        first, last = min(first, alku), max(last, loppu)
    return first, last


def shift_years(document: dict[str, Any], years: int, today: date) -> dict[str, Any]:
    """Every date and instant moved by ``years``; approval instants never beyond today."""

    def move(value: Any, key: str) -> Any:
        if isinstance(value, dict):
            return {k: move(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v, key) for v in value]
        if isinstance(value, str) and (match := _DATE_RE.match(value)):
            day = add_years(date(*(int(part) for part in match.groups())), years)
            if key in _INSTANT_KEYS:
                day = min(day, today)
            return day.isoformat() + value[10:]
        return value

    moved = move(document, "")
    assert isinstance(moved, dict)
    return moved


def timed(document: dict[str, Any], timing: Timing, today: date) -> dict[str, Any]:
    periods = _periods(document)
    if timing is Timing.AS_IS or not periods:
        return copy.deepcopy(document)
    first = min(alku for alku, _ in periods)
    last = max(loppu for _, loppu in periods)
    if timing is Timing.CURRENT:
        middle = first + (last - first) / 2
        shifted = shift_years(document, today.year - middle.year, today)
        shifted.pop("osaamisen-saavuttamisen-pvm", None)
        return shifted
    shifted = shift_years(document, today.year - 1 - last.year, today)
    shifted.pop("osaamisen-saavuttamisen-pvm", None)
    return shifted


# --- the fictional world in a document -----------------------------------------------------------


@dataclass
class Placement:
    """Whose HOKS a document becomes and where."""

    person: Person
    opiskeluoikeus_oid: str
    oppilaitos_oid: str
    jarjestaja_oid: str  # koulutuksen-jarjestaja-oid of the parts (procured training: another)
    rng: random.Random

    def instructor(self) -> Instructor:
        return self.rng.choice(INSTRUCTORS)

    def tunniste(self) -> str:
        return str(self.rng.randrange(10**19, 10**20))


def placed(document: dict[str, Any], where: Placement) -> dict[str, Any]:
    """The document with the student's and the world's identities (a new object)."""
    body = copy.deepcopy(document)
    body["oppija-oid"] = where.person.oid
    body["opiskeluoikeus-oid"] = where.opiskeluoikeus_oid
    if "sahkoposti" in body:
        body["sahkoposti"] = where.person.sahkoposti
    if "puhelinnumero" in body:
        body["puhelinnumero"] = f"040 000 {where.rng.randrange(2000, 3000)}"
    instructor: Instructor | None = None  # the last one named: näytöt happen at that workplace
    for obj in list(_walk(body)):
        if "oppilaitos-oid" in obj:
            obj["oppilaitos-oid"] = where.oppilaitos_oid
        if "koulutuksen-jarjestaja-oid" in obj:
            obj["koulutuksen-jarjestaja-oid"] = where.jarjestaja_oid
        if "yksiloiva-tunniste" in obj:
            obj["yksiloiva-tunniste"] = where.tunniste()
        if isinstance(tjk := obj.get("tyopaikalla-jarjestettava-koulutus"), dict):
            instructor = where.instructor()
            _workplace_period(tjk, instructor)
        if isinstance(ymparisto := obj.get("nayttoymparisto"), dict):
            workplace = instructor.workplace if instructor else where.rng.choice(WORKPLACES)
            ymparisto["nimi"] = workplace.nimi
            ymparisto["y-tunnus"] = workplace.y_tunnus
        for arvioija in obj.get("tyoelama-osaamisen-arvioijat") or []:
            workplace = instructor.workplace if instructor else where.rng.choice(WORKPLACES)
            arvioija["organisaatio"] = {"nimi": workplace.nimi, "y-tunnus": workplace.y_tunnus}
            if not arvioija.get("nimi") and instructor is not None:
                arvioija["nimi"] = instructor.nimi
    _hold_jakso_rules(body)
    return body


def _workplace_period(tjk: dict[str, Any], instructor: Instructor) -> None:
    tjk["tyopaikan-nimi"] = instructor.workplace.nimi
    tjk["tyopaikan-y-tunnus"] = instructor.workplace.y_tunnus
    tjk["keskeiset-tyotehtavat"] = list(instructor.workplace.tehtavat)
    tjk["vastuullinen-tyopaikka-ohjaaja"] = {
        "nimi": instructor.nimi,
        "sahkoposti": instructor.sahkoposti,
        "puhelinnumero": instructor.puhelinnumero,
    }


def _hold_jakso_rules(document: dict[str, Any]) -> None:
    """Fill what a moved workplace period newly needs (jakso rules 1 and 4)."""
    for obj in _walk(document):
        if obj.get("osaamisen-hankkimistapa-koodi-uri") not in TYOPAIKKAJAKSO_URIT:
            continue
        loppu = date.fromisoformat(obj["loppu"])
        if loppu > _OSA_AIKAISUUS_REQUIRED_AFTER and "osa-aikaisuustieto" not in obj:
            obj["osa-aikaisuustieto"] = 100
        if (
            obj["osaamisen-hankkimistapa-koodi-uri"] == "osaamisenhankkimistapa_oppisopimus"
            and loppu >= _OPPISOPIMUKSEN_PERUSTA_REQUIRED_FROM
            and "oppisopimuksen-perusta-koodi-uri" not in obj
        ):
            obj["oppisopimuksen-perusta-koodi-uri"] = "oppisopimuksenperusta_01"
            obj["oppisopimuksen-perusta-koodi-versio"] = 1


# --- documents built here ------------------------------------------------------------------------


def instant(day: date) -> str:
    return f"{day.isoformat()}T09:00:00.000Z"


def minimal(approved: date, *, contact: bool) -> dict[str, Any]:
    """The smallest valid HOKS (optionally with contact data and a career plan)."""
    document: dict[str, Any] = {
        "ensikertainen-hyvaksyminen": approved.isoformat(),
        "osaamisen-hankkimisen-tarve": True,
    }
    if contact:
        document |= {
            "sahkoposti": "",
            "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
            "urasuunnitelma-koodi-versio": 1,
            "hyvaksytty": instant(approved),
        }
    return document


@dataclass(frozen=True)
class SmallHoksDates:
    """The calendar of a one-qualification-unit HOKS."""

    start: date  # studies begin
    workplace: tuple[date, date]  # the workplace period
    naytto: tuple[date, date]  # the demonstration at the workplace


def small(dates: SmallHoksDates, *, oppisopimus: bool, keskeytynyt: bool) -> dict[str, Any]:
    """One vocational unit learnt at school and then at a workplace, one common unit, a näyttö.

    The workplace fields are placeholders that ``placed`` fills with a demo workplace.
    """
    approved = dates.start + timedelta(days=14)
    school_end = dates.workplace[0] - timedelta(days=3)
    workplace_period: dict[str, Any] = {
        "alku": dates.workplace[0].isoformat(),
        "loppu": dates.workplace[1].isoformat(),
        "osaamisen-hankkimistapa-koodi-uri": (
            "osaamisenhankkimistapa_oppisopimus"
            if oppisopimus
            else "osaamisenhankkimistapa_koulutussopimus"
        ),
        "osaamisen-hankkimistapa-koodi-versio": 1,
        "yksiloiva-tunniste": "",
        "osa-aikaisuustieto": 80 if oppisopimus else 100,
        "tyopaikalla-jarjestettava-koulutus": {
            "tyopaikan-nimi": "",
            "keskeiset-tyotehtavat": [],
            "vastuullinen-tyopaikka-ohjaaja": {"nimi": ""},
        },
        "jarjestajan-edustaja": {
            "nimi": "Outi Opettaja",
            "rooli": "Opettaja",
            "oppilaitos-oid": "",
        },
    }
    if oppisopimus:
        workplace_period["oppisopimuksen-perusta-koodi-uri"] = "oppisopimuksenperusta_01"
        workplace_period["oppisopimuksen-perusta-koodi-versio"] = 1
    if keskeytynyt:
        pause = dates.workplace[0] + timedelta(days=20)
        workplace_period["keskeytymisajanjaksot"] = [
            {"alku": pause.isoformat(), "loppu": (pause + timedelta(days=6)).isoformat()}
        ]
    return {
        "ensikertainen-hyvaksyminen": approved.isoformat(),
        "hyvaksytty": instant(approved),
        "paivitetty": instant(approved),
        "osaamisen-hankkimisen-tarve": True,
        "sahkoposti": "",
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
        "urasuunnitelma-koodi-versio": 1,
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106226",
                "tutkinnon-osa-koodi-versio": 1,
                "koulutuksen-jarjestaja-oid": "",
                "opetus-ja-ohjaus-maara": 40,
                "osaamisen-hankkimistavat": [
                    {
                        "alku": (dates.start + timedelta(days=17)).isoformat(),
                        "loppu": school_end.isoformat(),
                        "osaamisen-hankkimistapa-koodi-uri": (
                            "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus"
                        ),
                        "osaamisen-hankkimistapa-koodi-versio": 1,
                    },
                    workplace_period,
                ],
                "osaamisen-osoittaminen": [
                    {
                        "jarjestaja": {"oppilaitos-oid": ""},
                        "nayttoymparisto": {"nimi": "", "kuvaus": "Työpaikan arkiset tehtävät"},
                        "sisallon-kuvaus": ["Työtehtävien suunnittelu", "Työn toteutus"],
                        "alku": dates.naytto[0].isoformat(),
                        "loppu": dates.naytto[1].isoformat(),
                        "koulutuksen-jarjestaja-osaamisen-arvioijat": [
                            {"nimi": "Outi Opettaja", "organisaatio": {"oppilaitos-oid": ""}}
                        ],
                        "tyoelama-osaamisen-arvioijat": [
                            {"nimi": "", "organisaatio": {"nimi": ""}}
                        ],
                    }
                ],
            }
        ],
        "hankittavat-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106727",
                "tutkinnon-osa-koodi-versio": 1,
                "osa-alueet": [
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai",
                        "osa-alue-koodi-versio": 1,
                        "koulutuksen-jarjestaja-oid": "",
                        "osaamisen-hankkimistavat": [
                            {
                                "alku": (dates.start + timedelta(days=17)).isoformat(),
                                "loppu": school_end.isoformat(),
                                "osaamisen-hankkimistapa-koodi-uri": (
                                    "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus"
                                ),
                                "osaamisen-hankkimistapa-koodi-versio": 1,
                            }
                        ],
                    }
                ],
            }
        ],
    }


def tuva_this_year(document: dict[str, Any], today: date) -> dict[str, Any]:
    """The TUVA fixture with its koulutuksen osat in the current school year."""
    start = academic_year_start(today) + timedelta(days=14)
    body = copy.deepcopy(document)
    terms = [
        (start, date(start.year, 12, 20)),
        (date(start.year + 1, 1, 8), date(start.year + 1, 5, 31)),
    ]
    for osa, (alku, loppu) in zip(body["hankittavat-koulutuksen-osat"], terms, strict=False):
        osa["alku"], osa["loppu"] = alku.isoformat(), loppu.isoformat()
    approved = min(start - timedelta(days=7), today)
    body["ensikertainen-hyvaksyminen"] = approved.isoformat()
    body["hyvaksytty"] = body["paivitetty"] = instant(approved)
    return body
