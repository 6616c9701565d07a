"""Oppijanumerorekisteri faked on a ``FakeRegister``, behind the fake CAS.

    with fake_register("onr") as register:
        onr = serve_onr(register, fake_cas, [henkilo, duplicate_with_master_oid, ...])
        ...  # onr_url=register.url, cas_url=fake_cas.url, cas_username=...

Every request needs ``Caller-Id`` (400) and a ``?ticket=`` that the fake CAS issued for
``<onr url>/oppijanumerorekisteri-service/j_spring_cas_security_check`` (401 otherwise; a ticket
is single-use). ``GET …/henkilo/{oid}``, ``…/henkilo/{oid}/master`` and ``…/henkilo/{oid}/slaves``
are answered from HenkiloDto documents; unknown persons answer 404. Duplicates name their
master with the importer's ``masterOid`` extension (``ehoks.registries.importer``), which the
fake uses for master/slaves and leaves out of what it serves, as ONR has no such field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.support.fake_cas import FakeCas
from tests.support.fake_registers import FakeRegister, RouteHandler, json_reply
from tests.support.loopback import Reply, Request

ONR_CAS_SERVICE_PATH = "/oppijanumerorekisteri-service/j_spring_cas_security_check"
HENKILO_PATH = "/oppijanumerorekisteri-service/henkilo"


@dataclass
class FakeOnr:
    """The persons ONR knows (by OID) and its authentication state."""

    henkilot: dict[str, dict[str, Any]]
    service: str
    # The next this many requests with a valid ticket are still answered 401 (an expired
    # session on ONR's side), so clients' ticket refresh can be tested.
    unauthorized_times: int = 0
    # The tickets ONR accepted, in order.
    accepted_tickets: list[str] = field(default_factory=list)

    def add(self, document: dict[str, Any]) -> None:
        self.henkilot[document["oidHenkilo"]] = document

    def henkilo(self, oid: str) -> dict[str, Any] | None:
        document = self.henkilot.get(oid)
        return _served(document) if document is not None else None

    def master(self, oid: str) -> dict[str, Any] | None:
        document = self.henkilot.get(oid)
        if document is None:
            return None
        master_oid = document.get("masterOid") if document.get("duplicate") is True else None
        master = self.henkilot.get(master_oid) if isinstance(master_oid, str) else None
        return _served(master if master is not None else document)

    def slaves(self, oid: str) -> list[dict[str, Any]] | None:
        if oid not in self.henkilot:
            return None
        return [
            _served(document)
            for _oid, document in sorted(self.henkilot.items())
            if document.get("duplicate") is True and document.get("masterOid") == oid
        ]


def serve_onr(register: FakeRegister, cas: FakeCas, henkilot: Iterable[dict[str, Any]]) -> FakeOnr:
    """Make ``register`` answer as ONR from ``henkilot`` (HenkiloDto documents)."""
    onr = FakeOnr(
        {document["oidHenkilo"]: document for document in henkilot},
        service=register.url + ONR_CAS_SERVICE_PATH,
    )

    def guarded(handler: RouteHandler) -> RouteHandler:
        def answer(request: Request, match: re.Match[str]) -> Reply:
            refused = _refusal(onr, cas, request)
            return refused if refused is not None else handler(request, match)

        return answer

    def not_found(request: Request) -> Reply:
        return json_reply(
            {
                "status": 404,
                "error": "Not Found",
                "message": "Henkilöä ei löytynyt",
                "path": request.path,
            },
            404,
        )

    @guarded
    def henkilo(request: Request, match: re.Match[str]) -> Reply:
        document = onr.henkilo(unquote(match["oid"]))
        return json_reply(document) if document is not None else not_found(request)

    @guarded
    def master(request: Request, match: re.Match[str]) -> Reply:
        document = onr.master(unquote(match["oid"]))
        return json_reply(document) if document is not None else not_found(request)

    @guarded
    def slaves(request: Request, match: re.Match[str]) -> Reply:
        documents = onr.slaves(unquote(match["oid"]))
        return json_reply(documents) if documents is not None else not_found(request)

    register.route("GET", HENKILO_PATH + r"/(?P<oid>[^/]+)", henkilo)
    register.route("GET", HENKILO_PATH + r"/(?P<oid>[^/]+)/master", master)
    register.route("GET", HENKILO_PATH + r"/(?P<oid>[^/]+)/slaves", slaves)
    return onr


def _refusal(onr: FakeOnr, cas: FakeCas, request: Request) -> Reply | None:
    """400 without ``Caller-Id``, 401 without a valid service ticket; None when the request
    may go on."""
    if not request.headers.get("caller-id"):
        return Reply(400, "Caller-Id header is missing", "text/plain")
    tickets = request.query.get("ticket", [])
    if len(tickets) != 1 or cas.validate(tickets[0], onr.service) is None:
        return Reply(401, "", "text/plain")
    if onr.unauthorized_times > 0:
        onr.unauthorized_times -= 1
        return Reply(401, "", "text/plain")
    onr.accepted_tickets.append(tickets[0])
    return None


def _served(document: dict[str, Any]) -> dict[str, Any]:
    """The document as ONR serves it (without the importer's ``masterOid`` extension)."""
    return {key: value for key, value in document.items() if key != "masterOid"}
