"""Signing in to the pages in the embedded default, over HTTP: the officer form of the built-in
users, the student test identification, expiry, sign-out, CSRF, cookies and security headers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.storage import AuditEvent, User, WebSession
from ehoks.access.users import LOCKOUT_THRESHOLD
from ehoks.app import create_app
from ehoks.db.types import utcnow
from ehoks.settings import Environment, Settings
from ehoks.web.i18n import catalog
from tests.support import world
from tests.support.cas import make_service_user
from tests.support.web import (
    PASSWORD,
    csrf_token,
    db_rows,
    db_update,
    db_value,
    make_officer,
    sign_in_officer,
    sign_in_student,
)

SIGN_IN = "/ehoks-virkailija-ui/kirjaudu"
SIGN_OUT = "/ehoks-virkailija-ui/kirjaudu-ulos"
HOME = "/ehoks-virkailija-ui/"
STUDENT_SIGN_IN = "/ehoks/kirjaudu"
STUDENT_HOME = "/ehoks/"
ORG = world.KOULUTUSTOIMIJA_A
FI = catalog("fi")
_ERROR_SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.DOTALL)


def error_summary(text: str) -> str:
    match = _ERROR_SUMMARY.search(text)
    assert match, "no error summary on the page"
    return match.group(0)


def session_row(session: Session) -> WebSession:
    row = db_value(session, select(WebSession))
    assert row is not None
    return row


@pytest.fixture
def officer(session: Session) -> str:
    make_officer(session, "virkailija", [("CRUD", ORG)], display_name="Veera Virkailija")
    return "virkailija"


def browser(client: TestClient, cookies: dict[str, str] | None = None) -> TestClient:
    """Another browser on the running app of ``client`` (no ``with``: that would run the app's
    shutdown when the block ends)."""
    return TestClient(client.app, cookies=cookies)


def client_for(settings: Settings, **changes: object) -> TestClient:
    changed = Settings(**{**settings.model_dump(), **changes})
    base_url = changed.public_url
    return TestClient(create_app(changed), base_url=base_url)


# --- officers: signing in --------------------------------------------------------------------


def test_an_officer_signs_in_and_sees_the_home_page(
    client: TestClient, session: Session, officer: str
) -> None:
    response = sign_in_officer(client, officer)

    assert response.status_code == 303
    assert response.headers["location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    assert "Veera Virkailija" in home.text
    assert f'<strong>Tallentaja</strong>, {ORG} <span class="oid">{ORG}</span>' in home.text
    events = db_rows(session, select(AuditEvent).where(AuditEvent.operation == "sign-in"))
    assert [(event.actor_name, event.status) for event in events] == [(officer, "succeeded")]


def test_a_failed_sign_in_says_the_same_whatever_the_reason(
    client: TestClient, session: Session, officer: str
) -> None:
    make_officer(session, "lukittu", [("READ", ORG)])
    locked = db_value(session, select(User).where(User.username == "lukittu"))
    assert locked is not None
    db_update(session, locked, locked_until=utcnow() + timedelta(minutes=10))
    make_service_user(session, "palvelu", [("CRUD", ORG)], password=PASSWORD)

    answers = [
        sign_in_officer(client, "tuntematon"),  # unknown user
        sign_in_officer(client, officer, "Vaara-salasana-1"),  # wrong password
        sign_in_officer(client, "lukittu"),  # locked, right password
        sign_in_officer(client, "palvelu"),  # a service user, right password
    ]

    assert {answer.status_code for answer in answers} == {401}
    summaries = {error_summary(answer.text) for answer in answers}
    assert len(summaries) == 1
    assert FI.gettext("Incorrect username or password.") in summaries.pop()
    assert "ehoks_session" not in client.cookies
    failures = db_rows(session, select(AuditEvent.status).where(AuditEvent.operation == "sign-in"))
    assert failures == ["failed"] * 4


def test_repeated_failures_lock_the_user(
    client: TestClient, session: Session, officer: str
) -> None:
    for _ in range(LOCKOUT_THRESHOLD - 1):
        assert sign_in_officer(client, officer, "Vaara-salasana-1").status_code == 401
    user = db_value(session, select(User).where(User.username == officer))
    assert user is not None
    assert user.locked_until is None
    assert sign_in_officer(client, officer, "Vaara-salasana-1").status_code == 401

    refused = sign_in_officer(client, officer)  # the right password, but locked

    assert refused.status_code == 401
    assert FI.gettext("Incorrect username or password.") in error_summary(refused.text)
    session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow()
    # The lock passes.
    db_update(session, user, locked_until=utcnow() - timedelta(seconds=1))
    assert sign_in_officer(client, officer).status_code == 303


def test_signing_in_again_starts_a_new_session(
    client: TestClient, session: Session, officer: str
) -> None:
    sign_in_officer(client, officer)
    first = client.cookies["ehoks_session"]
    home = client.get(HOME)

    again = client.post(
        SIGN_IN,
        data={"csrf_token": csrf_token(home), "username": officer, "password": PASSWORD},
        follow_redirects=False,
    )

    assert again.status_code == 303
    assert client.cookies["ehoks_session"] != first
    assert len(db_rows(session, select(WebSession.id))) == 1
    old = browser(client, {"ehoks_session": first})
    assert old.get(HOME, follow_redirects=False).status_code == 303


def test_an_unsigned_visit_is_sent_to_sign_in_and_back(client: TestClient, officer: str) -> None:
    response = client.get("/ehoks-virkailija-ui/?lang=sv", follow_redirects=False)

    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"{SIGN_IN}?{urlencode({'next': '/ehoks-virkailija-ui/?lang=sv'})}"
    form = client.get(location)
    signed_in = client.post(
        SIGN_IN,
        data={
            "csrf_token": csrf_token(form),
            "username": officer,
            "password": PASSWORD,
            "next": "/ehoks-virkailija-ui/?lang=sv",
        },
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/ehoks-virkailija-ui/?lang=sv"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "ehoks-virkailija-ui/",
    ],
)
def test_sign_in_never_sends_the_browser_to_another_site(
    client: TestClient, officer: str, next_url: str
) -> None:
    form = client.get(SIGN_IN, params={"next": next_url})
    assert f'name="next" value="{HOME}"' in form.text

    response = client.post(
        SIGN_IN,
        data={
            "csrf_token": csrf_token(form),
            "username": officer,
            "password": PASSWORD,
            "next": next_url,
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == HOME


# --- expiry ------------------------------------------------------------------------------------


def test_a_session_idle_too_long_has_expired(
    client: TestClient, session: Session, officer: str, settings: Settings
) -> None:
    sign_in_officer(client, officer)
    row = session_row(session)
    idle = timedelta(minutes=settings.session_idle_minutes)
    db_update(session, row, last_seen_at=utcnow() - idle + timedelta(minutes=1))
    assert client.get(HOME).status_code == 200  # not quite idle long enough (and touched now)
    db_update(session, row, last_seen_at=utcnow() - idle - timedelta(seconds=1))

    expired = client.get(HOME, follow_redirects=False)

    assert expired.status_code == 401
    assert FI.gettext("Your session has expired") in expired.text
    assert f'href="{SIGN_IN}"' in expired.text
    assert "ehoks_session" not in client.cookies  # the answer removed the cookie
    assert db_value(session, select(WebSession.id)) is None
    assert client.get(HOME, follow_redirects=False).status_code == 303


def test_a_session_ends_at_its_absolute_expiry_however_active(
    client: TestClient, session: Session, officer: str
) -> None:
    sign_in_officer(client, officer)
    row = session_row(session)
    db_update(session, row, last_seen_at=utcnow(), expires_at=utcnow() - timedelta(seconds=1))

    expired = client.get(HOME, follow_redirects=False)

    assert expired.status_code == 401
    assert FI.gettext("Your session has expired") in expired.text


@pytest.mark.parametrize(
    "lifetimes",
    [{"session_idle_minutes": 0.004}, {"session_absolute_hours": 0.00007}],
    ids=["idle", "absolute"],
)
def test_the_configured_lifetimes_apply(
    settings: Settings, session: Session, officer: str, lifetimes: dict[str, float]
) -> None:
    with client_for(settings, **lifetimes) as client:
        assert sign_in_officer(client, officer).status_code == 303
        time.sleep(0.3)

        assert client.get(HOME, follow_redirects=False).status_code == 401


# --- signing out ---------------------------------------------------------------------------------


def test_signing_out_ends_the_session(client: TestClient, session: Session, officer: str) -> None:
    sign_in_officer(client, officer)
    cookie = client.cookies["ehoks_session"]
    home = client.get(HOME)

    response = client.post(SIGN_OUT, data={"csrf_token": csrf_token(home)}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == SIGN_IN
    assert "ehoks_session" not in client.cookies
    assert FI.gettext("You have signed out.") in client.get(SIGN_IN).text
    assert db_value(session, select(WebSession.id)) is None
    # The old cookie opens nothing.
    old = browser(client, {"ehoks_session": cookie})
    assert old.get(HOME, follow_redirects=False).status_code == 303
    events = db_rows(session, select(AuditEvent.operation).where(AuditEvent.actor_name == officer))
    assert events == ["sign-in", "sign-out"]


# --- CSRF ----------------------------------------------------------------------------------------


def test_the_sign_in_form_without_its_csrf_token_is_refused(
    client: TestClient, officer: str, session: Session
) -> None:
    client.get(SIGN_IN)  # the anonymous CSRF cookie is set
    for token in ({}, {"csrf_token": "forged"}):
        response = client.post(SIGN_IN, data={**token, "username": officer, "password": PASSWORD})
        assert response.status_code == 403
        assert FI.gettext("The form has expired") in response.text
    # A form of another browser does not do either.
    foreign = csrf_token(browser(client).get(SIGN_IN))
    response = client.post(
        SIGN_IN, data={"csrf_token": foreign, "username": officer, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert db_value(session, select(WebSession.id)) is None


def test_signing_out_without_the_csrf_token_is_refused(client: TestClient, officer: str) -> None:
    sign_in_officer(client, officer)
    anonymous_token = client.cookies.get("ehoks_csrf")

    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": anonymous_token or "x"}):
        response = client.post(SIGN_OUT, data=data, follow_redirects=False)
        assert response.status_code == 403

    assert client.get(HOME).status_code == 200


def test_the_test_identification_form_without_its_csrf_token_is_refused(
    client: TestClient, session: Session
) -> None:
    student = world.add_student(session)
    client.get(STUDENT_SIGN_IN)

    response = client.post(STUDENT_SIGN_IN, data={"oid": student.oid})

    assert response.status_code == 403
    assert db_value(session, select(WebSession.id)) is None


# --- cookies and headers -------------------------------------------------------------------------


def cookie_header(response: object, name: str) -> str:
    headers = getattr(response, "headers")  # noqa: B009 -- httpx.Response
    for value in headers.get_list("set-cookie"):
        if value.startswith(f"{name}="):
            return str(value).lower()
    raise AssertionError(f"no {name} cookie set")


def test_cookie_flags_over_http(client: TestClient, officer: str) -> None:
    form = client.get(SIGN_IN)
    csrf_cookie = cookie_header(form, "ehoks_csrf")
    assert "httponly" in csrf_cookie
    assert "samesite=strict" in csrf_cookie

    response = sign_in_officer(client, officer)

    session_cookie = cookie_header(response, "ehoks_session")
    assert "httponly" in session_cookie
    assert "samesite=lax" in session_cookie
    assert "path=/" in session_cookie
    assert "secure" not in session_cookie
    assert "max-age" not in session_cookie and "expires" not in session_cookie  # browser session


def test_cookies_are_secure_when_the_service_is_on_https(
    settings: Settings, session: Session, officer: str
) -> None:
    with client_for(settings, public_url="https://testserver") as client:
        form = client.get(SIGN_IN)
        assert "; secure" in cookie_header(form, "ehoks_csrf")

        response = sign_in_officer(client, officer)

        session_cookie = cookie_header(response, "ehoks_session")
        assert "; secure" in session_cookie
        assert "httponly" in session_cookie
        assert "samesite=lax" in session_cookie
        assert response.headers["strict-transport-security"].startswith("max-age=")
        lang = client.get("/?lang=sv")
        assert "; secure" in cookie_header(lang, "lang")


@pytest.mark.parametrize("path", [SIGN_IN, "/", STUDENT_SIGN_IN, "/ei-ole-olemassa"])
def test_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)

    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers  # only over https


# --- students: the test identification -----------------------------------------------------------


def test_a_student_signs_in_on_the_test_identification_page(
    client: TestClient, session: Session
) -> None:
    student = world.add_student(session, etunimet="Maija Liisa", sukunimi="Meikäläinen")
    page = client.get(STUDENT_SIGN_IN)
    assert page.status_code == 200
    assert FI.gettext("This is not Suomi.fi identification.") in page.text
    assert student.oid in page.text

    response = sign_in_student(client, student.oid)

    assert response.status_code == 303
    assert response.headers["location"] == STUDENT_HOME
    home = client.get(STUDENT_HOME)
    assert home.status_code == 200
    assert "Maija Meikäläinen" in home.text
    row = session_row(session)
    assert (row.kind, row.oid) == ("OPPIJA", student.oid)
    # A student is no officer.
    assert client.get(HOME, follow_redirects=False).status_code == 403


def test_an_unknown_person_cannot_be_picked(client: TestClient, session: Session) -> None:
    world.add_student(session)

    response = sign_in_student(client, world.new_oid("24"))

    assert response.status_code == 400
    assert db_value(session, select(WebSession.id)) is None


@pytest.fixture
def production(settings: Settings) -> Iterator[TestClient]:
    with client_for(
        settings,
        environment=Environment.PRODUCTION,
        secret_key="a-real-secret-for-the-production-test-0123456789",
        cas_oppija_url=None,
    ) as client:
        yield client


def test_production_settings_switch_the_test_identification_off(
    production: TestClient, session: Session
) -> None:
    student = world.add_student(session)

    page = production.get(STUDENT_SIGN_IN)
    posted = production.post(STUDENT_SIGN_IN, data={"oid": student.oid})

    assert page.status_code == 404
    assert posted.status_code == 404
    assert FI.gettext("Test identification") not in page.text
    assert db_value(session, select(WebSession.id)) is None


def test_production_settings_need_a_real_secret(settings: Settings) -> None:
    with pytest.raises(ValueError, match="EHOKS_SECRET_KEY"):
        Settings(**{**settings.model_dump(), "environment": Environment.PRODUCTION})


# --- language ------------------------------------------------------------------------------------


def test_the_chosen_language_is_kept_across_pages_and_sign_in(
    client: TestClient, officer: str
) -> None:
    chosen = client.get("/?lang=sv")
    assert '<html lang="sv">' in chosen.text
    assert client.cookies["lang"] == "sv"

    form = client.get(SIGN_IN)
    assert '<html lang="sv">' in form.text
    sign_in_officer(client, officer)
    home = client.get(HOME)
    assert '<html lang="sv">' in home.text

    client.get(f"{HOME}?lang=en")
    assert '<html lang="en">' in client.get(SIGN_IN.replace("kirjaudu", "")).text
