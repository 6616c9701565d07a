"""Organisaatiopalvelu faked on a ``FakeRegister``: its paths, its JSON and its error bodies.

    with fake_register("organisaatio") as register:
        organisaatio = serve_organisaatio(register)      # the upstream fixture documents
        ...  # organisaatio_url=register.url

Served like the real one (domain.md §B.3): ``GET /organisaatio-service/api/{oid}`` answers the
organisation, or 404 ``{"errorMessage": "organisaatio.exception.organisaatio.not.found"}``;
``POST /organisaatio-service/api/findbyoids`` with a JSON array of OIDs answers the known ones
(unknown OIDs are left out). Requests without ``Caller-Id`` are refused (400), as the OPH
services do. The documents are kept in the returned ``FakeOrganisaatio`` and may be changed
while the server runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.support.fake_registers import FakeRegister, RouteHandler, json_reply
from tests.support.fixtures import load_registry
from tests.support.loopback import Reply, Request

API_PATH = "/organisaatio-service/api"
NOT_FOUND = {"errorMessage": "organisaatio.exception.organisaatio.not.found"}
ORGANISAATIO_FILE = "organisaatio-service_api_1.2.246.562.10.21122461771.json"
FINDBYOIDS_FILE = "organisaatio-service_api_findbyoids.json"


def default_organisaatiot() -> list[dict[str, Any]]:
    """The upstream payloads: one full organisation and the three ``findbyoids`` ones."""
    return [load_registry(ORGANISAATIO_FILE), *load_registry(FINDBYOIDS_FILE)]


@dataclass
class FakeOrganisaatio:
    organisaatiot: dict[str, dict[str, Any]]

    def add(self, document: dict[str, Any]) -> None:
        self.organisaatiot[document["oid"]] = document


def serve_organisaatio(
    register: FakeRegister, documents: Iterable[dict[str, Any]] | None = None
) -> FakeOrganisaatio:
    """Make ``register`` answer as Organisaatiopalvelu from ``documents`` (default: the
    upstream fixtures)."""
    fake = FakeOrganisaatio(
        {
            document["oid"]: document
            for document in (default_organisaatiot() if documents is None else documents)
        }
    )

    def guarded(handler: RouteHandler) -> RouteHandler:
        def answer(request: Request, match: re.Match[str]) -> Reply:
            if not request.headers.get("caller-id"):
                return Reply(400, "Caller-Id header is missing", "text/plain")
            return handler(request, match)

        return answer

    @guarded
    def organisaatio(_request: Request, match: re.Match[str]) -> Reply:
        document = fake.organisaatiot.get(unquote(match["oid"]))
        return json_reply(document) if document is not None else json_reply(NOT_FOUND, 404)

    @guarded
    def findbyoids(request: Request, _match: re.Match[str]) -> Reply:
        try:
            oids = json.loads(request.body)
        except ValueError:
            return json_reply({"errorMessage": "JSON parse error"}, 400)
        if not isinstance(oids, list) or not all(isinstance(oid, str) for oid in oids):
            return json_reply({"errorMessage": "JSON parse error"}, 400)
        return json_reply(
            [fake.organisaatiot[oid] for oid in dict.fromkeys(oids) if oid in fake.organisaatiot]
        )

    register.route("GET", rf"{API_PATH}/(?P<oid>[^/]+)", organisaatio)
    register.route("POST", rf"{API_PATH}/findbyoids", findbyoids)
    return fake
