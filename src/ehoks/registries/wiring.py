"""Building the registers a request uses: local (database tables) or HTTP, per register.

``RegistryFactory`` lives as long as the app (or a CLI command): it owns the HTTP connection
pools and the caches. ``bind(session)`` gives the ``Registries`` of one unit of work; the local
registers read the registry tables through that session.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from ehoks.registries.eperusteet.http import HttpEperusteetRegistry
from ehoks.registries.eperusteet.interface import EperusteetRegistry
from ehoks.registries.eperusteet.local import LocalEperusteetRegistry
from ehoks.registries.http import (
    CasTicketClient,
    HttpPolicy,
    RegisterHttp,
    ServiceTicketAuth,
    TtlCache,
)
from ehoks.registries.koodisto.http import HttpKoodistoRegistry
from ehoks.registries.koodisto.interface import KoodistoRegistry
from ehoks.registries.koodisto.local import LocalKoodistoRegistry
from ehoks.registries.koski.http import HttpKoskiRegistry
from ehoks.registries.koski.interface import KoskiRegistry
from ehoks.registries.koski.local import LocalKoskiRegistry
from ehoks.registries.naming import Naming
from ehoks.registries.onr.http import HttpOnrRegistry
from ehoks.registries.onr.interface import OnrRegistry
from ehoks.registries.onr.local import LocalOnrRegistry
from ehoks.registries.organisaatio.http import HttpOrganisaatioRegistry
from ehoks.registries.organisaatio.interface import OrganisaatioRegistry
from ehoks.registries.organisaatio.local import LocalOrganisaatioRegistry
from ehoks.settings import Settings

# The CAS `service` ONR's tickets are asked for (the Spring Security CAS filter's URL).
ONR_SERVICE_PATH = "/oppijanumerorekisteri-service/j_spring_cas_security_check"


@dataclass(frozen=True)
class Registries:
    """The registers one unit of work talks to."""

    koski: KoskiRegistry
    onr: OnrRegistry
    organisaatio: OrganisaatioRegistry
    koodisto: KoodistoRegistry
    eperusteet: EperusteetRegistry
    # Ancestors (parentOidPath, root first) per organisation: the one cached hierarchy lookup
    # every access check goes through, whichever implementation serves Organisaatiopalvelu.
    hierarchy: TtlCache[str, list[str] | None]

    def organisation_ancestors(self, oid: str) -> list[str] | None:
        """The organisation's ancestors from the OPH root down, or None when it is unknown."""
        found, ancestors = self.hierarchy.get(oid)
        if found:
            return ancestors
        organisaatio = self.organisaatio.get_organisaatio(oid)
        if organisaatio is None:
            return None  # not cached: a new organisation must become visible at once
        self.hierarchy.put(oid, organisaatio.ancestors)
        return organisaatio.ancestors

    def naming(self, timeout: float | None = None) -> Naming:
        """Names of codes and qualification units for pages (never fails; ``timeout`` bounds
        the wait for an HTTP register, e.g. ``settings.naming_timeout_seconds``)."""
        return Naming(self.koodisto, self.eperusteet, timeout=timeout)


class RegistryFactory:
    """Holds the long-lived parts (HTTP clients, caches); binds local ones to a session."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._policy = HttpPolicy(
            caller_id=settings.caller_id,
            connect_timeout=settings.register_connect_timeout_seconds,
            read_timeout=settings.register_read_timeout_seconds,
            retries=settings.register_retries,
            backoff=settings.register_retry_backoff_seconds,
        )
        ext_ttl = settings.ext_cache_lifetime_minutes * 60
        self._caches: list[TtlCache] = []  # type: ignore[type-arg]
        self.hierarchy: TtlCache[str, list[str] | None] = self._cache(ext_ttl)
        self._connections: list[RegisterHttp] = []
        self._cas_client: httpx.Client | None = None

        self._koski: HttpKoskiRegistry | None = None
        if settings.koski_url:
            # Settings refuse a KOSKI URL without credentials.
            assert settings.koski_username
            assert settings.koski_password
            self._koski = HttpKoskiRegistry(
                self._connect(
                    "koski",
                    settings.koski_url,
                    auth=httpx.BasicAuth(
                        settings.koski_username, settings.koski_password.get_secret_value()
                    ),
                ),
                opiskeluoikeus_cache=self._cache(
                    settings.koski_opiskeluoikeus_cache_ttl_millis / 1000
                ),
                oppija_cache=self._cache(settings.koski_oppija_cache_ttl_millis / 1000),
            )
        self._onr: HttpOnrRegistry | None = None
        if settings.onr_url:
            self._onr = HttpOnrRegistry(
                self._connect(
                    "onr",
                    settings.onr_url,
                    auth=ServiceTicketAuth(
                        self._cas_tickets(), settings.onr_url.rstrip("/") + ONR_SERVICE_PATH
                    ),
                ),
                cache=self._cache(ext_ttl),
            )
        self._organisaatio: HttpOrganisaatioRegistry | None = None
        if settings.organisaatio_url:
            self._organisaatio = HttpOrganisaatioRegistry(
                self._connect("organisaatio", settings.organisaatio_url),
                cache=self._cache(ext_ttl),
            )
        self._koodisto: HttpKoodistoRegistry | None = None
        if settings.koodisto_url:
            self._koodisto = HttpKoodistoRegistry(
                self._connect("koodisto", settings.koodisto_url),
                cache=self._cache(ext_ttl),
            )
        self._eperusteet: HttpEperusteetRegistry | None = None
        if settings.eperusteet_url:
            self._eperusteet = HttpEperusteetRegistry(
                self._connect("eperusteet", settings.eperusteet_url),
                cache=self._cache(ext_ttl),
            )

    def bind(self, session: Session) -> Registries:
        return Registries(
            koski=self._koski or LocalKoskiRegistry(session),
            onr=self._onr or LocalOnrRegistry(session),
            organisaatio=self._organisaatio or LocalOrganisaatioRegistry(session),
            koodisto=self._koodisto or LocalKoodistoRegistry(session),
            eperusteet=self._eperusteet or LocalEperusteetRegistry(session),
            hierarchy=self.hierarchy,
        )

    @property
    def connections(self) -> list[RegisterHttp]:
        """The HTTP registers in use (``ehoks registry check`` asks each)."""
        return list(self._connections)

    def cache_size(self) -> int:
        return sum(len(cache) for cache in self._caches)

    def clear_caches(self) -> None:
        for cache in self._caches:
            cache.clear()

    def close(self) -> None:
        """Release connections of the HTTP clients."""
        for connection in self._connections:
            connection.close()
        if self._cas_client is not None:
            self._cas_client.close()

    def _cache(self, ttl_seconds: float) -> TtlCache:  # type: ignore[type-arg]
        cache: TtlCache = TtlCache(ttl_seconds)  # type: ignore[type-arg]
        self._caches.append(cache)
        return cache

    def _connect(self, register: str, url: str, *, auth: httpx.Auth | None = None) -> RegisterHttp:
        connection = RegisterHttp(register, url, self._policy, auth=auth)
        self._connections.append(connection)
        return connection

    def _cas_tickets(self) -> CasTicketClient:
        settings = self._settings
        # Settings refuse an ONR URL without eHOKS's CAS account.
        assert settings.cas_url
        assert settings.cas_username
        assert settings.cas_password
        if self._cas_client is None:
            self._cas_client = httpx.Client(
                timeout=self._policy.timeout,
                headers={"Caller-Id": self._policy.caller_id},
            )
        return CasTicketClient(
            settings.cas_url,
            settings.cas_username,
            settings.cas_password.get_secret_value(),
            client=self._cas_client,
        )
