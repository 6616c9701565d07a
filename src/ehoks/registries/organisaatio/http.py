"""Organisaatiopalvelu over HTTP (domain.md §B.3).

``GET /organisaatio-service/api/{oid}`` answers one organisation (404 with
``{"errorMessage": "organisaatio.exception.organisaatio.not.found"}`` when unknown) and
``POST /organisaatio-service/api/findbyoids`` (a JSON array of OIDs) the known ones among many.
Found organisations (full documents) are cached for the ext cache lifetime; "not found" is not
cached, so a new organisation becomes visible at once. Any other answer raises
``RegistryUnavailable``.
"""

from __future__ import annotations

import json
from typing import Any

from ehoks.errors import RegistryUnavailable
from ehoks.registries.http import (
    RegisterHttp,
    TtlCache,
    path_segment,
    response_json,
    unexpected,
)
from ehoks.registries.organisaatio.interface import Organisaatio, parse_organisaatio

REGISTER = "organisaatio"
BASE_PATH = "/organisaatio-service/api"
NOT_FOUND_ERROR = "organisaatio.exception.organisaatio.not.found"


class HttpOrganisaatioRegistry:
    def __init__(self, http: RegisterHttp, *, cache: TtlCache[str, Organisaatio]) -> None:
        self._http = http
        self._cache = cache

    def get_organisaatio(self, oid: str) -> Organisaatio | None:
        found, cached = self._cache.get(oid)
        if found and cached is not None:
            return cached
        response = self._http.get(f"{BASE_PATH}/{path_segment(oid)}")
        if response.status_code == 404 and _is_not_found(response.content):
            return None
        if response.status_code != 200:
            raise unexpected(REGISTER, response)
        organisaatio = _parse(response_json(REGISTER, response), f"GET {BASE_PATH}/{oid}")
        self._cache.put(oid, organisaatio)
        return organisaatio

    def find_by_oids(self, oids: list[str]) -> list[Organisaatio]:
        """The known organisations among ``oids``: the cached full documents, and for the rest
        what ``findbyoids`` answers (a summary, never cached: it lacks the hierarchy)."""
        cached: list[Organisaatio] = []
        asked: list[str] = []
        for oid in dict.fromkeys(oids):
            found, organisaatio = self._cache.get(oid)
            if found and organisaatio is not None:
                cached.append(organisaatio)
            else:
                asked.append(oid)
        if not asked:
            return cached
        response = self._http.post_json(f"{BASE_PATH}/findbyoids", asked)
        if response.status_code != 200:
            raise unexpected(REGISTER, response)
        body = response_json(REGISTER, response)
        if not isinstance(body, list):
            raise RegistryUnavailable(
                REGISTER, f"POST {BASE_PATH}/findbyoids did not answer a JSON array"
            )
        return cached + [_parse(element, f"POST {BASE_PATH}/findbyoids") for element in body]


def _is_not_found(content: bytes) -> bool:
    """Organisaatiopalvelu's own "unknown organisation" answer (a 404 without it means the
    path is not Organisaatiopalvelu's: a misconfigured URL must not look like "unknown")."""
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("errorMessage"), str)


def _parse(document: Any, where: str) -> Organisaatio:
    if not isinstance(document, dict) or not isinstance(document.get("oid"), str):
        raise RegistryUnavailable(REGISTER, f"{where} answered something not an organisation")
    try:
        return parse_organisaatio(document)
    except ValueError as error:
        raise RegistryUnavailable(REGISTER, f"{where}: {error}") from error
