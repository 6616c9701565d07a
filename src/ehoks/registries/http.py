"""What every HTTP register client shares: one connection pool per register, the ``Caller-Id``
header, connect and read timeouts, bounded retries with backoff, the register's authentication
(basic auth for KOSKI, CAS service tickets for the CAS-protected services) and TTL caches.

A register client (``koski/http.py`` and the like) asks ``RegisterHttp`` for a response and
decides what the statuses mean for its register; everything that means "the register could not
be asked" is raised here as ``RegistryUnavailable`` with ``status=None`` (no answer) or the
status that was given after the retries ran out.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from ehoks.errors import RegistryUnavailable

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Statuses that mean "try again": the register's gateway or the register itself is not there.
RETRIED_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    """How patiently a register is asked."""

    caller_id: str
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    # Attempts after the first one, on connection errors and on 502/503/504.
    retries: int = 2
    # Seconds before the first retry; doubled for each further one.
    backoff: float = 0.2

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)


class TtlCache(Generic[K, V]):
    """A thread-safe map whose entries expire ``ttl`` seconds after they were stored.

    ``ttl <= 0`` turns caching off. ``max_entries`` bounds memory: when full, expired entries
    are dropped, then the oldest ones.
    """

    def __init__(
        self, ttl: float, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` for a live entry, ``(False, None)`` otherwise."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            if entry[0] <= self._clock():
                del self._entries[key]
                return False, None
            return True, entry[1]

    def put(self, key: K, value: V) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= self._max_entries and key not in self._entries:
                self._evict()
            self._entries[key] = (self._clock() + self.ttl, value)

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        """The cached value, or ``load()`` stored for next time (errors are not cached)."""
        found, value = self.get(key)
        if found:
            return value  # type: ignore[return-value]  # a stored value may itself be None
        value = load()
        self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _evict(self) -> None:
        now = self._clock()
        expired = [key for key, (expires, _value) in self._entries.items() if expires <= now]
        for key in expired:
            del self._entries[key]
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]


class CasTicketClient:
    """eHOKS's own account on the virkailija CAS, for calling CAS-protected services.

    Keeps one ticket-granting ticket (TGT) and asks a fresh single-use service ticket (ST) per
    request; a TGT that CAS no longer knows is replaced once.
    """

    def __init__(self, cas_url: str, username: str, password: str, *, client: httpx.Client) -> None:
        self._tickets_url = f"{cas_url.rstrip('/')}/v1/tickets"
        self._username = username
        self._password = password
        self._client = client
        self._tgt: str | None = None
        self._lock = threading.Lock()

    def service_ticket(self, service: str) -> str:
        for attempt in range(2):
            tgt = self._granting_ticket(renew=attempt > 0)
            try:
                response = self._client.post(tgt, data={"service": service})
            except httpx.HTTPError as error:
                raise RegistryUnavailable("cas", f"{type(error).__name__}: {error}") from error
            if response.status_code == httpx.codes.OK and response.text.startswith("ST-"):
                return response.text.strip()
            if response.status_code not in (404, 400):
                break
        raise RegistryUnavailable(
            "cas", "no service ticket for " + service, status=response.status_code
        )

    def _granting_ticket(self, *, renew: bool) -> str:
        with self._lock:
            if self._tgt is None or renew:
                try:
                    response = self._client.post(
                        self._tickets_url,
                        data={"username": self._username, "password": self._password},
                    )
                except httpx.HTTPError as error:
                    raise RegistryUnavailable("cas", f"{type(error).__name__}: {error}") from error
                location = response.headers.get("Location")
                if response.status_code != httpx.codes.CREATED or not location:
                    raise RegistryUnavailable(
                        "cas",
                        f"eHOKS's CAS account was refused (HTTP {response.status_code})",
                        status=response.status_code,
                    )
                self._tgt = location
            return self._tgt


class ServiceTicketAuth(httpx.Auth):
    """Adds ``?ticket=ST-…`` (the OPH services' convention) for ``service``; when the service
    answers 401 (its session or our ticket was not accepted) one fresh ticket is tried."""

    def __init__(self, tickets: CasTicketClient, service: str) -> None:
        self._tickets = tickets
        self._service = service

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        for attempt in range(2):
            request.url = request.url.copy_set_param(
                "ticket", self._tickets.service_ticket(self._service)
            )
            response = yield request
            if response.status_code != httpx.codes.UNAUTHORIZED or attempt == 1:
                return


class RegisterHttp:
    """One register's connection: ``request`` returns the register's answer, or raises
    ``RegistryUnavailable`` when there was none (after the retries)."""

    def __init__(
        self,
        register: str,
        base_url: str,
        policy: HttpPolicy,
        *,
        auth: httpx.Auth | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.register = register
        self.base_url = base_url.rstrip("/")
        self._policy = policy
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=policy.timeout,
            auth=auth,
            # The OPH services want Caller-Id, and CSRF as header and cookie (Appendix A).
            headers={"Caller-Id": policy.caller_id, "CSRF": policy.caller_id},
            cookies={"CSRF": policy.caller_id},
            follow_redirects=False,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
    ) -> httpx.Response:
        attempts = self._policy.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._client.request(method, path, params=params, json=json_body)
            except httpx.TimeoutException as error:
                # A register that is slow stays slow: waiting again would only double the wait.
                raise RegistryUnavailable(
                    self.register, f"no answer within {self._policy.read_timeout} s ({error!r})"
                ) from error
            except httpx.TransportError as error:
                if last:
                    raise RegistryUnavailable(
                        self.register, f"{type(error).__name__}: {error}"
                    ) from error
            else:
                if response.status_code not in RETRIED_STATUSES:
                    return response
                if last:
                    raise RegistryUnavailable(
                        self.register,
                        f"HTTP {response.status_code} from {method} {path}",
                        status=response.status_code,
                    )
            self._sleep(self._policy.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, path: str, *, params: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, params=params)

    def post_json(self, path: str, body: Any) -> httpx.Response:
        return self.request("POST", path, json_body=body)

    def close(self) -> None:
        self._client.close()


def path_segment(value: str) -> str:
    """``value`` (an OID, possibly straight from a request body) as exactly one path segment:
    slashes escaped, and never a ``.``/``..`` segment that URL normalisation would remove."""
    segment = quote(value, safe="")
    return segment.replace(".", "%2E") if segment in {".", ".."} else segment


def response_json(register: str, response: httpx.Response) -> Any:
    """The JSON of an answer; malformed JSON means the register cannot be used right now."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RegistryUnavailable(
            register,
            f"malformed JSON in the answer to {response.request.method} "
            f"{response.request.url.path} (HTTP {response.status_code})",
        ) from error


def unexpected(
    register: str, response: httpx.Response, *, error_key: str | None = None
) -> RegistryUnavailable:
    """An answer the client has no meaning for (500, 403, ...); ``error_key`` is the register's
    own error code when its body named one (KOSKI's ``key``)."""
    return RegistryUnavailable(
        register,
        f"HTTP {response.status_code} from {response.request.method} {response.request.url.path}",
        status=response.status_code,
        error_key=error_key,
    )
