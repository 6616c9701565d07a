"""KOSKI faked on a ``FakeRegister``: its paths, its JSON and its error bodies.

    with fake_register("koski") as register:
        koski = serve_koski(register, {OPPIJA_OID: [opiskeluoikeus, ...]})
        ...  # koski_url=register.url, koski_username=KOSKI_USERNAME, koski_password=...

Served like the real one (Opetushallitus/koski): every request needs ``Caller-Id`` (400) and
basic auth with the eHOKS service user (401); ``GET /koski/api/opiskeluoikeus/{oid}``,
``GET /koski/api/oppija/{oid}`` and ``POST /koski/api/sure/oids`` (a JSON array of person OIDs;
unknown persons are left out of the answer). Malformed OIDs answer 400
``badRequest.queryParam.*``, unknown ones 404 ``notFound.*``. The documents are kept in the
returned ``FakeKoski`` and may be changed while the server runs.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from tests.support.fake_registers import FakeRegister, RouteHandler, json_reply
from tests.support.loopback import Reply, Request

KOSKI_USERNAME = "ehoks-koski"
KOSKI_PASSWORD = "koski-password-1234"

# KOSKI checks the shape of OIDs only (its own test data has wrong check digits).
_OPISKELUOIKEUS_OID = re.compile(r"1\.2\.246\.562\.15\.\d{11}")
_HENKILO_OID = re.compile(r"1\.2\.246\.562\.(24|[12]?98)\.\d{11}")
_MAX_OIDS = 1000


def koski_error(key: str, message: str) -> list[dict[str, str]]:
    """KOSKI's error body: a JSON array of ``{key, message}``."""
    return [{"key": key, "message": message}]


OPISKELUOIKEUS_NOT_FOUND = koski_error(
    "notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia",
    "Opiskeluoikeutta ei löydy annetulla oid:llä tai käyttäjällä ei ole siihen oikeuksia",
)
OPPIJA_NOT_FOUND = koski_error(
    "notFound.oppijaaEiLöydyTaiEiOikeuksia",
    "Oppijaa ei löydy annetulla oidilla tai käyttäjällä ei ole oikeuksia tietojen katseluun.",
)
NOT_AUTHENTICATED = koski_error("unauthorized.notAuthenticated", "Käyttäjä ei ole tunnistautunut.")
LOGIN_FAILED = koski_error("unauthorized.loginFail", "Sisäänkirjautuminen epäonnistui.")


def _invalid_oid(kind: str, oid: str, example: str) -> list[dict[str, str]]:
    return koski_error(
        f"badRequest.queryParam.virheellinen{kind}Oid",
        f"Virheellinen oid: {oid}. Esimerkki oikeasta muodosta: {example}.",
    )


@dataclass
class FakeKoski:
    """The documents KOSKI serves: study rights per person, and the persons' ``henkilö``."""

    opiskeluoikeudet_by_oppija: dict[str, list[dict[str, Any]]]
    # KOSKI's henkilö objects for ``/koski/api/oppija/{oid}`` (default ``{"oid": oid}``).
    henkilot: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Study rights served by their OID that no person of the fake owns.
    unowned: list[dict[str, Any]] = field(default_factory=list)
    username: str = KOSKI_USERNAME
    password: str = KOSKI_PASSWORD

    def opiskeluoikeus(self, oid: str) -> dict[str, Any] | None:
        for documents in [*self.opiskeluoikeudet_by_oppija.values(), self.unowned]:
            for document in documents:
                if document.get("oid") == oid:
                    return document
        return None

    def oppija(self, oid: str) -> dict[str, Any] | None:
        """``{henkilö, opiskeluoikeudet}`` of a known person."""
        if oid not in self.opiskeluoikeudet_by_oppija and oid not in self.henkilot:
            return None
        return {
            "henkilö": self.henkilot.get(oid, {"oid": oid}),
            "opiskeluoikeudet": self.opiskeluoikeudet_by_oppija.get(oid, []),
        }


def serve_koski(
    register: FakeRegister,
    opiskeluoikeudet_by_oppija: Mapping[str, list[dict[str, Any]]],
    *,
    henkilot: Mapping[str, dict[str, Any]] | None = None,
    unowned: Iterable[dict[str, Any]] = (),
) -> FakeKoski:
    """Make ``register`` answer as KOSKI from the given documents."""
    koski = FakeKoski(
        {oid: list(documents) for oid, documents in opiskeluoikeudet_by_oppija.items()},
        dict(henkilot or {}),
        list(unowned),
    )

    def guarded(handler: RouteHandler) -> RouteHandler:
        def answer(request: Request, match: re.Match[str]) -> Reply:
            refused = _refusal(koski, request)
            return refused if refused is not None else handler(request, match)

        return answer

    @guarded
    def opiskeluoikeus(_request: Request, match: re.Match[str]) -> Reply:
        oid = unquote(match["oid"])
        if not _OPISKELUOIKEUS_OID.fullmatch(oid):
            example = "1.2.246.562.15.00000000001"
            return json_reply(_invalid_oid("Opiskeluoikeus", oid, example), 400)
        document = koski.opiskeluoikeus(oid)
        return json_reply(document) if document else json_reply(OPISKELUOIKEUS_NOT_FOUND, 404)

    @guarded
    def oppija(_request: Request, match: re.Match[str]) -> Reply:
        oid = unquote(match["oid"])
        if not _HENKILO_OID.fullmatch(oid):
            example = "1.2.246.562.24.00000000001"
            return json_reply(_invalid_oid("Henkilö", oid, example), 400)
        document = koski.oppija(oid)
        return json_reply(document) if document else json_reply(OPPIJA_NOT_FOUND, 404)

    @guarded
    def sure_oids(request: Request, _match: re.Match[str]) -> Reply:
        try:
            oids = json.loads(request.body)
        except ValueError:
            return json_reply(koski_error("badRequest.format.json", "Epäkelpo JSON"), 400)
        if not isinstance(oids, list) or not all(isinstance(oid, str) for oid in oids):
            return json_reply(koski_error("badRequest.validation", "Odotettiin OID-listaa"), 400)
        if len(oids) > _MAX_OIDS:
            message = f"Liian monta oidia, enintään {_MAX_OIDS} sallittu."
            return json_reply(koski_error("badRequest.queryParam", message), 400)
        for oid in oids:
            if not _HENKILO_OID.fullmatch(oid):
                example = "1.2.246.562.24.00000000001"
                return json_reply(_invalid_oid("Henkilö", oid, example), 400)
        return json_reply(
            [
                {"henkilö": {"oid": oid}, "opiskeluoikeudet": koski.opiskeluoikeudet_by_oppija[oid]}
                for oid in dict.fromkeys(oids)
                if koski.opiskeluoikeudet_by_oppija.get(oid)
            ]
        )

    register.route("GET", r"/koski/api/opiskeluoikeus/(?P<oid>[^/]*)", opiskeluoikeus)
    register.route("GET", r"/koski/api/oppija/(?P<oid>[^/]*)", oppija)
    register.route("POST", r"/koski/api/sure/oids", sure_oids)
    return koski


def _refusal(koski: FakeKoski, request: Request) -> Reply | None:
    """400 without ``Caller-Id``, 401 without the right basic auth; None when the request may
    go on."""
    if not request.headers.get("caller-id"):
        return Reply(400, "Caller-Id header is missing", "text/plain")
    authorization = request.headers.get("authorization", "")
    if not authorization.startswith("Basic "):
        return json_reply(NOT_AUTHENTICATED, 401)
    try:
        username, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
    except ValueError:
        return json_reply(LOGIN_FAILED, 401)
    if (username, password) != (koski.username, koski.password):
        return json_reply(LOGIN_FAILED, 401)
    return None
