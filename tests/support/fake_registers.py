"""A national register faked on loopback: a real HTTP server answering the register's own
paths with its own JSON (from ``tests/fixtures/upstream/registries/`` or built by a test),
its error bodies, and the faults a register shows in production.

    with fake_register("koski") as koski:
        koski.route("GET", "/koski/api/opiskeluoikeus/1.2.246.562.15.76811932037", json=document)
        koski.fault = Fault.DOWN          # or SLOW, ERROR_500, MALFORMED_JSON, UNAVAILABLE_503
        ...  # point EHOKS_KOSKI_URL at koski.url

Routes match the method and the whole path (a regular expression); a handler gets the request
and the match and returns a ``Reply``. ``calls`` records every request (method, path, query,
headers, body) so tests can check what the client sent (Caller-Id, auth, ticket, ...).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tests.support.loopback import Reply, Request, serve

RouteHandler = Callable[[Request, re.Match[str]], Reply]


class Fault(Enum):
    NONE = "none"
    DOWN = "down"  # the connection is dropped without an answer
    SLOW = "slow"  # answers after ``slow_seconds`` (longer than the client's read timeout)
    ERROR_500 = "500"
    UNAVAILABLE_503 = "503"
    MALFORMED_JSON = "malformed"


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value, ensure_ascii=False).encode())


@dataclass
class FakeRegister:
    name: str
    url: str = ""
    fault: Fault = Fault.NONE
    slow_seconds: float = 3.0
    # Faults hit only the first ``fault_times`` requests (None = every request until reset).
    fault_times: int | None = None
    calls: list[Request] = field(default_factory=list)
    _routes: list[tuple[str, re.Pattern[str], RouteHandler]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def route(
        self,
        method: str,
        path: str,
        handler: RouteHandler | None = None,
        *,
        json: Any = None,
        status: int = 200,
    ) -> None:
        """Answer ``method path`` (a regex matched against the whole path); later routes win."""
        if handler is None:
            reply = json_reply(json, status)

            def handler(_request: Request, _match: re.Match[str]) -> Reply:
                return reply

        self._routes.insert(0, (method, re.compile(path), handler))

    def heal(self) -> None:
        self.fault = Fault.NONE
        self.fault_times = None

    def requests_to(self, path_prefix: str) -> list[Request]:
        return [call for call in self.calls if call.path.startswith(path_prefix)]

    def handle(self, request: Request) -> Reply:
        with self._lock:
            self.calls.append(request)
            fault = self.fault
            if fault is not Fault.NONE and self.fault_times is not None:
                self.fault_times -= 1
                if self.fault_times <= 0:
                    self.fault, self.fault_times = Fault.NONE, None
        if fault is Fault.DOWN:
            raise ConnectionAbortedError
        if fault is Fault.SLOW:
            time.sleep(self.slow_seconds)
        if fault is Fault.ERROR_500:
            return Reply(500, "<html><body>Internal Server Error</body></html>", "text/html")
        if fault is Fault.UNAVAILABLE_503:
            return Reply(503, "<html><body>Service Unavailable</body></html>", "text/html")
        if fault is Fault.MALFORMED_JSON:
            return Reply(200, '{"oid": "1.2.246.562.15.', "application/json")
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if method == request.method and match:
                return handler(request, match)
        return self.not_found(request)

    def not_found(self, request: Request) -> Reply:
        """What the register answers for an unknown path (overridden per register)."""
        return Reply(404, "Not Found", "text/plain")


@contextmanager
def fake_register(
    name: str, *, not_found: Callable[[Request], Reply] | None = None
) -> Iterator[FakeRegister]:
    register = FakeRegister(name)
    if not_found is not None:
        register.not_found = not_found  # type: ignore[method-assign]
    with serve(register.handle) as url:
        register.url = url
        yield register
