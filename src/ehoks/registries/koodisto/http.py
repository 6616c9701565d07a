"""Koodisto over HTTP (domain.md §B.4).

* ``GET /koodisto-service/rest/codeelement/latest/{uri}``: the latest version of a code element;
* ``GET /koodisto-service/rest/codeelement/{uri}/{versio}``: one version;
* ``GET /koodisto-service/rest/codeelement/{uri}``: every version (a JSON array);
* ``GET /koodisto-service/rest/json/{koodisto}/koodi``: the latest version of every code of a
  koodisto.

Koodisto answers an unknown code element with **HTTP 500** and the plain-text body
``error.codeelement.not.found`` (an unknown koodisto: ``error.koodisto.not.found``); those mean
"not found" (None / an empty list), any other 500 raises ``RegistryUnavailable``, as do other
unexpected statuses and malformed JSON. Found answers are cached for the ext cache lifetime;
"not found" is not cached, so a code added to Koodisto is seen at once.
"""

from __future__ import annotations

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
from ehoks.registries.koodisto.interface import Koodi, parse_koodi

REGISTER = "koodisto"
CODEELEMENT_PATH = "/koodisto-service/rest/codeelement"
JSON_PATH = "/koodisto-service/rest/json"
CODEELEMENT_NOT_FOUND = "error.codeelement.not.found"
KOODISTO_NOT_FOUND = "error.koodisto.not.found"

CacheKey = tuple[str, str, int | None]
CachedAnswer = Koodi | tuple[Koodi, ...]


class HttpKoodistoRegistry:
    """``KoodistoRegistry`` answered by Koodisto itself."""

    def __init__(self, http: RegisterHttp, *, cache: TtlCache[CacheKey, CachedAnswer]) -> None:
        self._http = http
        # Keyed by (call, uri, versio): the calls answer different things for one URI.
        self._cache = cache

    def get_koodi(self, koodi_uri: str, versio: int | None = None) -> Koodi | None:
        key: CacheKey = ("koodi", koodi_uri, versio)
        found, cached = self._cache.get(key)
        if found and isinstance(cached, Koodi):
            return cached
        segment = path_segment(koodi_uri)
        if versio is None:
            path = f"{CODEELEMENT_PATH}/latest/{segment}"
        else:
            path = f"{CODEELEMENT_PATH}/{segment}/{int(versio)}"
        body = self._get(path, not_found=(CODEELEMENT_NOT_FOUND,))
        if body is None:
            return None
        koodi = _parse(body, f"GET {path}")
        self._cache.put(key, koodi)
        return koodi

    def get_koodin_versiot(self, koodi_uri: str) -> list[Koodi]:
        key: CacheKey = ("versiot", koodi_uri, None)
        found, cached = self._cache.get(key)
        if found and isinstance(cached, tuple):
            return list(cached)
        path = f"{CODEELEMENT_PATH}/{path_segment(koodi_uri)}"
        body = self._get(path, not_found=(CODEELEMENT_NOT_FOUND,))
        if body is None:
            return []
        versiot = tuple(sorted(_parse_list(body, f"GET {path}"), key=lambda koodi: koodi.versio))
        self._cache.put(key, versiot)
        return list(versiot)

    def get_koodit(self, koodisto_uri: str) -> list[Koodi]:
        key: CacheKey = ("koodit", koodisto_uri, None)
        found, cached = self._cache.get(key)
        if found and isinstance(cached, tuple):
            return list(cached)
        path = f"{JSON_PATH}/{path_segment(koodisto_uri)}/koodi"
        body = self._get(path, not_found=(KOODISTO_NOT_FOUND, CODEELEMENT_NOT_FOUND))
        if body is None:
            return []
        latest: dict[str, Koodi] = {}
        for koodi in _parse_list(body, f"GET {path}"):
            known = latest.get(koodi.koodi_uri)
            if known is None or koodi.versio > known.versio:
                latest[koodi.koodi_uri] = koodi
        koodit = tuple(sorted(latest.values(), key=lambda koodi: koodi.koodi_uri))
        self._cache.put(key, koodit)
        return list(koodit)

    def _get(self, path: str, *, not_found: tuple[str, ...]) -> Any:
        """The JSON Koodisto answered, or None for its "not found"."""
        response = self._http.get(path)
        if response.status_code == httpx.codes.OK:
            return response_json(REGISTER, response)
        if response.status_code in (404, 500) and _error_key(response) in not_found:
            return None
        raise unexpected(REGISTER, response, error_key=_error_key(response))


def _error_key(response: httpx.Response) -> str | None:
    """Koodisto's error key (``error.codeelement.not.found``): the plain-text body, possibly
    JSON-quoted."""
    try:
        text = response.content.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    text = text.strip('"').strip()
    return text if text.startswith("error.") and len(text) <= 200 and " " not in text else None


def _parse(document: Any, where: str) -> Koodi:
    if not isinstance(document, dict):
        raise RegistryUnavailable(REGISTER, f"{where} answered something not a code element")
    try:
        return parse_koodi(document)
    except ValidationError as error:
        raise RegistryUnavailable(REGISTER, f"{where}: not a code element ({error})") from error


def _parse_list(body: Any, where: str) -> list[Koodi]:
    if not isinstance(body, list):
        raise RegistryUnavailable(REGISTER, f"{where} did not answer a JSON array")
    return [_parse(element, where) for element in body]
