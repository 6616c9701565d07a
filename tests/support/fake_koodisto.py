"""Koodisto faked on a ``FakeRegister``: its paths, its JSON and its error answers.

    with fake_register("koodisto") as register:
        koodisto = serve_koodisto(register)      # the upstream fixture code elements
        ...  # koodisto_url=register.url

Served like the real one (domain.md §B.4), from code elements as ``/codeelement/{uri}/{versio}``
answers them:

* ``GET /koodisto-service/rest/codeelement/latest/{uri}`` — the highest version;
* ``GET /koodisto-service/rest/codeelement/{uri}/{versio}`` — that version;
* ``GET /koodisto-service/rest/codeelement/{uri}`` — every version, in the reduced shape of the
  all-versions list (``koodiUri``, ``metadata`` with ``nimi``/``lyhytNimi``/``kieli``,
  ``versio``, ``koodiArvo``);
* ``GET /koodisto-service/rest/json/{koodisto}/koodi`` — the latest version of each code.

An unknown code element is answered **HTTP 500** with the plain-text body
``error.codeelement.not.found``, an unknown koodisto 500 ``error.koodisto.not.found``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.support.fake_registers import FakeRegister, json_reply
from tests.support.fixtures import load_registry
from tests.support.loopback import Reply, Request

CODEELEMENT_PATH = "/koodisto-service/rest/codeelement"
JSON_PATH = "/koodisto-service/rest/json"
CODEELEMENT_NOT_FOUND = "error.codeelement.not.found"
KOODISTO_NOT_FOUND = "error.koodisto.not.found"
KOODISTO_FILES = (
    "koodisto-value.json",
    "koodisto-service_rest_codeelement_tutkinnonosat__100031.json",
    "koodisto-service_rest_json_urasuunnitelma_koodi.json",
)


def default_koodit() -> list[dict[str, Any]]:
    """The code elements of the upstream payloads."""
    koodit: list[dict[str, Any]] = []
    for name in KOODISTO_FILES:
        document = load_registry(name)
        koodit.extend(document if isinstance(document, list) else [document])
    return koodit


def not_found(key: str = CODEELEMENT_NOT_FOUND) -> Reply:
    return Reply(500, key, "text/plain;charset=UTF-8")


def _koodisto_uri(document: dict[str, Any]) -> str:
    koodisto = document.get("koodisto")
    if isinstance(koodisto, dict) and isinstance(koodisto.get("koodistoUri"), str):
        return str(koodisto["koodistoUri"])
    return str(document["koodiUri"]).split("_", 1)[0]


def _reduced(document: dict[str, Any]) -> dict[str, Any]:
    """An element as the all-versions list shows it."""
    return {
        "koodiUri": document["koodiUri"],
        "metadata": [
            {key: metadata.get(key) for key in ("nimi", "lyhytNimi", "kieli")}
            for metadata in document.get("metadata", [])
        ],
        "versio": document["versio"],
        "koodiArvo": document["koodiArvo"],
    }


@dataclass
class FakeKoodisto:
    # (koodiUri, versio) → the code element.
    koodit: dict[tuple[str, int], dict[str, Any]]

    def add(self, document: dict[str, Any]) -> None:
        self.koodit[(document["koodiUri"], document["versio"])] = document

    def versiot(self, koodi_uri: str) -> list[dict[str, Any]]:
        return [
            document for (uri, _versio), document in sorted(self.koodit.items()) if uri == koodi_uri
        ]


def serve_koodisto(
    register: FakeRegister, documents: Iterable[dict[str, Any]] | None = None
) -> FakeKoodisto:
    """Make ``register`` answer as Koodisto from code elements (default: the upstream
    fixtures). Unknown paths under ``/codeelement`` answer as an unknown element does."""
    fake = FakeKoodisto({})
    for document in default_koodit() if documents is None else documents:
        fake.add(document)

    def latest(_request: Request, match: re.Match[str]) -> Reply:
        versiot = fake.versiot(unquote(match["uri"]))
        return json_reply(versiot[-1]) if versiot else not_found()

    def versio(_request: Request, match: re.Match[str]) -> Reply:
        document = fake.koodit.get((unquote(match["uri"]), int(match["versio"])))
        return json_reply(document) if document is not None else not_found()

    def versiot(_request: Request, match: re.Match[str]) -> Reply:
        found = fake.versiot(unquote(match["uri"]))
        return json_reply([_reduced(document) for document in found]) if found else not_found()

    def koodit(_request: Request, match: re.Match[str]) -> Reply:
        koodisto_uri = unquote(match["koodisto"])
        latest: dict[str, dict[str, Any]] = {}
        for (uri, _versio), document in sorted(fake.koodit.items()):
            if _koodisto_uri(document) == koodisto_uri:
                latest[uri] = document
        if not latest:
            return not_found(KOODISTO_NOT_FOUND)
        return json_reply(list(latest.values()))

    # Later routes win: ``latest/{uri}`` before ``{uri}/{versio}``.
    register.route("GET", rf"{CODEELEMENT_PATH}/(?P<uri>[^/]+)", versiot)
    register.route("GET", rf"{CODEELEMENT_PATH}/(?P<uri>[^/]+)/(?P<versio>\d+)", versio)
    register.route("GET", rf"{CODEELEMENT_PATH}/latest/(?P<uri>[^/]+)", latest)
    register.route("GET", rf"{JSON_PATH}/(?P<koodisto>[^/]+)/koodi", koodit)
    return fake
