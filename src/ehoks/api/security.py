"""Resolving the caller: CAS service tickets (data-transfer API), officer sessions (officer
JSON routes)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Header, Request, params

from ehoks.access.cas import CasUnavailable
from ehoks.access.identity import Actor, ActorKind, RequestOrigin
from ehoks.access.roles import parse_cas_roles
from ehoks.access.sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    resume_actor,
    session_handle,
)
from ehoks.api.deps import ContextDep, OriginDep, request_origin
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


class NoSession(NotAuthenticated):
    """No officer session (answered 401 with an empty body, as the original)."""


class NotSuperUser(Forbidden):
    """Not an OPH administrator (answered 403 with an empty body, as the original)."""


def officer_user(request: Request, context: ContextDep) -> Actor:
    """The officer of the browser session (cookie), for the officer JSON routes.

    State-changing calls must carry the session's CSRF token in ``X-CSRF-Token``."""
    token = request.cookies.get(SESSION_COOKIE)
    origin = RequestOrigin(
        ip_address=request_origin(request).ip_address,
        user_agent=request.headers.get("user-agent") or "no user agent",
        session=session_handle(token),
    )
    settings = context.settings
    with context.sessionmaker() as session:
        _state, row, actor = resume_actor(
            session, token, idle=timedelta(minutes=settings.session_idle_minutes), origin=origin
        )
        csrf = row.csrf_token if row is not None else ""
        session.commit()
    if actor is None:
        raise NoSession("")
    if actor.kind is not ActorKind.VIRKAILIJA:
        raise Forbidden(f"User type '{actor.kind.value}' is not allowed")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get(CSRF_HEADER, "")
        if not (sent and secrets.compare_digest(sent, csrf)):
            raise Forbidden("CSRF token missing or invalid")
    request.state.actor = actor
    return actor


OfficerUserDep = Annotated[Actor, Depends(officer_user)]


def super_user(actor: OfficerUserDep) -> Actor:
    """An OPH administrator (``OPHPAAKAYTTAJA`` on the OPH root)."""
    if not actor.is_oph_super_user:
        raise NotSuperUser("")
    return actor


SuperUserDep = Annotated[Actor, Depends(super_user)]
