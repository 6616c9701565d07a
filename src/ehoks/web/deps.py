"""Dependencies of the page handlers, as ``Annotated`` aliases.

``PageDep`` gives every page its ``PageContext`` (language, session, actor). ``OfficerDep`` and
``StudentDep`` require a signed-in officer / student: without one the browser is sent to the
sign-in page (or shown "session expired"). ``CsrfDep`` checks the form's CSRF token on every
state-changing request.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from ehoks.access.identity import ActorKind, RequestOrigin
from ehoks.access.sessions import (
    SessionState,
    resume_actor,
    session_handle,
)
from ehoks.context import AppContext
from ehoks.web.context import CSRF_COOKIE, CSRF_FIELD, FLASH_COOKIE, SESSION_COOKIE, PageContext
from ehoks.web.errors import CsrfRejected, PageForbidden, SessionExpired, SignInRequired
from ehoks.web.i18n import LANGUAGES, catalog, choose_language


def get_context(request: Request) -> AppContext:
    context = request.app.state.context
    assert isinstance(context, AppContext)
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_db(context: ContextDep) -> Iterator[Session]:
    session = context.sessionmaker()
    try:
        yield session
    finally:
        session.close()


def page_origin(request: Request) -> RequestOrigin:
    forwarded = request.headers.get("x-forwarded-for", "")
    ip_address = forwarded.split(",")[0].strip() if forwarded else ""
    if not ip_address and request.client:
        ip_address = request.client.host
    token = request.cookies.get(SESSION_COOKIE)
    return RequestOrigin(
        ip_address=ip_address,
        user_agent=request.headers.get("user-agent") or "no user agent",
        # A non-secret handle of the session for the audit trail (not the cookie itself).
        session=session_handle(token),
    )


def get_page(
    request: Request, context: ContextDep, db: Annotated[Session, Depends(get_db)]
) -> PageContext:
    request.state.html_errors = True
    settings = context.settings
    query_lang = request.query_params.get("lang")
    lang = choose_language(query_lang, request.cookies.get("lang"))
    token = request.cookies.get(SESSION_COOKIE)
    state, row, actor = resume_actor(
        db,
        token,
        idle=timedelta(minutes=settings.session_idle_minutes),
        origin=page_origin(request),
    )
    page = PageContext(
        request=request,
        settings=settings,
        db=db,
        lang=lang,
        catalog=catalog(lang),
        session_state=state,
        web_session=row,
        actor=actor,
        anonymous_csrf=request.cookies.get(CSRF_COOKIE, ""),
        set_language_cookie=query_lang in LANGUAGES and query_lang != request.cookies.get("lang"),
    )
    if state is SessionState.EXPIRED or (token and state is SessionState.NONE):
        page.set_cookie(SESSION_COOKIE, None)
    if row is not None and row.data.get("flash"):
        page.flashes = [(level, message) for level, message in row.data["flash"]]
        row.data = {key: value for key, value in row.data.items() if key != "flash"}
    flash_cookie = request.cookies.get(FLASH_COOKIE)
    if flash_cookie and ":" in flash_cookie:
        level, message = flash_cookie.split(":", 1)
        page.flashes.append((level, message))
        page.set_cookie(FLASH_COOKIE, None)
    db.commit()
    request.state.page = page
    return page


PageDep = Annotated[PageContext, Depends(get_page)]


def _require(page: PageContext, kind: ActorKind, sign_in_path: str) -> PageContext:
    if page.actor is None:
        if page.session_state is SessionState.EXPIRED:
            raise SessionExpired(sign_in_path)
        raise SignInRequired(sign_in_path)
    if page.actor.kind is not kind:
        raise PageForbidden()
    return page


def officer_page(page: PageDep) -> PageContext:
    return _require(page, ActorKind.VIRKAILIJA, "/ehoks-virkailija-ui/kirjaudu")


def student_page(page: PageDep) -> PageContext:
    return _require(page, ActorKind.OPPIJA, "/ehoks/kirjaudu")


OfficerDep = Annotated[PageContext, Depends(officer_page)]
StudentDep = Annotated[PageContext, Depends(student_page)]


def check_csrf(page: PageDep, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> None:
    """Every POST form carries the CSRF token of the session (or of the anonymous cookie)."""
    if not page.csrf_ok(csrf_token):
        raise CsrfRejected()


CsrfDep = Depends(check_csrf)
