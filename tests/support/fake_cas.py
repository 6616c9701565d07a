"""An external CAS (cas-virkailija) on loopback: the REST ticket protocol and
``/p3/serviceValidate``, so external-CAS mode and CAS-protected registers are tested over HTTP.

Also the browser side of CAS (``/login`` redirecting back to the service with a ticket for the
user set as ``signed_in``, ``/logout``) and CAS-oppija under ``/cas-oppija`` (``oppija_url``:
``/login``, ``/logout`` and ``/serviceValidate`` with cas-oppija's attributes).
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import pytest

from ehoks.access.cas import CasUser, service_validate_xml
from ehoks.access.cas_oppija import CasOppijaUser
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


def cas_oppija_success_xml(person: CasOppijaUser) -> str:
    """A CAS-oppija ``serviceValidate`` success, with the attributes cas-oppija releases (and
    some eHOKS does not read); the impersonator attributes only on a mandate login."""
    attributes = {
        "isFromNewLogin": "true",
        "mail": "testi@example.com",
        "authenticationDate": "2024-05-16T10:20:30.123456Z[UTC]",
        "clientName": "suomi.fi",
        "displayName": person.display_name,
        "givenName": person.given_name,
        "personOid": person.person_oid,
        "personName": f"{person.surname} {person.first_names}",
        "firstName": person.first_names,
        "KotikuntaKuntanumero": "905",
        "sn": person.surname,
        "nationalIdentificationNumber": "010170-999R",
        "impersonatorPersonOid": person.impersonator_person_oid,
        "impersonatorNationalIdentificationNumber": person.impersonator_national_id,
        "impersonatorDisplayName": person.impersonator_display_name,
    }
    lines = [
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>",
        "    <cas:authenticationSuccess>",
        f"        <cas:user>{escape(person.username)}</cas:user>",
        "        <cas:attributes>",
        *(
            f"            <cas:{name}>{escape(value)}</cas:{name}>"
            for name, value in attributes.items()
            if value
        ),
        "        </cas:attributes>",
        "    </cas:authenticationSuccess>",
        "</cas:serviceResponse>",
    ]
    return "\n".join(lines) + "\n"


def logout_request_xml(ticket: str) -> str:
    """The SAML ``LogoutRequest`` CAS posts (form field ``logoutRequest``) for single logout."""
    return (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="LR-{secrets.token_hex(6)}-cas.example" Version="2.0" '
        'IssueInstant="2024-05-16T10:20:30Z">'
        "<saml:NameID>@NOT_USED@</saml:NameID>"
        f"<samlp:SessionIndex>{escape(ticket)}</samlp:SessionIndex>"
        "</samlp:LogoutRequest>"
    )


def _with_ticket(service: str, ticket: str) -> str:
    return f"{service}{'&' if '?' in service else '?'}ticket={ticket}"


@dataclass
class FakeCas:
    """The fake CAS's state. ``body`` (when set) overrides every serviceValidate answer;
    ``oppija_body`` every CAS-oppija one. ``signed_in`` / ``oppija_signed_in``: who ``/login``
    signs in (None: the login form, 200)."""

    url: str
    status: int = 200
    body: str | None = None
    accounts: dict[str, tuple[str, CasUser]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    signed_in: CasUser | None = None
    oppija_signed_in: CasOppijaUser | None = None
    oppija_body: str | None = None
    _granting: dict[str, CasUser] = field(default_factory=dict)
    _service: dict[str, tuple[str, CasUser]] = field(default_factory=dict)
    _oppija_service: dict[str, tuple[str, CasOppijaUser]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def oppija_url(self) -> str:
        """The CAS-oppija base URL (``EHOKS_CAS_OPPIJA_URL``)."""
        return f"{self.url.removesuffix('/cas')}/cas-oppija"

    def issue_oppija(self, person: CasOppijaUser, service: str) -> str:
        """A single-use CAS-oppija service ticket for ``person``."""
        ticket = f"ST-{next(self._serial)}-{secrets.token_hex(8)}-cas-oppija.example"
        with self._lock:
            self._oppija_service[ticket] = (service, person)
        return ticket

    def validate_oppija(self, ticket: str, service: str) -> CasOppijaUser | None:
        with self._lock:
            issued = self._oppija_service.pop(ticket, None)
        if issued is None or issued[0] != service:
            return None
        return issued[1]

    def handle_oppija(self, request: Request, path: str) -> Reply:
        service = request.query.get("service", [""])[0]
        if request.method == "GET" and path == "/login":
            if self.oppija_signed_in is None:
                return Reply(200, "<html>Suomi.fi</html>", "text/html")
            ticket = self.issue_oppija(self.oppija_signed_in, service)
            return Reply(302, "", "text/plain", {"Location": _with_ticket(service, ticket)})
        if request.method == "GET" and path == "/logout":
            return Reply(200, "<html>Logged out</html>", "text/html")
        if request.method == "GET" and path == "/serviceValidate":
            if self.oppija_body is not None:
                return Reply(self.status, self.oppija_body, "application/xml;charset=UTF-8")
            person = self.validate_oppija(request.query.get("ticket", [""])[0], service)
            xml = (
                cas_oppija_success_xml(person)
                if person
                else service_validate_xml(None, "INVALID_TICKET", "Ticket not recognized")
            )
            return Reply(self.status, xml, "application/xml;charset=UTF-8")
        return Reply(404, "not found", "text/plain")

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
        if request.path.startswith("/cas-oppija/"):
            return self.handle_oppija(request, request.path.removeprefix("/cas-oppija"))
        path = request.path.removeprefix("/cas")
        if request.method == "GET" and path == "/login":
            service = request.query.get("service", [""])[0]
            if self.signed_in is None:
                return Reply(200, "<html>CAS login</html>", "text/html")
            ticket = self.issue(self.signed_in, service)
            return Reply(302, "", "text/plain", {"Location": _with_ticket(service, ticket)})
        if request.method == "GET" and path == "/logout":
            return Reply(200, "<html>Logged out</html>", "text/html")
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
