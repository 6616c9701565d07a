"""KOSKI over HTTP (domain.md §B.1, ehoks-backend.md §3.1 steps 3 and 5a).

``GET /koski/api/opiskeluoikeus/{oid}`` answers one study right and ``POST /koski/api/sure/oids``
(a JSON array of person OIDs) the study rights of persons. KOSKI's error body is a JSON array of
``{key, message}``; "not found" is a 404 whose first key is one of ``NOT_FOUND_KEYS`` or a 400
whose first key starts with ``badRequest.queryParam`` (a malformed OID). Any other answer raises
``RegistryUnavailable`` with KOSKI's status and first key, which the HOKS service turns into the
original's messages. Answers, "not found" included, are cached for a few seconds.
"""

from __future__ import annotations

import json
from typing import Any

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
from ehoks.registries.koski.interface import Opiskeluoikeus, parse_opiskeluoikeus

REGISTER = "koski"
OPISKELUOIKEUS_PATH = "/koski/api/opiskeluoikeus"
SURE_OIDS_PATH = "/koski/api/sure/oids"
NOT_FOUND_KEYS = frozenset(
    {
        "notFound",
        "notFound.opiskeluoikeuttaEiLöydy",
        "notFound.opiskeluoikeuttaEiLöydyTaiEiOikeuksia",
    }
)
BAD_QUERY_PARAM_PREFIX = "badRequest.queryParam"


class HttpKoskiRegistry:
    """``KoskiRegistry`` answered by KOSKI itself (basic auth is attached to ``http``)."""

    def __init__(
        self,
        http: RegisterHttp,
        *,
        opiskeluoikeus_cache: TtlCache[str, Opiskeluoikeus | None],
        oppija_cache: TtlCache[str, tuple[Opiskeluoikeus, ...]],
    ) -> None:
        self._http = http
        self._opiskeluoikeus_cache = opiskeluoikeus_cache
        self._oppija_cache = oppija_cache

    def get_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        return self._opiskeluoikeus_cache.get_or_load(oid, lambda: self._fetch_opiskeluoikeus(oid))

    def get_opiskeluoikeudet_of_oppija(self, oppija_oid: str) -> list[Opiskeluoikeus]:
        return list(
            self._oppija_cache.get_or_load(oppija_oid, lambda: self._fetch_of_oppija(oppija_oid))
        )

    def _fetch_opiskeluoikeus(self, oid: str) -> Opiskeluoikeus | None:
        where = f"GET {OPISKELUOIKEUS_PATH}/{oid}"
        response = self._http.get(f"{OPISKELUOIKEUS_PATH}/{path_segment(oid)}")
        if response.status_code != httpx.codes.OK:
            key = error_key(response)
            if is_not_found(response.status_code, key):
                return None
            raise unexpected(REGISTER, response, error_key=key)
        return _parse(response_json(REGISTER, response), where)

    def _fetch_of_oppija(self, oppija_oid: str) -> tuple[Opiskeluoikeus, ...]:
        where = f"POST {SURE_OIDS_PATH}"
        response = self._http.post_json(SURE_OIDS_PATH, [oppija_oid])
        if response.status_code != httpx.codes.OK:
            key = error_key(response)
            if is_not_found(response.status_code, key):
                return ()  # a malformed person OID: KOSKI knows no study rights for it
            raise unexpected(REGISTER, response, error_key=key)
        body = response_json(REGISTER, response)
        if not isinstance(body, list):
            raise RegistryUnavailable(REGISTER, f"{where} did not answer a JSON array")
        for element in body:
            henkilo = element.get("henkilö") if isinstance(element, dict) else None
            if not isinstance(henkilo, dict) or henkilo.get("oid") != oppija_oid:
                continue
            opiskeluoikeudet = element.get("opiskeluoikeudet")
            if not isinstance(opiskeluoikeudet, list):
                raise RegistryUnavailable(
                    REGISTER, f"{where}: the oppija {oppija_oid} has no opiskeluoikeudet array"
                )
            return tuple(_parse(document, where) for document in opiskeluoikeudet)
        return ()


def error_key(response: httpx.Response) -> str | None:
    """The ``key`` of the first error in KOSKI's error body, or None when there is none."""
    try:
        body = json.loads(response.content)
    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
        return None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        key = body[0].get("key")
        return key if isinstance(key, str) else None
    return None


def is_not_found(status: int, key: str | None) -> bool:
    """Whether KOSKI's error means "no such study right" (Appendix A)."""
    if key is None:
        return False
    if status == httpx.codes.NOT_FOUND:
        return key in NOT_FOUND_KEYS
    if status == httpx.codes.BAD_REQUEST:
        return key.startswith(BAD_QUERY_PARAM_PREFIX)
    return False


def _parse(document: Any, where: str) -> Opiskeluoikeus:
    if not isinstance(document, dict):
        raise RegistryUnavailable(REGISTER, f"{where} answered something not a study right")
    try:
        return parse_opiskeluoikeus(document)
    except ValidationError as error:
        raise RegistryUnavailable(
            REGISTER,
            f"{where} answered a study right eHOKS cannot read "
            f"({error.error_count()} errors, first at {_first_location(error)})",
        ) from error


def _first_location(error: ValidationError) -> str:
    errors = error.errors()
    return ".".join(str(part) for part in errors[0]["loc"]) if errors else "?"
