"""A small national world for tests: organisations, people and study rights in the local
registers (in the registers' own JSON formats), and service users who call the API through the
real CAS protocol.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from ehoks.identifiers import make_oid
from ehoks.registries.importer import import_documents
from ehoks.settings import OPH_ROOT_OID
from tests.support.cas import make_service_user, service_ticket

API = "/ehoks-virkailija-backend/api/v1"

_bodies = itertools.count(1_000_000_001)


def new_oid(node: str) -> str:
    """A fresh, check-digit-valid OID of ``node`` (15 study right, 24 person, 10 organisation)."""
    return make_oid(node, str(next(_bodies)).rjust(10, "1"))


KOULUTUSTOIMIJA_A = new_oid("10")
OPPILAITOS_A1 = new_oid("10")
OPPILAITOS_A2 = new_oid("10")
TOIMIPISTE_A1 = new_oid("10")
KOULUTUSTOIMIJA_B = new_oid("10")
OPPILAITOS_B1 = new_oid("10")


def organisaatio(oid: str, nimi: str, parents: list[str], tyyppi: str) -> dict[str, Any]:
    """An Organisaatiopalvelu ``/organisaatio-service/api/{oid}`` document."""
    return {
        "oid": oid,
        "nimi": {"fi": nimi, "sv": nimi, "en": nimi},
        "parentOid": parents[-1] if parents else None,
        "parentOidPath": "|" + "|".join(parents) + "|" if parents else "",
        "tyypit": [tyyppi],
        "status": "AKTIIVINEN",
    }


ORGANISAATIOT = [
    organisaatio(OPH_ROOT_OID, "Opetushallitus", [], "organisaatiotyyppi_05"),
    organisaatio(
        KOULUTUSTOIMIJA_A, "Koulutuskuntayhtymä A", [OPH_ROOT_OID], "organisaatiotyyppi_01"
    ),
    organisaatio(
        OPPILAITOS_A1,
        "Ammattiopisto A1",
        [OPH_ROOT_OID, KOULUTUSTOIMIJA_A],
        "organisaatiotyyppi_02",
    ),
    organisaatio(
        OPPILAITOS_A2,
        "Ammattiopisto A2",
        [OPH_ROOT_OID, KOULUTUSTOIMIJA_A],
        "organisaatiotyyppi_02",
    ),
    organisaatio(
        TOIMIPISTE_A1,
        "Toimipiste A1",
        [OPH_ROOT_OID, KOULUTUSTOIMIJA_A, OPPILAITOS_A1],
        "organisaatiotyyppi_03",
    ),
    organisaatio(KOULUTUSTOIMIJA_B, "Koulutus B Oy", [OPH_ROOT_OID], "organisaatiotyyppi_01"),
    organisaatio(
        OPPILAITOS_B1, "Ammattikoulu B1", [OPH_ROOT_OID, KOULUTUSTOIMIJA_B], "organisaatiotyyppi_02"
    ),
]

_PARENT = {
    OPPILAITOS_A1: KOULUTUSTOIMIJA_A,
    OPPILAITOS_A2: KOULUTUSTOIMIJA_A,
    OPPILAITOS_B1: KOULUTUSTOIMIJA_B,
}


def koodi(arvo: str, koodisto: str, nimi: str | None = None) -> dict[str, Any]:
    return {
        "koodiarvo": arvo,
        "nimi": {"fi": nimi or arvo},
        "koodistoUri": koodisto,
        "koodistoVersio": 1,
    }


def opiskeluoikeus(
    oid: str,
    *,
    oppilaitos: str = OPPILAITOS_A1,
    tyyppi: str = "ammatillinenkoulutus",
    tila: str = "lasna",
    alkamispaiva: str | None = None,
    arvioitu_paattymispaiva: str | None = None,
    suoritus: str = "ammatillinentutkinto",
    sisaltyy: str | None = None,
) -> dict[str, Any]:
    """A KOSKI ``/koski/api/opiskeluoikeus/{oid}`` document with the fields eHOKS reads."""
    document: dict[str, Any] = {
        "oid": oid,
        "versionumero": 1,
        "oppilaitos": {"oid": oppilaitos, "nimi": {"fi": "Oppilaitos"}},
        "koulutustoimija": {
            "oid": _PARENT.get(oppilaitos, KOULUTUSTOIMIJA_A),
            "nimi": {"fi": "KT"},
        },
        "tila": {
            "opiskeluoikeusjaksot": [
                {
                    "alku": alkamispaiva or "2020-08-01",
                    "tila": koodi(tila, "koskiopiskeluoikeudentila"),
                }
            ]
        },
        "suoritukset": [
            {
                "tyyppi": koodi(suoritus, "suorituksentyyppi"),
                "koulutusmoduuli": {
                    "tunniste": {
                        "koodiarvo": "351407",
                        "nimi": {"fi": "Ravintola- ja catering-alan perustutkinto"},
                    }
                },
                "osaamisala": [
                    {"osaamisala": koodi("1525", "osaamisala", "Ruokapalvelujen osaamisala")}
                ],
            }
        ],
        "tyyppi": koodi(tyyppi, "opiskeluoikeudentyyppi"),
    }
    if alkamispaiva:
        document["alkamispäivä"] = alkamispaiva
    if arvioitu_paattymispaiva:
        document["arvioituPäättymispäivä"] = arvioitu_paattymispaiva
    if sisaltyy:
        document["sisältyyOpiskeluoikeuteen"] = {
            "oid": sisaltyy,
            "oppilaitos": {"oid": OPPILAITOS_B1},
        }
    return document


@dataclass
class Student:
    oid: str
    etunimet: str
    sukunimi: str
    opiskeluoikeudet: list[dict[str, Any]] = field(default_factory=list)

    @property
    def oo(self) -> str:
        """The first study right's OID."""
        return str(self.opiskeluoikeudet[0]["oid"])


def add_student(
    session: Session,
    *,
    etunimet: str = "Testi",
    sukunimi: str = "Opiskelija",
    opiskeluoikeudet: list[dict[str, Any]] | None = None,
    in_onr: bool = True,
) -> Student:
    """A person in ONR with study rights in KOSKI (one ammatillinen at OPPILAITOS_A1 by default)."""
    oid = new_oid("24")
    oos = opiskeluoikeudet if opiskeluoikeudet is not None else [opiskeluoikeus(new_oid("15"))]
    documents: list[Any] = [{"henkilö": {"oid": oid}, "opiskeluoikeudet": oos}]
    if in_onr:
        documents.append(
            {
                "oidHenkilo": oid,
                "etunimet": etunimet,
                "sukunimi": sukunimi,
                "kutsumanimi": etunimet.split()[0],
            }
        )
    import_documents(session, documents)
    session.commit()
    return Student(oid, etunimet, sukunimi, oos)


def add_organisations(session: Session) -> None:
    import_documents(session, ORGANISAATIOT)
    session.commit()


class Api:
    """The data-transfer API as a student-administration system calls it: a fresh CAS service
    ticket per request, ``Caller-Id`` always."""

    def __init__(self, client: TestClient, username: str, password: str) -> None:
        self.client = client
        self.username = username
        self.password = password

    def headers(self) -> dict[str, str]:
        return {
            "Caller-Id": "1.2.246.562.10.00000000001.test-client",
            "ticket": service_ticket(self.client, self.username, self.password),
        }

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.client.get(API + path, headers=self.headers(), **kwargs)

    def post(self, path: str, body: Any) -> Response:
        return self.client.post(API + path, json=body, headers=self.headers())

    def put(self, path: str, body: Any) -> Response:
        return self.client.put(API + path, json=body, headers=self.headers())

    def patch(self, path: str, body: Any) -> Response:
        return self.client.patch(API + path, json=body, headers=self.headers())


PASSWORD = "Salasana-1234!"


def service_api(
    client: TestClient, session: Session, username: str, roles: list[tuple[str, str]]
) -> Api:
    make_service_user(session, username, roles, password=PASSWORD)
    return Api(client, username, PASSWORD)
