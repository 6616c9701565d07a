"""Dependencies of the API routes, as ``Annotated`` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from ehoks.access.identity import RequestOrigin
from ehoks.context import AppContext
from ehoks.registries.wiring import Registries
from ehoks.settings import Settings


def get_context(request: Request) -> AppContext:
    context = request.app.state.context
    assert isinstance(context, AppContext)
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_settings(context: ContextDep) -> Settings:
    return context.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(context: ContextDep) -> Iterator[Session]:
    """One session per request. The handler commits once; closing rolls back the rest."""
    session = context.sessionmaker()
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_registries(context: ContextDep, session: SessionDep) -> Registries:
    return context.registries.bind(session)


RegistriesDep = Annotated[Registries, Depends(get_registries)]


def request_origin(request: Request) -> RequestOrigin:
    """Client address (first X-Forwarded-For), user agent and session for the audit trail."""
    forwarded = request.headers.get("x-forwarded-for", "")
    ip_address = forwarded.split(",")[0].strip() if forwarded else ""
    if not ip_address and request.client:
        ip_address = request.client.host
    session = request.headers.get("ticket") or "no session"
    return RequestOrigin(
        ip_address=ip_address,
        user_agent=request.headers.get("user-agent") or "no user agent",
        session=session,
    )


OriginDep = Annotated[RequestOrigin, Depends(request_origin)]
