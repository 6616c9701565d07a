"""Student sign-in: the built-in test identification page in the embedded default (a clearly
marked "pick a demo person" page that production settings switch off), CAS-oppija (Suomi.fi)
in production (the sign-in page redirects there; the return route is in ``cas_login.py``);
sign-out; the student home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from ehoks.access import audit
from ehoks.access.identity import ActorKind
from ehoks.access.sessions import Principal, actor_of
from ehoks.access.test_identification import find_identifiable_person, identifiable_persons
from ehoks.web.cas_login import student_names
from ehoks.web.context import SESSION_COOKIE
from ehoks.web.deps import CsrfDep, PageDep, StudentDep, page_origin
from ehoks.web.errors import PageNotFound
from ehoks.web.i18n import N_
from ehoks.web.officer_auth import (
    end_web_session,
    redirect_to_cas,
    safe_next,
    start_web_session,
)
from ehoks.web.pages import page_response, redirect

router = APIRouter(prefix="/ehoks", include_in_schema=False)

HOME = "/ehoks/"
SIGN_IN = "/ehoks/kirjaudu"


@router.get("/kirjaudu")
def sign_in_page(page: PageDep, next: str | None = None) -> Response:
    settings = page.settings
    if page.is_student and (settings.cas_oppija_url or settings.test_identification):
        return redirect(page, safe_next(next, HOME))
    if settings.cas_oppija_url:
        service = settings.student_cas_service_url
        return redirect_to_cas(
            page,
            f"{settings.cas_oppija_url.rstrip('/')}/login?{urlencode({'service': service})}",
            next,
        )
    if not settings.test_identification:
        raise PageNotFound()
    assert page.db is not None
    return page_response(
        page,
        "student/test_identification.html",
        {"people": identifiable_persons(page.db), "next": safe_next(next, HOME), "error": None},
    )


def require_test_identification(page: PageDep) -> None:
    """The test identification exists only where settings allow it (never in production)."""
    if not page.settings.test_identification:
        raise PageNotFound()


# The page's existence is checked before its form (404, not a CSRF refusal, where it is off).
@router.post("/kirjaudu", dependencies=[Depends(require_test_identification), CsrfDep])
def sign_in_as_test_person(
    page: PageDep, oid: Annotated[str, Form()] = "", next: Annotated[str, Form()] = HOME
) -> Response:
    assert page.db is not None
    db = page.db
    person = find_identifiable_person(db, oid.strip())
    if person is None:
        return page_response(
            page,
            "student/test_identification.html",
            {
                "people": identifiable_persons(db),
                "next": safe_next(next, HOME),
                "error": N_("Choose a person from the list."),
            },
            status_code=400,
        )
    token, row = start_web_session(
        page,
        Principal(
            kind=ActorKind.OPPIJA,
            oid=person.oid,
            username=person.oid,
            display_name=f"{person.kutsumanimi} {person.sukunimi}",
        ),
        student_names(person.etunimet, person.kutsumanimi, person.sukunimi),
    )
    page.web_session = row
    actor = actor_of(db, row, page_origin(page.request))
    assert actor is not None
    audit.record(db, actor=actor, operation="sign-in", target={"oppijaOid": person.oid})
    db.commit()
    page.set_cookie(SESSION_COOKIE, token, max_age=None)
    return redirect(page, safe_next(next, HOME))


@router.post("/kirjaudu-ulos", dependencies=[CsrfDep])
def sign_out(page: StudentDep) -> Response:
    return end_web_session(page, SIGN_IN)


@router.get("/")
def student_home(page: StudentDep) -> Response:
    return page_response(page, "student/home.html")
