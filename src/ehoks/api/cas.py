"""The built-in CAS-compatible ticket service (embedded default).

The subset of the CAS REST and validation protocols that data-transfer clients use:
``POST /cas/v1/tickets`` (username + password → ticket-granting ticket),
``POST /cas/v1/tickets/{tgt}`` (service → service ticket) and
``GET /cas/p3/serviceValidate`` (CAS 3.0 XML). When an external CAS is configured
(``EHOKS_CAS_URL``) these routes answer 404 like unknown routes.
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ehoks.access.cas import (
    create_granting_ticket,
    create_service_ticket,
    service_validate_xml,
    validate_service_ticket,
)
from ehoks.access.users import authenticate
from ehoks.api.deps import SessionDep, SettingsDep
from ehoks.api.errors import NO_CACHE_HEADERS


def require_builtin_cas(settings: SettingsDep) -> None:
    """The ticket service exists only when the service is its own CAS."""
    if not settings.builtin_cas:
        raise HTTPException(status_code=404)


router = APIRouter(
    prefix="/cas",
    tags=["cas"],
    include_in_schema=False,
    dependencies=[Depends(require_builtin_cas)],
)

AUTHENTICATION_FAILED = "Authentication failed: wrong username or password, or account locked"


@router.post("/v1/tickets", status_code=201)
def grant_ticket(
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """A ticket-granting ticket for a username and password (CAS REST protocol)."""
    user = authenticate(session, username, password)
    if user is None:
        session.commit()  # the failed-attempt counter
        return PlainTextResponse(AUTHENTICATION_FAILED, status_code=401, headers=NO_CACHE_HEADERS)
    ticket = create_granting_ticket(session, user=user, settings=settings)
    session.commit()
    location = f"{settings.effective_cas_url}/v1/tickets/{ticket.id}"
    body = (
        "<!DOCTYPE html><html><head><title>201 Created</title></head><body>"
        "<h1>TGT Created</h1>"
        f'<form action="{escape(location)}" method="POST">Service:'
        '<input type="text" name="service" value=""><br>'
        '<input type="submit" value="Submit"></form></body></html>'
    )
    return HTMLResponse(body, status_code=201, headers={"Location": location, **NO_CACHE_HEADERS})


@router.post("/v1/tickets/{tgt}")
def grant_service_ticket(
    tgt: str,
    session: SessionDep,
    settings: SettingsDep,
    service: Annotated[str, Form()] = "",
) -> Response:
    """A single-use service ticket for ``service`` from a ticket-granting ticket."""
    if not service:
        return PlainTextResponse(
            "Parameter service is required", status_code=400, headers=NO_CACHE_HEADERS
        )
    ticket = create_service_ticket(
        session, granting_ticket_id=tgt, service=service, settings=settings
    )
    if ticket is None:
        return PlainTextResponse(
            "TicketGrantingTicket could not be found", status_code=404, headers=NO_CACHE_HEADERS
        )
    session.commit()
    return PlainTextResponse(ticket.id, headers=NO_CACHE_HEADERS)


@router.get("/p3/serviceValidate")
def service_validate(
    session: SessionDep,
    service: Annotated[str, Query()] = "",
    ticket: Annotated[str, Query()] = "",
) -> Response:
    """CAS 3.0 ticket validation: the ticket's user and attributes, or a failure (always 200)."""
    if not service or not ticket:
        body = service_validate_xml(
            None, "INVALID_REQUEST", "Parameters service and ticket are required"
        )
    else:
        cas_user = validate_service_ticket(session, ticket=ticket, service=service)
        session.commit()  # the ticket is used up whatever the outcome
        body = service_validate_xml(cas_user, "INVALID_TICKET", f"Ticket {ticket} not recognized")
    return Response(body, media_type="application/xml", headers=NO_CACHE_HEADERS)
