"""An external CAS (cas-virkailija) on loopback: the REST ticket protocol and
``/p3/serviceValidate``, so external-CAS mode and CAS-protected registers are tested over HTTP.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pytest

from ehoks.access.cas import CasUser, service_validate_xml
from tests.support.loopback import Reply, Request, serve

# As cas-virkailija answers: single quotes, extra attributes, roles of other services.
SUCCESS_XML_TEMPLATE = """<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>
    <cas:authenticationSuccess>
        <cas:user>ehoks-palvelu</cas:user>
        <cas:attributes>
            <cas:isFromNewLogin>true</cas:isFromNewLogin>
            <cas:authenticationDate>2024-05-16T10:20:30.123Z</cas:authenticationDate>
            <cas:kayttajaTyyppi>PALVELU</cas:kayttajaTyyppi>
            <cas:oidHenkilo>{oid}</cas:oidHenkilo>
            <cas:roles>APP_EHOKS</cas:roles>
            <cas:roles>APP_EHOKS_CRUD</cas:roles>
            <cas:roles>ROLE_APP_EHOKS_CRUD_1.2.246.562.10.346830761110</cas:roles>
            <cas:roles>ROLE_APP_KOODISTO_READ</cas:roles>
            <cas:roles>ROLE_APP_EHOKS_READ_1.2.246.562.10.00000000001</cas:roles>
        </cas:attributes>
    </cas:authenticationSuccess>
</cas:serviceResponse>
"""

FAILURE_XML = """<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>
    <cas:authenticationFailure code='INVALID_TICKET'>
        Ticket &#39;ST-1-abc&#39; not recognized
    </cas:authenticationFailure>
</cas:serviceResponse>
"""


@dataclass
class FakeCas:
    """The fake CAS's state. ``body`` (when set) overrides every serviceValidate answer."""

    url: str
    status: int = 200
    body: str | None = None
    accounts: dict[str, tuple[str, CasUser]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    _granting: dict[str, CasUser] = field(default_factory=dict)
    _service: dict[str, tuple[str, CasUser]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def add_account(self, user: CasUser, password: str) -> None:
        self.accounts[user.username] = (password, user)

    def issue(self, user: CasUser, service: str) -> str:
        """A single-use service ticket for ``user`` (as if they had signed in)."""
        ticket = f"ST-{next(self._serial)}-{secrets.token_hex(8)}-cas.example"
        with self._lock:
            self._service[ticket] = (service, user)
        return ticket

    def validate(self, ticket: str, service: str) -> CasUser | None:
        with self._lock:
            issued = self._service.pop(ticket, None)
        if issued is None or issued[0] != service:
            return None
        return issued[1]

    def handle(self, request: Request) -> Reply:
        self.requests.append((request.path, request.query))
        path = request.path.removeprefix("/cas")
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        if request.method == "POST" and path == "/v1/tickets":
            account = self.accounts.get(form.get("username", ""))
            if account is None or account[0] != form.get("password"):
                return Reply(401, "error.authentication.credentials.bad", "text/plain")
            tgt = f"TGT-{next(self._serial)}-{secrets.token_hex(8)}"
            self._granting[tgt] = account[1]
            return Reply(201, "", "text/plain", {"Location": f"{self.url}/v1/tickets/{tgt}"})
        if request.method == "POST" and path.startswith("/v1/tickets/"):
            granting_user = self._granting.get(path.removeprefix("/v1/tickets/"))
            if granting_user is None:
                return Reply(404, "TGT not found", "text/plain")
            return Reply(200, self.issue(granting_user, form.get("service", "")), "text/plain")
        if request.method == "GET" and path == "/p3/serviceValidate":
            if self.body is not None:
                return Reply(self.status, self.body, "application/xml;charset=UTF-8")
            user = self.validate(
                request.query.get("ticket", [""])[0], request.query.get("service", [""])[0]
            )
            xml = (
                service_validate_xml(user)
                if user
                else service_validate_xml(None, "INVALID_TICKET", "Ticket not recognized")
            )
            return Reply(self.status, xml, "application/xml;charset=UTF-8")
        return Reply(404, "not found", "text/plain")


@pytest.fixture
def fake_cas() -> Iterator[FakeCas]:
    state = FakeCas(url="")
    with serve(state.handle) as base_url:
        state.url = f"{base_url}/cas"
        yield state
