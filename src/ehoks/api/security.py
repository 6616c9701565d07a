"""Resolving the caller: CAS service tickets for the data-transfer API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request, params

from ehoks.access.cas import CasUnavailable
from ehoks.access.identity import Actor, ActorKind
from ehoks.access.roles import parse_cas_roles
from ehoks.api.deps import ContextDep, OriginDep
from ehoks.errors import Forbidden, NotAuthenticated

TICKET_INVALID_TEXT = "User not found for given ticket. Ticket may be expired."
PALVELU_REQUIRED_TEXT = "User type 'PALVELU' is required"


class CasCheckFailed(NotAuthenticated):
    """eHOKS could not ask CAS (answered as ``{"reason": "Unable to check access rights"}``)."""


def audited(operation: str) -> params.Depends:
    """Mark a route as audited: refusals are recorded as ``failed`` events with ``operation``."""

    def mark(request: Request) -> None:
        request.state.audit_operation = operation

    dependency: params.Depends = Depends(mark)
    return dependency


def ticket_user(
    request: Request,
    context: ContextDep,
    origin: OriginDep,
    caller_id: Annotated[str, Header(alias="Caller-Id")],
    ticket: Annotated[str, Header()],
) -> Actor:
    """The CAS user whose service ticket came in the ``ticket`` header (validated every time)."""
    del caller_id  # required and logged, never validated (as the original)
    with context.sessionmaker() as session:
        try:
            cas_user = context.ticket_validator.validate(
                session, ticket, context.settings.service_ticket_service_url
            )
        except CasUnavailable as error:
            raise CasCheckFailed("Unable to check access rights") from error
        session.commit()  # the ticket is used up even if the request fails later
    if cas_user is None:
        raise NotAuthenticated(TICKET_INVALID_TEXT)
    actor = Actor(
        kind=ActorKind(cas_user.kayttajatyyppi)
        if cas_user.kayttajatyyppi in ActorKind.__members__
        else ActorKind.VIRKAILIJA,
        oid=cas_user.oid,
        username=cas_user.username,
        organisation_privileges=parse_cas_roles(cas_user.roles),
        origin=origin,
    )
    request.state.actor = actor
    return actor


TicketUserDep = Annotated[Actor, Depends(ticket_user)]


def service_user(actor: TicketUserDep) -> Actor:
    """The caller must be a service user (PALVELU), as on every ``/hoks`` route."""
    if actor.kind is not ActorKind.PALVELU:
        raise Forbidden(PALVELU_REQUIRED_TEXT)
    return actor


ServiceUserDep = Annotated[Actor, Depends(service_user)]
