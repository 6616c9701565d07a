"""CAS service tickets: the built-in ticket service and the validation of tickets.

The data-transfer API validates a service ticket on every request (``ticket`` header) for the
service ``{EHOKS_PUBLIC_URL}/ehoks-virkailija-backend/cas-security-check``. In the embedded default
the service is its own CAS (tickets in the database, so several app servers share them); in
production an external CAS is asked over HTTP (``/cas/p3/serviceValidate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session


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


def build_ticket_validator(settings: object) -> TicketValidator:
    """The validator for the configured CAS (built-in or external)."""
    raise NotImplementedError
