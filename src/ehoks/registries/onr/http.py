"""Oppijanumerorekisteri over HTTP (domain.md §B.2).

``GET /oppijanumerorekisteri-service/henkilo/{oid}`` answers a person (HenkiloDto),
``…/henkilo/{oid}/master`` the master of a duplicate (the person itself otherwise) and
``…/henkilo/{oid}/slaves`` the duplicates merged into a master. 404 means "unknown person".
The CAS service ticket is attached to ``http`` by the wiring. Found answers are cached for the ext
cache lifetime; "not found" is not, so a new person becomes visible at once.
"""

from __future__ import annotations

from typing import Any, Literal

import httpx
from pydantic import ValidationError

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import (
    RegisterHttp,
    TtlCache,
    path_segment,
    response_json,
    unexpected,
)
from ehoks.registries.onr.interface import Henkilo, parse_henkilo

REGISTER = "onr"
HENKILO_PATH = "/oppijanumerorekisteri-service/henkilo"

Call = Literal["henkilo", "master", "slaves"]
CachedAnswer = Henkilo | tuple[Henkilo, ...]


class HttpOnrRegistry:
    """``OnrRegistry`` answered by Oppijanumerorekisteri itself."""

    def __init__(
        self, http: RegisterHttp, *, cache: TtlCache[tuple[str, str], CachedAnswer]
    ) -> None:
        self._http = http
        # Keyed by (call, oid): the three calls answer different things for one OID.
        self._cache = cache

    def get_henkilo(self, oid: str) -> Henkilo | None:
        answer = self._get("henkilo", oid)
        return answer if isinstance(answer, Henkilo) else None

    def get_master(self, oid: str) -> Henkilo | None:
        answer = self._get("master", oid)
        return answer if isinstance(answer, Henkilo) else None

    def get_slaves(self, oid: str) -> list[Henkilo]:
        answer = self._get("slaves", oid)
        return list(answer) if isinstance(answer, tuple) else []

    def _get(self, call: Call, oid: str) -> CachedAnswer | None:
        found, cached = self._cache.get((call, oid))
        if found and cached is not None:
            return cached
        segment = path_segment(oid)
        path = (
            f"{HENKILO_PATH}/{segment}" if call == "henkilo" else f"{HENKILO_PATH}/{segment}/{call}"
        )
        response = self._http.get(path)
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        if response.status_code != httpx.codes.OK:
            raise unexpected(REGISTER, response)
        body = response_json(REGISTER, response)
        where = f"GET {path}"
        answer: CachedAnswer
        if call == "slaves":
            if not isinstance(body, list):
                raise RegistryUnavailable(REGISTER, f"{where} did not answer a JSON array")
            answer = tuple(_parse(element, where) for element in body)
        else:
            answer = _parse(body, where)
        self._cache.put((call, oid), answer)
        return answer


def _parse(document: Any, where: str) -> Henkilo:
    if not isinstance(document, dict):
        raise RegistryUnavailable(REGISTER, f"{where} answered something not a person")
    try:
        return parse_henkilo(document)
    except ValidationError as error:
        raise RegistryUnavailable(
            REGISTER, f"{where} answered a person eHOKS cannot read ({error.error_count()} errors)"
        ) from error
