"""Officer sign-in and sign-out (`/ehoks-virkailija-ui/kirjaudu`) and the officer home page.

Embedded default: a username + password form against the built-in users (argon2id, lockout,
one message for every failure so usernames cannot be probed). With an external CAS the sign-in
page sends the browser to CAS instead, remembering the page to return to in a short-lived cookie
(``NEXT_COOKIE``), and CAS sends it back to the session route of ``cas_login.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form
from starlette.responses import Response

from ehoks.access import audit
from ehoks.access.identity import Actor, ActorKind
from ehoks.access.sessions import Principal, end_session, start_session
from ehoks.access.storage import WebSession
from ehoks.access.users import Kayttajatyyppi, authenticate
from ehoks.errors import RegistryUnavailable
from ehoks.registries.naming import text
from ehoks.web.context import SESSION_COOKIE, PageContext
from ehoks.web.deps import CsrfDep, OfficerDep, PageDep, page_origin
from ehoks.web.i18n import N_
from ehoks.web.officer_users import ROLE_LABELS
from ehoks.web.pages import page_response, redirect

router = APIRouter(prefix="/ehoks-virkailija-ui", include_in_schema=False)

HOME = "/ehoks-virkailija-ui/"
SIGN_IN = "/ehoks-virkailija-ui/kirjaudu"
WRONG_CREDENTIALS = N_("Incorrect username or password.")
# Where to go after a sign-in through CAS (a path of this service, percent-encoded): the CAS
# service URL is fixed, so the page to return to cannot travel in it.
NEXT_COOKIE = "ehoks_next"
NEXT_COOKIE_MAX_AGE = 600


def safe_next(next_url: str | None, default: str) -> str:
    """Only a path of this service (never another site) is a place to return to.

    Refused: absolute and scheme-relative URLs (``//host``), backslashes (``/\\host`` is
    ``//host`` to browsers), and whitespace or control characters (browsers drop tabs and line
    breaks, so ``/<tab>/host`` would become ``//host``)."""
    if (
        next_url
        and next_url.startswith("/")
        and not next_url.startswith("//")
        and "\\" not in next_url
        and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in next_url)
        and len(next_url) <= 2000
    ):
        return next_url
    return default


@router.get("/kirjaudu")
def sign_in_form(page: PageDep, next: str | None = None) -> Response:
    settings = page.settings
    if page.is_officer:
        return redirect(page, safe_next(next, HOME))
    if not settings.builtin_cas:
        service = settings.officer_cas_service_url
        return redirect_to_cas(
            page, f"{settings.effective_cas_url}/login?{urlencode({'service': service})}", next
        )
    return page_response(
        page, "officer/sign_in.html", {"next": safe_next(next, HOME), "error": None, "username": ""}
    )


def redirect_to_cas(page: PageContext, login_url: str, next_url: str | None) -> Response:
    """303 to a CAS login page; the page to return to waits in ``NEXT_COOKIE``."""
    target = safe_next(next_url, "")
    if target:
        page.set_cookie(NEXT_COOKIE, quote(target, safe="/"), max_age=NEXT_COOKIE_MAX_AGE)
    elif NEXT_COOKIE in page.request.cookies:
        page.set_cookie(NEXT_COOKIE, None)  # an earlier attempt's page is not this one's
    return redirect(page, login_url)


@router.post("/kirjaudu", dependencies=[CsrfDep])
def sign_in(
    page: PageDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = HOME,
) -> Response:
    assert page.db is not None
    db = page.db
    user = authenticate(db, username.strip(), password) if username.strip() and password else None
    if user is not None and user.kayttajatyyppi != Kayttajatyyppi.VIRKAILIJA:
        user = None  # service users transfer data; they do not sign in to the pages
    origin = page_origin(page.request)
    if user is None:
        audit.record(
            db,
            actor=Actor(kind=ActorKind.ANONYMOUS, oid="", username=username[:128], origin=origin),
            operation="sign-in",
            target={},
            status=audit.FAILED,
        )
        db.commit()
        return page_response(
            page,
            "officer/sign_in.html",
            {"next": safe_next(next, HOME), "error": WRONG_CREDENTIALS, "username": username},
            status_code=401,
        )
    token, row = start_web_session(
        page,
        Principal(
            kind=ActorKind.VIRKAILIJA,
            oid=user.oid,
            username=user.username,
            display_name=user.display_name,
            user_id=user.id,
        ),
    )
    audit.record(
        db,
        actor=Actor(kind=ActorKind.VIRKAILIJA, oid=user.oid, username=user.username, origin=origin),
        operation="sign-in",
        target={},
    )
    db.commit()
    page.web_session = row
    page.set_cookie(SESSION_COOKIE, token, max_age=None)
    return redirect(page, safe_next(next, HOME))


@router.post("/kirjaudu-ulos", dependencies=[CsrfDep])
def sign_out(page: OfficerDep) -> Response:
    return end_web_session(page, SIGN_IN)


def start_web_session(
    page: PageContext, principal: Principal, data: dict[str, Any] | None = None
) -> tuple[str, WebSession]:
    """A new session for ``principal`` (the browser's earlier one ends; sign-in never reuses
    it), with ``data`` added to what it keeps. Returns its token and row, not yet committed."""
    assert page.db is not None
    end_session(page.db, page.request.cookies.get(SESSION_COOKIE))
    token, row = start_session(
        page.db, principal, lifetime=timedelta(hours=page.settings.session_absolute_hours)
    )
    if data:
        row.data = {**row.data, **data}
        page.db.flush()
    return token, row


def end_web_session(page: PageContext, then: str) -> Response:
    """Sign-out: the session row goes, the cookie goes, and a message waits on the next page."""
    assert page.db is not None
    assert page.actor is not None
    audit.record(page.db, actor=page.actor, operation="sign-out", target={})
    end_session(page.db, page.request.cookies.get(SESSION_COOKIE))
    page.db.commit()
    page.web_session = None
    page.set_cookie(SESSION_COOKIE, None)
    page.flash(N_("You have signed out."))
    settings = page.settings
    cas_url = None
    if page.actor.kind is ActorKind.VIRKAILIJA and not settings.builtin_cas:
        cas_url = settings.effective_cas_url
    elif page.actor.kind is ActorKind.OPPIJA and settings.cas_oppija_url:
        cas_url = settings.cas_oppija_url.rstrip("/")
    if cas_url is not None:
        # Also end the CAS single sign-on session, then come back to the front page (which shows
        # the message; the sign-in page would send the browser straight back to CAS).
        service = f"{settings.public_url.rstrip('/')}/"
        return redirect(page, f"{cas_url}/logout?{urlencode({'service': service})}")
    return redirect(page, then)


@router.get("/")
def officer_home(page: OfficerDep) -> Response:
    """The officer's front page: their roles, each with the organisation's name."""
    assert page.actor is not None
    assert page.db is not None
    grants = [
        (name, entry.oid)
        for entry in page.actor.organisation_privileges
        if (name := audit.role_name(entry)) is not None
    ]
    registries = page.request.app.state.context.registries.bind(page.db)
    try:
        found = registries.organisaatio.find_by_oids(sorted({oid for _name, oid in grants}))
        names = {organisaatio.oid: organisaatio.nimi for organisaatio in found}
    except RegistryUnavailable:  # the page works without the names
        names = {}
    roles = [
        {
            "label": ROLE_LABELS.get(name, name),
            "organisation": text(names.get(oid, {}), page.lang) or oid,
            "oid": oid,
        }
        for name, oid in grants
    ]
    return page_response(page, "officer/home.html", {"roles": roles})
