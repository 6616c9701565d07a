"""CAS service tickets: the built-in ticket service and the validation of tickets.

The data-transfer API validates a service ticket on every request (``ticket`` header) for the
service ``{EHOKS_PUBLIC_URL}/ehoks-virkailija-backend/cas-security-check``. In the embedded default
the service is its own CAS (tickets in the database, so several app servers share them); in
production an external CAS is asked over HTTP (``/cas/p3/serviceValidate``).
"""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from xml.sax.saxutils import escape, quoteattr

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ehoks.access.storage import CasTicket, User
from ehoks.access.users import cas_roles_of
from ehoks.db.types import utcnow
from ehoks.errors import EhoksError, ErrorCode
from ehoks.settings import Settings

CAS_NAMESPACE = "http://www.yale.edu/tp/cas"
GRANTING_TICKET_PREFIX = "TGT-"
SERVICE_TICKET_PREFIX = "ST-"


@dataclass(frozen=True)
class CasUser:
    """What a successful ``serviceValidate`` tells about the ticket's owner."""

    username: str
    oid: str  # oidHenkilo
    kayttajatyyppi: str  # PALVELU | VIRKAILIJA
    roles: tuple[str, ...]  # ROLE_APP_EHOKS_<NAME>_<org-oid>, ...


class TicketValidator(Protocol):
    def validate(self, session: Session, ticket: str, service: str) -> CasUser | None:
        """The owner of a valid ``ticket`` for ``service``, or None (invalid, used, expired).

        Raises ``CasUnavailable`` when an external CAS cannot be asked.
        """
        ...

    def close(self) -> None:
        """Release connections (at shutdown)."""
        ...


class CasUnavailable(EhoksError):
    """The external CAS could not be asked, or its answer could not be read.

    The API answers 401 ``{"reason": "Unable to check access rights"}`` (§3.6).
    """

    code = ErrorCode.UPSTREAM

    def __init__(self, detail: str) -> None:
        super().__init__("Unable to check access rights")
        self.detail = detail


# --- the built-in ticket service -------------------------------------------------------------


def _new_ticket_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_urlsafe(32)}"


def create_granting_ticket(session: Session, *, user: User, settings: Settings) -> CasTicket:
    """A ticket-granting ticket (``TGT-…``) for an authenticated ``user``."""
    now = utcnow()
    ticket = CasTicket(
        id=_new_ticket_id(GRANTING_TICKET_PREFIX),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=settings.cas_tgt_lifetime_hours),
    )
    session.add(ticket)
    session.flush()
    return ticket


def create_service_ticket(
    session: Session, *, granting_ticket_id: str, service: str, settings: Settings
) -> CasTicket | None:
    """A single-use service ticket (``ST-…``) for ``service``, or None when the granting ticket
    is unknown, expired or logged out, or its user has been disabled since."""
    if not granting_ticket_id.startswith(GRANTING_TICKET_PREFIX):
        return None
    now = utcnow()
    granting = session.scalar(
        select(CasTicket)
        .join(User, User.id == CasTicket.user_id)
        .where(
            CasTicket.id == granting_ticket_id,
            CasTicket.granting_ticket_id.is_(None),
            CasTicket.consumed_at.is_(None),
            CasTicket.expires_at > now,
            User.disabled_at.is_(None),
        )
    )
    if granting is None:
        return None
    ticket = CasTicket(
        id=_new_ticket_id(SERVICE_TICKET_PREFIX),
        user_id=granting.user_id,
        granting_ticket_id=granting.id,
        service=service,
        created_at=now,
        expires_at=now + timedelta(minutes=settings.cas_st_lifetime_minutes),
    )
    session.add(ticket)
    session.flush()
    return ticket


def validate_service_ticket(session: Session, *, ticket: str, service: str) -> CasUser | None:
    """The owner of service ticket ``ticket`` issued for ``service``, or None.

    A ticket is good for one validation attempt, successful or not (CAS protocol 3.0 §3.1.1):
    the attempt marks it consumed with one conditional UPDATE, so two concurrent validations
    on different app servers cannot both succeed. Expired tickets, tickets of another service
    and tickets of disabled users give None. The caller commits.
    """
    if not ticket.startswith(SERVICE_TICKET_PREFIX):
        return None
    now = utcnow()
    result = session.execute(
        update(CasTicket)
        .where(
            CasTicket.id == ticket,
            CasTicket.granting_ticket_id.is_not(None),
            CasTicket.consumed_at.is_(None),
        )
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        return None
    expires_at, ticket_service, user = session.execute(
        select(CasTicket.expires_at, CasTicket.service, User)
        .join(User, User.id == CasTicket.user_id)
        .where(CasTicket.id == ticket)
    ).one()
    if expires_at <= now or ticket_service != service or user.disabled_at is not None:
        return None
    return CasUser(
        username=user.username,
        oid=user.oid,
        kayttajatyyppi=user.kayttajatyyppi,
        roles=cas_roles_of(user),
    )


def purge_expired_tickets(session: Session) -> int:
    """Remove expired tickets; the database removes the service tickets of a removed granting
    ticket with it. Returns how many expired tickets were removed."""
    result = session.execute(
        delete(CasTicket)
        .where(CasTicket.expires_at <= utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount


@dataclass(frozen=True)
class BuiltinTicketValidator:
    """Validates tickets of the built-in ticket service in the caller's database session.

    Validation consumes the ticket (a write): the caller commits.
    """

    def close(self) -> None:
        """Nothing to release: the tickets live in the database."""

    def validate(self, session: Session, ticket: str, service: str) -> CasUser | None:
        return validate_service_ticket(session, ticket=ticket, service=service)


# --- an external CAS ---------------------------------------------------------------------------


class HttpCasTicketValidator:
    """Asks an external CAS: ``GET {cas_url}/p3/serviceValidate?service=…&ticket=…``."""

    def __init__(self, cas_url: str, *, timeout: float, client: httpx.Client | None = None) -> None:
        self._validate_url = f"{cas_url.rstrip('/')}/p3/serviceValidate"
        self._client = client or httpx.Client(timeout=timeout)
        self._timeout = timeout

    def close(self) -> None:
        self._client.close()

    def validate(self, session: Session, ticket: str, service: str) -> CasUser | None:
        text = fetch_service_validate(
            self._client, self._validate_url, ticket, service, timeout=self._timeout
        )
        return parse_service_validate_xml(text)


def fetch_service_validate(
    client: httpx.Client, validate_url: str, ticket: str, service: str, *, timeout: float
) -> str:
    """The text of ``GET {validate_url}?service=…&ticket=…``; raises ``CasUnavailable`` when
    the CAS cannot be asked or does not answer 200."""
    try:
        response = client.get(
            validate_url, params={"service": service, "ticket": ticket}, timeout=timeout
        )
    except httpx.HTTPError as error:
        raise CasUnavailable(f"{validate_url}: {error!r}") from error
    if response.status_code != httpx.codes.OK:
        raise CasUnavailable(f"{validate_url}: HTTP {response.status_code}")
    return response.text


def _cas(tag: str) -> str:
    return f"{{{CAS_NAMESPACE}}}{tag}"


def has_dtd(text: str) -> bool:
    """Whether XML ``text`` declares a DTD or an entity (in either case): such text from outside
    is refused before parsing, so no entity can expand."""
    lowered = text.lower()
    return "<!doctype" in lowered or "<!entity" in lowered


def parse_cas_success(text: str, source: str = "CAS") -> tuple[str, ET.Element] | None:
    """The username and ``cas:attributes`` element of a ``serviceValidate`` success response,
    or None for a failure.

    Raises ``CasUnavailable`` (naming ``source`` in the message) when the text is not a CAS
    response.
    """
    # The answer comes from the configured CAS, but still: no DTDs, so no entity expansion.
    if has_dtd(text):
        raise CasUnavailable(f"{source} response contains a DTD")
    try:
        root = ET.fromstring(text)  # noqa: S314 -- no DTD (checked above)
    except ET.ParseError as error:
        raise CasUnavailable(f"{source} response is not XML: {error}") from error
    if root.tag != _cas("serviceResponse"):
        raise CasUnavailable(f"{source} response has root element {root.tag}")
    if root.find(_cas("authenticationFailure")) is not None:
        return None
    success = root.find(_cas("authenticationSuccess"))
    if success is None:
        raise CasUnavailable(f"{source} response has neither success nor failure")
    username = cas_text(success, "user")
    attributes = success.find(_cas("attributes"))
    if not username or attributes is None:
        raise CasUnavailable(f"{source} success response without user or attributes")
    return username, attributes


def cas_text(element: ET.Element, tag: str) -> str:
    """The stripped text of ``element``'s child ``cas:{tag}``; empty when there is none."""
    return (element.findtext(_cas(tag)) or "").strip()


def parse_service_validate_xml(text: str) -> CasUser | None:
    """The user of a CAS 3.0 ``serviceValidate`` success response, or None for a failure.

    Raises ``CasUnavailable`` when the text is not a CAS response.
    """
    parsed = parse_cas_success(text)
    if parsed is None:
        return None
    username, attributes = parsed
    return CasUser(
        username=username,
        oid=cas_text(attributes, "oidHenkilo"),
        kayttajatyyppi=cas_text(attributes, "kayttajaTyyppi"),
        roles=tuple((element.text or "").strip() for element in attributes.findall(_cas("roles"))),
    )


def service_validate_xml(
    cas_user: CasUser | None,
    code: str = "INVALID_TICKET",
    message: str = "Ticket not recognized",
) -> str:
    """The CAS 3.0 ``serviceValidate`` response: success for ``cas_user``, else failure with
    ``code`` (``INVALID_TICKET``, ``INVALID_REQUEST``, ``INVALID_SERVICE``…) and ``message``."""
    lines = [f'<cas:serviceResponse xmlns:cas="{CAS_NAMESPACE}">']
    if cas_user is None:
        lines.append(
            f"  <cas:authenticationFailure code={quoteattr(code)}>"
            f"{escape(message)}</cas:authenticationFailure>"
        )
    else:
        lines += [
            "  <cas:authenticationSuccess>",
            f"    <cas:user>{escape(cas_user.username)}</cas:user>",
            "    <cas:attributes>",
            f"      <cas:kayttajaTyyppi>{escape(cas_user.kayttajatyyppi)}</cas:kayttajaTyyppi>",
            f"      <cas:oidHenkilo>{escape(cas_user.oid)}</cas:oidHenkilo>",
            *(f"      <cas:roles>{escape(role)}</cas:roles>" for role in cas_user.roles),
            "    </cas:attributes>",
            "  </cas:authenticationSuccess>",
        ]
    lines.append("</cas:serviceResponse>")
    return "\n".join(lines) + "\n"


def build_ticket_validator(settings: Settings) -> TicketValidator:
    """The validator for the configured CAS (built-in or external)."""
    if settings.builtin_cas:
        return BuiltinTicketValidator()
    return HttpCasTicketValidator(settings.effective_cas_url, timeout=settings.cas_timeout_seconds)
