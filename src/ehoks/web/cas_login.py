"""CAS sign-in: officers through the virkailija CAS, students through CAS-oppija; single logout.

Officers (``reference/ehoks-backend.md`` §1.4 V-S1..V-S4). The sign-in page sends the browser to
``{cas}/login?service={officer_cas_service_url}``; CAS sends it back to
``GET /ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku?ticket=ST-…`` (the original
also accepts ``GET /ehoks-virkailija-backend/cas-security-check?ticket=``; both validate for the
same service URL). The ticket is validated against the configured CAS (``AppContext
.ticket_validator``: the built-in ticket service or an external CAS over HTTP); a valid ticket of
a ``VIRKAILIJA`` user starts a page session holding the CAS roles and the ticket, then 303 to the
officer pages. An invalid, used or expired ticket is 401 ``{"error":"Invalid ticket"}``.
Only officers may start a page session: any other ``kayttajaTyyppi`` (service users, ``PALVELU``)
is 403 ``{"error":"User type 'PALVELU' is not allowed"}`` — the original lets a service user
sign in and then refuses every officer route with that message; refusing at the door is the same
for the user and leaves no useless session behind.

Students (§1.5, §4.4). With ``EHOKS_CAS_OPPIJA_URL`` the student sign-in page sends the browser to
CAS-oppija (Suomi.fi), which returns it to
``GET /ehoks-oppija-backend/api/v1/oppija/session/opintopolku/?ticket=``. A login with a Suomi.fi
mandate (valtuudet) does not start a session: the page says, as the original's banner, that eHOKS
can be used after signing out and in again without a mandate (403). Without
``EHOKS_CAS_OPPIJA_URL`` (the embedded default) students use the test identification page and
this route is 404.

Single logout: CAS posts a SAML ``LogoutRequest`` (form field ``logoutRequest``) to the service
URL; the sessions started with its ``SessionIndex`` (the service ticket) end. These posts come
from CAS, not from a browser, so they carry no CSRF token and need none: they can only end the
session of a ticket the sender knows.

Session JSON (for scripts and the original's UI contract): ``GET`` the session (401
``{"info":"User is not authorized"}`` without one; the answer carries the session's CSRF token
in the ``X-CSRF-Token`` header) and ``DELETE`` it (sign-out; a state-changing call, so it needs
that token in an ``X-CSRF-Token`` request header, else 403).
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import unquote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, Response

from ehoks.access import audit
from ehoks.access.cas import CasUnavailable
from ehoks.access.cas_oppija import (
    CasOppijaUser,
    CasOppijaValidator,
    session_index_of_logout_request,
)
from ehoks.access.identity import Actor, ActorKind, RequestOrigin
from ehoks.access.sessions import (
    CSRF_HEADER,
    Principal,
    SessionState,
    actor_of,
    end_session,
    end_sessions_of_ticket,
    resume_actor,
    session_handle,
)
from ehoks.access.storage import User, WebSession
from ehoks.access.users import Kayttajatyyppi
from ehoks.hoks.storage import Hoks, OpiskeluoikeusIndex
from ehoks.identifiers import is_valid_oppija_oid
from ehoks.settings import OPH_ROOT_OID, Settings
from ehoks.web.context import SESSION_COOKIE, PageContext
from ehoks.web.deps import ContextDep, PageDep, get_db, page_origin
from ehoks.web.errors import PageNotFound
from ehoks.web.officer_auth import HOME as OFFICER_HOME
from ehoks.web.officer_auth import NEXT_COOKIE, safe_next, start_web_session
from ehoks.web.pages import page_response, redirect

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

OFFICER_SESSION = "/ehoks-virkailija-backend/api/v1/virkailija/session"
OFFICER_CAS_CALLBACK = f"{OFFICER_SESSION}/opintopolku"
CAS_SECURITY_CHECK = "/ehoks-virkailija-backend/cas-security-check"
STUDENT_SESSION = "/ehoks-oppija-backend/api/v1/oppija/session"
STUDENT_CAS_CALLBACK = f"{STUDENT_SESSION}/opintopolku/"
STUDENT_HOME = "/ehoks/"

# Longer than any CAS ticket (and than the column that keeps it for single logout).
MAX_TICKET_LENGTH = 256

INVALID_TICKET = {"error": "Invalid ticket"}
CAS_UNAVAILABLE = {"reason": "Unable to check access rights"}
NOT_AUTHORIZED = {"info": "User is not authorized"}
INVALID_CSRF = {"error": "Invalid CSRF token"}
INVALID_LOGOUT_REQUEST = {"error": "Invalid logoutRequest"}
SESSION_NOT_FOUND = {"error": "Session not found"}

DbDep = Annotated[Session, Depends(get_db)]
LogoutRequestForm = Annotated[str, Form(alias="logoutRequest")]


# --- officers ------------------------------------------------------------------------------------


@router.get(OFFICER_CAS_CALLBACK)
@router.get(CAS_SECURITY_CHECK)
def officer_cas_callback(page: PageDep, context: ContextDep, ticket: str = "") -> Response:
    """V-S3: validate the service ticket CAS sent the browser back with; start the session."""
    assert page.db is not None
    db, settings = page.db, page.settings
    origin = page_origin(page.request)
    if not ticket or len(ticket) > MAX_TICKET_LENGTH:
        return _refused_sign_in(db, origin, 401, INVALID_TICKET, reason="invalid-ticket")
    try:
        cas_user = context.ticket_validator.validate(db, ticket, settings.officer_cas_service_url)
    except CasUnavailable as error:
        db.rollback()
        logger.warning("officer sign-in: CAS could not be asked: %s", error.detail)
        return JSONResponse(CAS_UNAVAILABLE, status_code=401)
    db.commit()  # the built-in ticket service used the ticket up, whatever happens next
    if cas_user is None or not cas_user.oid:
        return _refused_sign_in(db, origin, 401, INVALID_TICKET, reason="invalid-ticket")
    if cas_user.kayttajatyyppi != Kayttajatyyppi.VIRKAILIJA:
        return _refused_sign_in(
            db,
            origin,
            403,
            {"error": f"User type '{cas_user.kayttajatyyppi}' is not allowed"},
            reason="user-type",
            oid=cas_user.oid,
            username=cas_user.username,
        )
    principal = Principal(
        kind=ActorKind.VIRKAILIJA,
        oid=cas_user.oid,
        username=cas_user.username,
        display_name=cas_user.username,
        cas_roles=cas_user.roles,
        cas_ticket=ticket,
    )
    if settings.builtin_cas:
        # A user of the built-in CAS: their roles are read live (a revoked role takes effect at
        # once), as in a session started on the username + password form.
        user = db.scalar(select(User).where(User.username == cas_user.username))
        if user is not None:
            principal = dataclasses.replace(
                principal, user_id=user.id, display_name=user.display_name or user.username
            )
    return _start(page, principal, target={}, then=_take_next(page, OFFICER_HOME))


@router.post(OFFICER_CAS_CALLBACK)
@router.post(CAS_SECURITY_CHECK)
def officer_single_logout(
    request: Request, db: DbDep, logout_request: LogoutRequestForm = ""
) -> Response:
    """V-S4: CAS single logout ends the sessions started with the ``SessionIndex`` ticket."""
    ticket = session_index_of_logout_request(logout_request)
    if ticket is None:
        return JSONResponse(INVALID_LOGOUT_REQUEST, status_code=400)
    _single_logout(request, db, ticket)
    return Response(status_code=200)


@router.get(OFFICER_SESSION)
def officer_session(request: Request, context: ContextDep, db: DbDep) -> Response:
    """V-S1: who is signed in, with the organisation privileges of their roles."""
    state, current = _current(request, context.settings, db, ActorKind.VIRKAILIJA)
    if current is None:
        return _not_authorized(context.settings, state)
    row, actor = current
    entries = [
        {
            "oid": entry.oid,
            "privileges": sorted(entry.privileges),
            "roles": sorted(entry.roles),
            "child-organisations": _child_organisations(db, entry.oid),
        }
        for entry in actor.organisation_privileges
    ]
    body = {
        "data": {
            "oidHenkilo": actor.oid,
            "organisation-privileges": entries,
            "isSuperuser": actor.is_oph_super_user,
        }
    }
    return JSONResponse(body, headers={CSRF_HEADER: row.csrf_token})


@router.delete(OFFICER_SESSION)
def officer_session_end(request: Request, context: ContextDep, db: DbDep) -> Response:
    """V-S2: sign-out (needs the session's CSRF token in ``X-CSRF-Token``)."""
    return _end_json_session(request, context.settings, db, ActorKind.VIRKAILIJA)


def _child_organisations(db: Session, oid: str) -> list[str]:
    """The UI helper of V-S1 (§4.2): for the OPH root every oppilaitos with HOKSes, otherwise the
    oppilaitokset of the indexed study rights whose koulutustoimija is ``oid``."""
    if oid == OPH_ROOT_OID:
        query = (
            select(OpiskeluoikeusIndex.oppilaitos_oid)
            .join(Hoks, Hoks.opiskeluoikeus_oid == OpiskeluoikeusIndex.oid)
            .where(Hoks.deleted_at.is_(None))
        )
    else:
        query = select(OpiskeluoikeusIndex.oppilaitos_oid).where(
            OpiskeluoikeusIndex.koulutustoimija_oid == oid
        )
    return sorted({found for found in db.scalars(query.distinct()) if found})


# --- students ------------------------------------------------------------------------------------


@router.get(STUDENT_CAS_CALLBACK)
def student_cas_callback(page: PageDep, ticket: str = "") -> Response:
    """Validate the CAS-oppija ticket; start the student's session (not on a mandate login)."""
    assert page.db is not None
    db, settings = page.db, page.settings
    if not settings.cas_oppija_url:
        raise PageNotFound()  # the embedded default identifies students on the test page
    origin = page_origin(page.request)
    if not ticket or len(ticket) > MAX_TICKET_LENGTH:
        return _refused_sign_in(db, origin, 401, INVALID_TICKET, reason="invalid-ticket")
    validator = page.request.app.state.context.cas_oppija_validator
    assert isinstance(validator, CasOppijaValidator)  # built by create_app with the URL
    try:
        person = validator.validate(ticket, settings.student_cas_service_url)
    except CasUnavailable as error:
        logger.warning("student sign-in: CAS-oppija could not be asked: %s", error.detail)
        return JSONResponse(CAS_UNAVAILABLE, status_code=401)
    if person is None:
        return _refused_sign_in(db, origin, 401, INVALID_TICKET, reason="invalid-ticket")
    if person.using_mandate:
        _record_refusal(
            db,
            origin,
            reason="mandate",
            oid=person.impersonator_person_oid,
            target={"oppijaOid": person.person_oid or None},
        )
        return _student_refused(page, "mandate")
    if not is_valid_oppija_oid(person.person_oid):
        _record_refusal(db, origin, reason="no-student-number")
        return _student_refused(page, "no-student-number")
    principal = Principal(
        kind=ActorKind.OPPIJA,
        oid=person.person_oid,
        username=person.person_oid,
        display_name=_display_name(person),
        cas_ticket=ticket,
    )
    return _start(
        page,
        principal,
        target={"oppijaOid": person.person_oid},
        then=_take_next(page, STUDENT_HOME),
        data=student_names(person.first_names, person.given_name, person.surname),
    )


@router.post(STUDENT_CAS_CALLBACK)
def student_single_logout(
    request: Request, db: DbDep, logout_request: LogoutRequestForm = ""
) -> Response:
    """CAS-oppija single logout: 200 when a session ended, 404 when none had the ticket."""
    ticket = session_index_of_logout_request(logout_request)
    if ticket is None:
        return JSONResponse(INVALID_LOGOUT_REQUEST, status_code=400)
    if not _single_logout(request, db, ticket):
        return JSONResponse(SESSION_NOT_FOUND, status_code=404)
    return Response(status_code=200)


@router.get(STUDENT_SESSION)
def student_session(request: Request, context: ContextDep, db: DbDep) -> Response:
    """The signed-in student: ``{"data":[{oid, first-name, common-name, surname,
    usingValtuudet}]}`` (mandate logins get no session, so ``usingValtuudet`` is false)."""
    state, current = _current(request, context.settings, db, ActorKind.OPPIJA)
    if current is None:
        return _not_authorized(context.settings, state)
    row, actor = current
    names = _names_of(row)
    body = {"data": [{"oid": actor.oid, **names, "usingValtuudet": False}]}
    return JSONResponse(body, headers={CSRF_HEADER: row.csrf_token})


@router.delete(STUDENT_SESSION)
def student_session_end(request: Request, context: ContextDep, db: DbDep) -> Response:
    """Sign-out (needs the session's CSRF token in ``X-CSRF-Token``)."""
    return _end_json_session(request, context.settings, db, ActorKind.OPPIJA)


def student_names(first_names: str, given_name: str, surname: str) -> dict[str, Any]:
    """What a student session keeps of the names (the original's session user keys)."""
    return {
        "first-name": first_names,
        "common-name": given_name or first_names.split(" ")[0],
        "surname": surname,
    }


def _names_of(row: WebSession) -> dict[str, str]:
    names = {key: str(row.data.get(key) or "") for key in ("first-name", "common-name", "surname")}
    if not any(names.values()) and row.display_name:
        # A session started before names were kept: the display name is "<common> <surname>".
        common, _, surname = row.display_name.partition(" ")
        names = {"first-name": common, "common-name": common, "surname": surname}
    return names


def _display_name(person: CasOppijaUser) -> str:
    first = person.given_name or person.first_names.split(" ")[0]
    name = f"{first} {person.surname}".strip()
    return name or person.display_name


def _student_refused(page: PageContext, reason: str) -> Response:
    """The page of a refused student sign-in (no session): sign out of CAS-oppija, try again."""
    settings = page.settings
    assert settings.cas_oppija_url is not None
    service = f"{settings.public_url.rstrip('/')}/"
    logout_url = f"{settings.cas_oppija_url.rstrip('/')}/logout?{urlencode({'service': service})}"
    return page_response(
        page,
        "cas/student_refused.html",
        {"reason": reason, "logout_url": logout_url},
        status_code=403,
    )


# --- shared ------------------------------------------------------------------------------------


def _start(
    page: PageContext,
    principal: Principal,
    *,
    target: dict[str, Any],
    then: str,
    data: dict[str, Any] | None = None,
) -> Response:
    """A new session (never the browser's earlier one), audited, and the browser sent on."""
    assert page.db is not None
    db = page.db
    token, row = start_web_session(page, principal, data)
    origin = dataclasses.replace(page_origin(page.request), session=session_handle(token))
    actor = actor_of(db, row, origin)
    assert actor is not None  # a built-in user found a moment ago is not disabled
    audit.record(db, actor=actor, operation="sign-in", target=target)
    db.commit()
    page.web_session = row
    page.set_cookie(SESSION_COOKIE, token, max_age=None)
    return redirect(page, then)


def _take_next(page: PageContext, area: str) -> str:
    """Where the sign-in page was asked to return to (a path of ``area``), once."""
    stored = page.request.cookies.get(NEXT_COOKIE)
    if stored is None:
        return area
    page.set_cookie(NEXT_COOKIE, None)
    target = safe_next(unquote(stored), area)
    return target if target.startswith(area) else area


def _record_refusal(
    db: Session,
    origin: RequestOrigin,
    *,
    reason: str,
    oid: str = "",
    username: str = "",
    target: dict[str, Any] | None = None,
) -> None:
    audit.record(
        db,
        actor=Actor(kind=ActorKind.ANONYMOUS, oid=oid, username=username[:128], origin=origin),
        operation="sign-in",
        target={**(target or {}), "reason": reason},
        status=audit.FAILED,
    )
    db.commit()


def _refused_sign_in(
    db: Session,
    origin: RequestOrigin,
    status: int,
    body: dict[str, str],
    *,
    reason: str,
    oid: str = "",
    username: str = "",
) -> Response:
    _record_refusal(db, origin, reason=reason, oid=oid, username=username)
    return JSONResponse(body, status_code=status)


def _single_logout(request: Request, db: Session, ticket: str) -> int:
    """End (and audit) the sessions started with ``ticket``; how many there were."""
    origin = page_origin(request)
    rows = list(db.scalars(select(WebSession).where(WebSession.cas_ticket == ticket)))
    for row in rows:
        actor = Actor(
            kind=ActorKind(row.kind),
            oid=row.oid,
            username=row.username,
            origin=dataclasses.replace(origin, session=f"web-{row.id[:16]}"),
        )
        audit.record(db, actor=actor, operation="single-logout", target={})
    ended = end_sessions_of_ticket(db, ticket)
    db.commit()
    logger.info("CAS single logout ended %d session(s)", ended)
    return ended


def _current(
    request: Request, settings: Settings, db: Session, kind: ActorKind
) -> tuple[SessionState, tuple[WebSession, Actor] | None]:
    """The browser's active session of ``kind`` with its actor, or the state of its cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    state, row, actor = resume_actor(
        db,
        token,
        idle=timedelta(minutes=settings.session_idle_minutes),
        origin=page_origin(request),
    )
    db.commit()
    if row is None or actor is None or actor.kind is not kind:
        return state, None
    return state, (row, actor)


def _not_authorized(settings: Settings, state: SessionState) -> Response:
    response = JSONResponse(NOT_AUTHORIZED, status_code=401)
    if state is not SessionState.ACTIVE:
        _forget_cookie(response, settings)
    return response


def _forget_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=settings.secure_cookies, httponly=True)


def _end_json_session(
    request: Request, settings: Settings, db: Session, kind: ActorKind
) -> Response:
    state, current = _current(request, settings, db, kind)
    if current is None:
        return _not_authorized(settings, state)
    row, actor = current
    submitted = request.headers.get(CSRF_HEADER, "")
    if not (submitted and secrets.compare_digest(submitted.encode(), row.csrf_token.encode())):
        return JSONResponse(INVALID_CSRF, status_code=403)
    audit.record(db, actor=actor, operation="sign-out", target={})
    end_session(db, request.cookies.get(SESSION_COOKIE))
    db.commit()
    response = Response(status_code=200)
    _forget_cookie(response, settings)
    return response
