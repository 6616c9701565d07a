"""ePerusteet over HTTP (domain.md §B.5; the paths are listed in ``interface.py``).

``tutkinnonosat?koodiUri=`` answers a page (the first, up to 25 documents, is all eHOKS reads:
it holds every version of one tutkinnon osa). An unknown diaarinumero is answered 404, an
unknown peruste or suoritustapa 404 or 400 (ePerusteet refuses a missing peruste as a bad
request; the original eHOKS reads 400 as "not found" too); those mean None or an empty list.
Any other status, a body of the wrong shape and malformed JSON raise ``RegistryUnavailable``.
Found answers are cached for the ext cache lifetime; "not found" is not cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

import httpx
from pydantic import ValidationError

from ehoks.errors import RegistryUnavailable
from ehoks.registries.eperusteet.interface import (
    Peruste,
    Rakenne,
    TutkinnonOsa,
    TutkinnonOsaViite,
    newest_tutkinnon_osa,
    parse_peruste,
    parse_rakenne,
    parse_tutkinnon_osa,
    parse_tutkinnon_osa_viite,
)
from ehoks.registries.http import (
    RegisterHttp,
    TtlCache,
    path_segment,
    response_json,
    unexpected,
)

REGISTER = "eperusteet"
T = TypeVar("T")
API_PATH = "/eperusteet-service/api"

Call = Literal["tutkinnonosat", "diaari", "rakenne", "viitteet"]
CacheKey = tuple[Call, str, str]
CachedAnswer = Peruste | Rakenne | tuple[TutkinnonOsa, ...] | tuple[TutkinnonOsaViite, ...]


class HttpEperusteetRegistry:
    """``EperusteetRegistry`` answered by ePerusteet itself."""

    def __init__(self, http: RegisterHttp, *, cache: TtlCache[CacheKey, CachedAnswer]) -> None:
        self._http = http
        # Keyed by (call, key, suoritustapa or "").
        self._cache = cache

    def find_tutkinnon_osat(self, koodi_uri: str) -> list[TutkinnonOsa]:
        key: CacheKey = ("tutkinnonosat", koodi_uri, "")
        found, cached = self._cache.get(key)
        if found and isinstance(cached, tuple):
            return [osa for osa in cached if isinstance(osa, TutkinnonOsa)]
        path = f"{API_PATH}/tutkinnonosat"
        body = self._get(path, params={"koodiUri": koodi_uri})
        where = f"GET {path}?koodiUri={koodi_uri}"
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise RegistryUnavailable(REGISTER, f"{where} did not answer a page {{data: […]}}")
        parsed = [_parse(parse_tutkinnon_osa, document, where) for document in body["data"]]
        # Only the exact code counts, whatever the search matched.
        osat = tuple(
            sorted((osa for osa in parsed if osa.koodi_uri == koodi_uri), key=lambda osa: osa.id)
        )
        if osat:
            self._cache.put(key, osat)
        return list(osat)

    def find_tutkinnon_osa(self, koodi_uri: str) -> TutkinnonOsa | None:
        return newest_tutkinnon_osa(self.find_tutkinnon_osat(koodi_uri))

    def find_peruste(self, diaarinumero: str) -> Peruste | None:
        key: CacheKey = ("diaari", diaarinumero, "")
        found, cached = self._cache.get(key)
        if found and isinstance(cached, Peruste):
            return cached
        path = f"{API_PATH}/perusteet/diaari"
        body = self._get(path, params={"diaarinumero": diaarinumero}, not_found=(404,))
        if body is None:
            return None
        peruste = _parse(parse_peruste, body, f"GET {path}?diaarinumero={diaarinumero}")
        self._cache.put(key, peruste)
        return peruste

    def get_rakenne(self, peruste_id: int, suoritustapa: str = "reformi") -> Rakenne | None:
        key: CacheKey = ("rakenne", str(peruste_id), suoritustapa)
        found, cached = self._cache.get(key)
        if found and isinstance(cached, Rakenne):
            return cached
        path = f"{self._suoritustapa_path(peruste_id, suoritustapa)}/rakenne"
        body = self._get(path, not_found=(400, 404))
        if body is None:
            return None
        rakenne = _parse(parse_rakenne, body, f"GET {path}")
        self._cache.put(key, rakenne)
        return rakenne

    def get_tutkinnon_osa_viitteet(
        self, peruste_id: int, suoritustapa: str = "reformi"
    ) -> list[TutkinnonOsaViite]:
        key: CacheKey = ("viitteet", str(peruste_id), suoritustapa)
        found, cached = self._cache.get(key)
        if found and isinstance(cached, tuple):
            return [viite for viite in cached if isinstance(viite, TutkinnonOsaViite)]
        path = f"{self._suoritustapa_path(peruste_id, suoritustapa)}/tutkinnonosat"
        body = self._get(path, not_found=(400, 404))
        if body is None:
            return []
        if not isinstance(body, list):
            raise RegistryUnavailable(REGISTER, f"GET {path} did not answer a JSON array")
        viitteet = tuple(
            sorted(
                (_parse(parse_tutkinnon_osa_viite, viite, f"GET {path}") for viite in body),
                key=lambda viite: viite.id,
            )
        )
        self._cache.put(key, viitteet)
        return list(viitteet)

    @staticmethod
    def _suoritustapa_path(peruste_id: int, suoritustapa: str) -> str:
        return f"{API_PATH}/perusteet/{int(peruste_id)}/suoritustavat/{path_segment(suoritustapa)}"

    def _get(
        self, path: str, *, params: dict[str, str] | None = None, not_found: tuple[int, ...] = ()
    ) -> Any:
        """The JSON ePerusteet answered, or None for a status in ``not_found``."""
        response = self._http.get(path, params=params)
        if response.status_code == httpx.codes.OK:
            return response_json(REGISTER, response)
        if response.status_code in not_found:
            return None
        raise unexpected(REGISTER, response)


def _parse(parse: Callable[[dict[str, Any]], T], document: Any, where: str) -> T:
    if not isinstance(document, dict):
        raise RegistryUnavailable(REGISTER, f"{where} answered {type(document).__name__}")
    try:
        return parse(document)
    except ValidationError as error:
        raise RegistryUnavailable(REGISTER, f"{where}: unexpected document ({error})") from error
