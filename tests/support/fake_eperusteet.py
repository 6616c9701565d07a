"""ePerusteet faked on a ``FakeRegister``: the paths the original eHOKS called and their JSON.

    with fake_register("eperusteet") as register:
        eperusteet = serve_eperusteet(register)      # the upstream fixture documents
        ...  # eperusteet_url=register.url

* ``GET /eperusteet-service/api/tutkinnonosat?koodiUri=…`` — a page ``{data, sivu, sivuja,
  sivukoko, kokonaismäärä}`` of the tutkinnon osat with that code (all of them without
  ``koodiUri``), 25 a page;
* ``GET /eperusteet-service/api/perusteet/diaari?diaarinumero=…`` — the peruste, 404 with an
  empty body when none has the number;
* ``GET /eperusteet-service/api/perusteet/{id}/suoritustavat/{koodi}/rakenne`` and
  ``…/{koodi}/tutkinnonosat`` — the rakenne and the tutkinnon osa viitteet; 404 (empty body)
  for an unknown peruste or suoritustapa.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_registers import FakeRegister, json_reply
from tests.support.fixtures import load_registry
from tests.support.loopback import Reply, Request

API_PATH = "/eperusteet-service/api"
PAGE_SIZE = 25
TUTKINNON_OSAT_FILES = (
    "eperusteet-service_api_tutkinnonosat.json",
    "eperusteet-service_api_tutkinnonosat_400014.json",
)
PERUSTE_FILE = "eperusteet-service_api_perusteet_diaari.json"
RAKENNE_FILE = "eperusteet-service_api_perusteet_3397335_suoritustavat_reformi_rakenne.json"
RAKENNE_KEY = (3397335, "reformi")

SuoritustapaKey = tuple[int, str]


def default_tutkinnon_osat() -> list[dict[str, Any]]:
    return [document for name in TUTKINNON_OSAT_FILES for document in load_registry(name)["data"]]


def default_perusteet() -> list[dict[str, Any]]:
    return [load_registry(PERUSTE_FILE)]


def default_rakenteet() -> dict[SuoritustapaKey, dict[str, Any]]:
    return {RAKENNE_KEY: load_registry(RAKENNE_FILE)}


@dataclass
class FakeEperusteet:
    tutkinnon_osat: list[dict[str, Any]]
    perusteet: list[dict[str, Any]]
    rakenteet: dict[SuoritustapaKey, dict[str, Any]] = field(default_factory=dict)
    viitteet: dict[SuoritustapaKey, list[dict[str, Any]]] = field(default_factory=dict)


def _not_found() -> Reply:
    return Reply(404, b"", "application/json")


def serve_eperusteet(
    register: FakeRegister,
    *,
    tutkinnon_osat: Iterable[dict[str, Any]] | None = None,
    perusteet: Iterable[dict[str, Any]] | None = None,
    rakenteet: Mapping[SuoritustapaKey, dict[str, Any]] | None = None,
    viitteet: Mapping[SuoritustapaKey, list[dict[str, Any]]] | None = None,
) -> FakeEperusteet:
    """Make ``register`` answer as ePerusteet (defaults: the upstream fixtures; there are no
    upstream viitteet)."""
    fake = FakeEperusteet(
        list(default_tutkinnon_osat() if tutkinnon_osat is None else tutkinnon_osat),
        list(default_perusteet() if perusteet is None else perusteet),
        dict(default_rakenteet() if rakenteet is None else rakenteet),
        {key: list(value) for key, value in (viitteet or {}).items()},
    )

    def tutkinnonosat(request: Request, _match: re.Match[str]) -> Reply:
        koodi_uri = request.query.get("koodiUri", [None])[0]
        found = [
            document
            for document in fake.tutkinnon_osat
            if koodi_uri is None or document.get("koodiUri") == koodi_uri
        ]
        return json_reply(
            {
                "data": found[:PAGE_SIZE],
                "sivu": 0,
                "sivuja": max(1, -(-len(found) // PAGE_SIZE)),
                "sivukoko": PAGE_SIZE,
                "kokonaismäärä": len(found),
            }
        )

    def diaari(request: Request, _match: re.Match[str]) -> Reply:
        diaarinumero = request.query.get("diaarinumero", [None])[0]
        for document in fake.perusteet:
            if diaarinumero is not None and document.get("diaarinumero") == diaarinumero:
                return json_reply(document)
        return _not_found()

    def rakenne(_request: Request, match: re.Match[str]) -> Reply:
        document = fake.rakenteet.get((int(match["id"]), match["tapa"]))
        return json_reply(document) if document is not None else _not_found()

    def suoritustavan_osat(_request: Request, match: re.Match[str]) -> Reply:
        found = fake.viitteet.get((int(match["id"]), match["tapa"]))
        return json_reply(found) if found is not None else _not_found()

    suoritustapa = rf"{API_PATH}/perusteet/(?P<id>\d+)/suoritustavat/(?P<tapa>[^/]+)"
    register.route("GET", rf"{API_PATH}/tutkinnonosat", tutkinnonosat)
    register.route("GET", rf"{API_PATH}/perusteet/diaari", diaari)
    register.route("GET", rf"{suoritustapa}/rakenne", rakenne)
    register.route("GET", rf"{suoritustapa}/tutkinnonosat", suoritustavan_osat)
    return fake
