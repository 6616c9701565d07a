"""Sign-in through CAS, over HTTP: officers through an external CAS (cas-virkailija) and students
through CAS-oppija, both run by the test on loopback; single logout; the session JSON routes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.cas import CasUser
from ehoks.access.cas_oppija import CasOppijaUser, session_index_of_logout_request
from ehoks.access.storage import AuditEvent, WebSession
from ehoks.app import create_app
from ehoks.db.types import utcnow
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support import world
from tests.support.cas import service_ticket
from tests.support.fake_cas import FakeCas, logout_request_xml
from tests.support.web import (
    PASSWORD,
    csrf_token,
    db_rows,
    db_value,
    make_officer,
    sign_in_student,
)

OFFICER_SESSION = "/ehoks-virkailija-backend/api/v1/virkailija/session"
OFFICER_CALLBACK = f"{OFFICER_SESSION}/opintopolku"
CAS_SECURITY_CHECK = "/ehoks-virkailija-backend/cas-security-check"
STUDENT_SESSION = "/ehoks-oppija-backend/api/v1/oppija/session"
STUDENT_CALLBACK = f"{STUDENT_SESSION}/opintopolku/"
OFFICER_HOME = "/ehoks-virkailija-ui/"
OFFICER_SIGN_IN = "/ehoks-virkailija-ui/kirjaudu"
STUDENT_HOME = "/ehoks/"

OFFICER = CasUser(
    "virkailija-a",
    world.new_oid("24"),
    "VIRKAILIJA",
    (
        "APP_EHOKS",
        "APP_EHOKS_CRUD",
        f"ROLE_APP_EHOKS_CRUD_{world.KOULUTUSTOIMIJA_A}",
        f"ROLE_APP_EHOKS_HOKS_DELETE_{world.OPPILAITOS_A1}",
        "ROLE_APP_KOODISTO_READ",
        f"ROLE_APP_EHOKS_TIEDONSIIRTO_{world.KOULUTUSTOIMIJA_B}",
    ),
)
OPH_ADMIN = CasUser(
    "oph-paakayttaja",
    world.new_oid("24"),
    "VIRKAILIJA",
    (f"ROLE_APP_EHOKS_OPHPAAKAYTTAJA_{OPH_ROOT_OID}",),
)
SERVICE_USER = CasUser(
    "primus", world.new_oid("24"), "PALVELU", (f"ROLE_APP_EHOKS_CRUD_{world.KOULUTUSTOIMIJA_A}",)
)
STUDENT = CasOppijaUser(
    username="suomi.fi,010170-999R",
    person_oid=world.new_oid("24"),
    first_names="Tero Testi",
    given_name="Tero",
    surname="Äyrämö",
    display_name="Tero Äyrämö",
)
MANDATE = CasOppijaUser(
    username="suomi.fi,010170-999R",
    person_oid=world.new_oid("24"),
    first_names="Tero Testi",
    given_name="Tero",
    surname="Äyrämö",
    display_name="Tero Äyrämö",
    impersonator_person_oid=world.new_oid("24"),
    impersonator_national_id="010170-998R",
    impersonator_display_name="Faija Roger Äyrämö",
)
MANDATE_FI = (
    "Olet kirjautunut käyttäen valtuuksia. Voit käyttää eHOKSia kirjauduttuasi ulos, ja sen "
    "jälkeen takaisin sisään ilman valtuuksia."
)


@pytest.fixture
def external_settings(settings: Settings, fake_cas: FakeCas) -> Settings:
    return Settings(
        **{**settings.model_dump(), "cas_url": fake_cas.url, "cas_oppija_url": fake_cas.oppija_url}
    )


@pytest.fixture
def external(external_settings: Settings, session: Session) -> Iterator[TestClient]:
    with TestClient(create_app(external_settings)) as client:
        yield client


def follow_cas_login(client: TestClient, fake_cas: FakeCas, start: str) -> httpx.Response:
    """Open ``start`` (a sign-in page), let the fake CAS sign the browser in and return it to
    eHOKS with a ticket; the answer of eHOKS's ticket route."""
    to_cas = client.get(start, follow_redirects=False)
    assert to_cas.status_code == 303, to_cas.text
    assert to_cas.headers["location"].startswith(fake_cas.url.removesuffix("/cas"))
    back = httpx.get(to_cas.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    callback: httpx.Response = client.get(back.headers["location"], follow_redirects=False)
    return callback


def ticket_of(session: Session, oid: str) -> str | None:
    return db_value(session, select(WebSession.cas_ticket).where(WebSession.oid == oid))


# --- officers ------------------------------------------------------------------------------------


def test_the_sign_in_page_sends_officers_to_cas(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings
) -> None:
    response = external.get(OFFICER_SIGN_IN, follow_redirects=False)

    assert response.status_code == 303
    service = "http://testserver/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku"
    assert external_settings.officer_cas_service_url == service
    assert response.headers["location"] == f"{fake_cas.url}/login?{urlencode({'service': service})}"


def test_an_officer_signs_in_through_cas_with_the_roles_cas_gives(
    external: TestClient, fake_cas: FakeCas, session: Session, external_settings: Settings
) -> None:
    fake_cas.signed_in = OFFICER

    callback = follow_cas_login(external, fake_cas, OFFICER_SIGN_IN)

    assert callback.status_code == 303, callback.text
    assert callback.headers["location"] == OFFICER_HOME
    validations = [query for path, query in fake_cas.requests if path == "/cas/p3/serviceValidate"]
    assert [query["service"] for query in validations] == [
        [external_settings.officer_cas_service_url]
    ]
    home = external.get(OFFICER_HOME)
    assert home.status_code == 200
    assert "virkailija-a" in home.text
    # Each role by its name; the organisations are not in the register here, so their OIDs
    # stand for their names.
    assert (
        f"<strong>Tallentaja</strong>, {world.KOULUTUSTOIMIJA_A} "
        f'<span class="oid">{world.KOULUTUSTOIMIJA_A}</span>'
    ) in home.text
    assert (
        f"<strong>HOKSien poisto-oikeus</strong>, {world.OPPILAITOS_A1} "
        f'<span class="oid">{world.OPPILAITOS_A1}</span>'
    ) in home.text
    # Roles of other services, and eHOKS roles that give no privilege, are not listed.
    assert world.KOULUTUSTOIMIJA_B not in home.text
    row = db_value(session, select(WebSession).where(WebSession.oid == OFFICER.oid))
    assert row is not None
    assert row.kind == "VIRKAILIJA"
    assert row.user_id is None
    assert row.cas_roles == list(OFFICER.roles)
    assert row.cas_ticket is not None and row.cas_ticket.startswith("ST-")
    events = db_rows(session, select(AuditEvent).where(AuditEvent.operation == "sign-in"))
    assert [(e.actor_oid, e.actor_kind, e.status) for e in events] == [
        (OFFICER.oid, "VIRKAILIJA", "succeeded")
    ]


@pytest.mark.parametrize("route", [OFFICER_CALLBACK, CAS_SECURITY_CHECK])
def test_both_ticket_routes_validate_for_the_session_service(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, route: str
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)

    response = external.get(route, params={"ticket": ticket}, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == OFFICER_HOME
    assert external.get(OFFICER_HOME).status_code == 200


def test_the_page_asked_for_is_shown_after_cas_sign_in(
    external: TestClient, fake_cas: FakeCas
) -> None:
    fake_cas.signed_in = OFFICER
    asked = external.get("/ehoks-virkailija-ui/?lang=sv", follow_redirects=False)
    assert asked.status_code == 303
    sign_in = asked.headers["location"]
    assert sign_in.startswith(OFFICER_SIGN_IN + "?next=")

    callback = follow_cas_login(external, fake_cas, sign_in)

    assert callback.headers["location"] == "/ehoks-virkailija-ui/?lang=sv"
    # Used once: the next sign-in goes to the home page.
    external.cookies.delete("ehoks_session")
    assert follow_cas_login(external, fake_cas, OFFICER_SIGN_IN).headers["location"] == OFFICER_HOME


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "/ehoks/"]
)
def test_cas_sign_in_returns_only_to_officer_pages(
    external: TestClient, fake_cas: FakeCas, next_url: str
) -> None:
    fake_cas.signed_in = OFFICER

    callback = follow_cas_login(
        external, fake_cas, f"{OFFICER_SIGN_IN}?{urlencode({'next': next_url})}"
    )

    assert callback.headers["location"] == OFFICER_HOME


def test_an_invalid_or_used_ticket_is_refused(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    service = external_settings.officer_cas_service_url
    used = fake_cas.issue(OFFICER, service)
    assert external.get(OFFICER_CALLBACK, params={"ticket": used}).status_code == 200
    external.cookies.clear()
    other_service = fake_cas.issue(OFFICER, "https://elsewhere.example/")

    for ticket in ("ST-1-made-up", used, other_service, "", "ST-" + "x" * 300):
        response = external.get(OFFICER_CALLBACK, params={"ticket": ticket}, follow_redirects=False)
        assert response.status_code == 401, ticket
        assert response.json() == {"error": "Invalid ticket"}
        assert "ehoks_session" not in response.cookies
    failures = db_rows(
        session,
        select(AuditEvent).where(AuditEvent.operation == "sign-in", AuditEvent.status == "failed"),
    )
    assert len(failures) == 5


def test_a_service_user_cannot_start_a_page_session(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue(SERVICE_USER, external_settings.officer_cas_service_url)

    response = external.get(OFFICER_CALLBACK, params={"ticket": ticket}, follow_redirects=False)

    assert response.status_code == 403
    assert response.json() == {"error": "User type 'PALVELU' is not allowed"}
    assert db_value(session, select(WebSession.id)) is None


def test_an_unreachable_cas_is_not_a_sign_in(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    fake_cas.status = 503

    response = external.get(OFFICER_CALLBACK, params={"ticket": ticket}, follow_redirects=False)

    assert response.status_code == 401
    assert response.json() == {"reason": "Unable to check access rights"}


def test_single_logout_ends_exactly_the_session_of_the_ticket(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    service = external_settings.officer_cas_service_url
    other = TestClient(external.app)  # another browser (no "with": the app is already running)
    for client, user in ((external, OFFICER), (other, OPH_ADMIN)):
        issued = fake_cas.issue(user, service)
        assert client.get(OFFICER_CALLBACK, params={"ticket": issued}).status_code == 200
    ticket = ticket_of(session, OFFICER.oid)
    assert ticket is not None

    response = external.post(OFFICER_CALLBACK, data={"logoutRequest": logout_request_xml(ticket)})

    assert response.status_code == 200
    assert external.get(OFFICER_HOME, follow_redirects=False).status_code == 303
    assert other.get(OFFICER_HOME).status_code == 200
    assert ticket_of(session, OFFICER.oid) is None
    assert ticket_of(session, OPH_ADMIN.oid) is not None
    events = db_rows(session, select(AuditEvent).where(AuditEvent.operation == "single-logout"))
    assert [event.actor_oid for event in events] == [OFFICER.oid]


def test_single_logout_through_cas_security_check(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    assert external.get(CAS_SECURITY_CHECK, params={"ticket": ticket}).status_code == 200

    response = external.post(CAS_SECURITY_CHECK, data={"logoutRequest": logout_request_xml(ticket)})

    assert response.status_code == 200
    assert db_value(session, select(WebSession.id)) is None
    # Again (CAS may retry): nothing left to end, still fine.
    again = external.post(CAS_SECURITY_CHECK, data={"logoutRequest": logout_request_xml(ticket)})
    assert again.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not xml",
        "<LogoutRequest><SessionIndex>ST-1</SessionIndex></LogoutRequest>",
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>',
        # A DTD (entity expansion) is refused before any parsing.
        '<?xml version="1.0"?><!DOCTYPE lr [<!ENTITY t "{ticket}">]>'
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">'
        "<samlp:SessionIndex>&t;</samlp:SessionIndex></samlp:LogoutRequest>",
    ],
)
def test_a_malformed_logout_request_ends_nothing(
    external: TestClient,
    fake_cas: FakeCas,
    external_settings: Settings,
    session: Session,
    body: str,
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    assert external.get(OFFICER_CALLBACK, params={"ticket": ticket}).status_code == 200

    response = external.post(
        OFFICER_CALLBACK, data={"logoutRequest": body.replace("{ticket}", ticket)}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "Invalid logoutRequest"}
    assert external.get(OFFICER_HOME).status_code == 200


def test_the_session_index_is_read_from_a_cas_logout_request() -> None:
    assert session_index_of_logout_request(logout_request_xml("ST-7-abc-cas.example")) == (
        "ST-7-abc-cas.example"
    )
    assert session_index_of_logout_request("<a>" * 20_000) is None


def test_signing_out_also_ends_the_cas_session(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    external.get(OFFICER_CALLBACK, params={"ticket": ticket})
    home = external.get(OFFICER_HOME)

    response = external.post(
        "/ehoks-virkailija-ui/kirjaudu-ulos",
        data={"csrf_token": csrf_token(home)},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == (
        f"{fake_cas.url}/logout?{urlencode({'service': 'http://testserver/'})}"
    )
    assert db_value(session, select(WebSession.id)) is None
    front = external.get("/")
    assert "Olet kirjautunut ulos." in front.text


# --- the officer session JSON (V-S1, V-S2) -------------------------------------------------------


def test_the_session_json_needs_a_session(external: TestClient) -> None:
    response = external.get(OFFICER_SESSION)

    assert response.status_code == 401
    assert response.json() == {"info": "User is not authorized"}
    assert external.delete(OFFICER_SESSION).status_code == 401


def test_the_session_json_of_a_cas_officer(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    external.get(OFFICER_CALLBACK, params={"ticket": ticket})

    response = external.get(OFFICER_SESSION)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "oidHenkilo": OFFICER.oid,
            "organisation-privileges": [
                {
                    "oid": world.KOULUTUSTOIMIJA_A,
                    "privileges": ["delete", "read", "update", "write"],
                    "roles": [],
                    "child-organisations": [],
                },
                {
                    "oid": world.OPPILAITOS_A1,
                    "privileges": ["hoks_delete"],
                    "roles": [],
                    "child-organisations": [],
                },
                {
                    "oid": world.KOULUTUSTOIMIJA_B,
                    "privileges": [],
                    "roles": [],
                    "child-organisations": [],
                },
            ],
            "isSuperuser": False,
        }
    }


def test_the_session_json_lists_child_organisations(
    client: TestClient, session: Session, settings: Settings
) -> None:
    # The built-in CAS: tickets for the session service come from its REST protocol.
    world.add_organisations(session)
    student = world.add_student(session)
    api = world.service_api(client, session, "primus", [("CRUD", world.KOULUTUSTOIMIJA_A)])
    created = api.post(
        "/hoks",
        {
            "oppija-oid": student.oid,
            "opiskeluoikeus-oid": student.oo,
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-hankkimisen-tarve": True,
        },
    )
    assert created.status_code == 200, created.text
    make_officer(
        session,
        "paakayttaja",
        [("OPHPAAKAYTTAJA", OPH_ROOT_OID), ("READ", world.KOULUTUSTOIMIJA_A)],
    )
    ticket = service_ticket(client, "paakayttaja", PASSWORD, settings.officer_cas_service_url)

    assert client.get(OFFICER_CALLBACK, params={"ticket": ticket}).status_code == 200
    data = client.get(OFFICER_SESSION).json()["data"]

    assert data["isSuperuser"] is True
    assert data["organisation-privileges"] == [
        {
            "oid": OPH_ROOT_OID,
            "privileges": ["delete", "read", "update", "write"],
            "roles": ["oph-super-user"],
            "child-organisations": [world.OPPILAITOS_A1],
        },
        {
            "oid": world.KOULUTUSTOIMIJA_A,
            "privileges": ["read"],
            "roles": [],
            "child-organisations": [world.OPPILAITOS_A1],
        },
    ]


def test_deleting_the_session_needs_its_csrf_token(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    external.get(OFFICER_CALLBACK, params={"ticket": ticket})
    token = external.get(OFFICER_SESSION).headers["x-csrf-token"]

    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        refused = external.delete(OFFICER_SESSION, headers=headers)
        assert refused.status_code == 403
        assert refused.json() == {"error": "Invalid CSRF token"}
        assert external.get(OFFICER_SESSION).status_code == 200

    response = external.delete(OFFICER_SESSION, headers={"X-CSRF-Token": token})

    assert response.status_code == 200
    assert db_value(session, select(WebSession.id)) is None
    assert external.get(OFFICER_SESSION).status_code == 401


def test_an_expired_session_is_not_authorized(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue(OFFICER, external_settings.officer_cas_service_url)
    external.get(OFFICER_CALLBACK, params={"ticket": ticket})
    row = db_value(session, select(WebSession))
    assert row is not None
    row.last_seen_at = utcnow() - timedelta(minutes=external_settings.session_idle_minutes + 1)
    session.commit()

    response = external.get(OFFICER_SESSION)

    assert response.status_code == 401
    assert 'ehoks_session=""' in response.headers["set-cookie"]


# --- students through CAS-oppija -----------------------------------------------------------------


def test_the_sign_in_page_sends_students_to_cas_oppija(
    external: TestClient, fake_cas: FakeCas
) -> None:
    response = external.get("/ehoks/kirjaudu", follow_redirects=False)

    assert response.status_code == 303
    service = "http://testserver/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"
    assert response.headers["location"] == (
        f"{fake_cas.oppija_url}/login?{urlencode({'service': service})}"
    )
    # No test identification beside Suomi.fi.
    assert external.post("/ehoks/kirjaudu", data={"oid": STUDENT.person_oid}).status_code == 404


def test_a_student_signs_in_through_cas_oppija(
    external: TestClient, fake_cas: FakeCas, session: Session, external_settings: Settings
) -> None:
    fake_cas.oppija_signed_in = STUDENT

    callback = follow_cas_login(external, fake_cas, "/ehoks/kirjaudu")

    assert callback.status_code == 303, callback.text
    assert callback.headers["location"] == STUDENT_HOME
    validations = [
        query for path, query in fake_cas.requests if path == "/cas-oppija/serviceValidate"
    ]
    assert [query["service"] for query in validations] == [
        [external_settings.student_cas_service_url]
    ]
    home = external.get(STUDENT_HOME)
    assert home.status_code == 200
    assert "Tero Äyrämö" in home.text
    response = external.get(STUDENT_SESSION)
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {
                "oid": STUDENT.person_oid,
                "first-name": "Tero Testi",
                "common-name": "Tero",
                "surname": "Äyrämö",
                "usingValtuudet": False,
            }
        ]
    }
    row = db_value(session, select(WebSession))
    assert row is not None
    assert (row.kind, row.oid) == ("OPPIJA", STUDENT.person_oid)
    # A student's session is no officer's.
    assert external.get(OFFICER_SESSION).status_code == 401
    assert external.get(OFFICER_HOME, follow_redirects=False).status_code == 403


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", MANDATE_FI),
        (
            "sv",
            "Du har loggat in med fullmakt. Du kan använda eHOKS när du har loggat ut och sedan "
            "loggat in igen utan fullmakt.",
        ),
        (
            "en",
            "You have signed in using a mandate. You can use eHOKS after you sign out and then "
            "sign in again without a mandate.",
        ),
    ],
)
def test_a_mandate_login_is_refused_with_the_original_message(
    external: TestClient,
    fake_cas: FakeCas,
    external_settings: Settings,
    session: Session,
    lang: str,
    text: str,
) -> None:
    external.cookies.set("lang", lang)
    ticket = fake_cas.issue_oppija(MANDATE, external_settings.student_cas_service_url)

    response = external.get(STUDENT_CALLBACK, params={"ticket": ticket}, follow_redirects=False)

    assert response.status_code == 403
    assert text in response.text
    assert f'<html lang="{lang}">' in response.text
    logout = f"{fake_cas.oppija_url}/logout?{urlencode({'service': 'http://testserver/'})}"
    assert f'href="{logout.replace("&", "&amp;")}"' in response.text
    assert "ehoks_session" not in response.cookies
    assert db_value(session, select(WebSession.id)) is None
    assert external.get(STUDENT_HOME, follow_redirects=False).status_code == 303
    refusal = db_value(session, select(AuditEvent).where(AuditEvent.operation == "sign-in"))
    assert refusal is not None
    assert (refusal.status, refusal.actor_oid, refusal.oppija_oid) == (
        "failed",
        MANDATE.impersonator_person_oid,
        MANDATE.person_oid,
    )


def test_a_mandate_is_recognised_by_the_impersonator_name_alone(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    person = CasOppijaUser(
        username="suomi.fi,010170-999R",
        person_oid=STUDENT.person_oid,
        first_names="Tero",
        given_name="Tero",
        surname="Äyrämö",
        display_name="Tero Äyrämö",
        impersonator_display_name="Faija Roger Äyrämö",
    )
    ticket = fake_cas.issue_oppija(person, external_settings.student_cas_service_url)

    response = external.get(STUDENT_CALLBACK, params={"ticket": ticket})

    assert response.status_code == 403
    assert MANDATE_FI in response.text
    assert db_value(session, select(WebSession.id)) is None


def test_a_person_without_a_student_number_gets_no_session(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    person = CasOppijaUser(
        username="suomi.fi,010170-999R",
        person_oid="",
        first_names="Uusi",
        given_name="Uusi",
        surname="Henkilö",
        display_name="Uusi Henkilö",
    )
    ticket = fake_cas.issue_oppija(person, external_settings.student_cas_service_url)

    response = external.get(STUDENT_CALLBACK, params={"ticket": ticket})

    assert response.status_code == 403
    assert "sinulle ei löytynyt oppijanumeroa" in response.text
    assert db_value(session, select(WebSession.id)) is None


def test_an_invalid_cas_oppija_ticket_is_refused(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings
) -> None:
    for_officers = fake_cas.issue(OFFICER, external_settings.student_cas_service_url)
    for ticket in ("ST-1-made-up", for_officers, ""):
        response = external.get(STUDENT_CALLBACK, params={"ticket": ticket})
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid ticket"}


@pytest.mark.parametrize(
    "body",
    [
        "<html>Service unavailable</html>",
        '<!DOCTYPE x [<!ENTITY a "b">]><cas:serviceResponse '
        'xmlns:cas="http://www.yale.edu/tp/cas">&a;</cas:serviceResponse>',
    ],
)
def test_a_cas_oppija_answer_that_is_no_cas_response_is_no_sign_in(
    external: TestClient, fake_cas: FakeCas, session: Session, body: str
) -> None:
    fake_cas.oppija_body = body

    response = external.get(STUDENT_CALLBACK, params={"ticket": "ST-1-abc"})

    assert response.status_code == 401
    assert response.json() == {"reason": "Unable to check access rights"}
    assert db_value(session, select(WebSession.id)) is None


def test_cas_oppija_single_logout(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue_oppija(STUDENT, external_settings.student_cas_service_url)
    assert external.get(STUDENT_CALLBACK, params={"ticket": ticket}).status_code == 200

    response = external.post(STUDENT_CALLBACK, data={"logoutRequest": logout_request_xml(ticket)})

    assert response.status_code == 200
    assert external.get(STUDENT_HOME, follow_redirects=False).status_code == 303
    unknown = external.post(STUDENT_CALLBACK, data={"logoutRequest": logout_request_xml(ticket)})
    assert unknown.status_code == 404
    malformed = external.post(STUDENT_CALLBACK, data={"logoutRequest": "<x/>"})
    assert malformed.status_code == 400


def test_a_student_signing_out_leaves_cas_oppija_too(
    external: TestClient, fake_cas: FakeCas, external_settings: Settings, session: Session
) -> None:
    ticket = fake_cas.issue_oppija(STUDENT, external_settings.student_cas_service_url)
    external.get(STUDENT_CALLBACK, params={"ticket": ticket})
    home = external.get(STUDENT_HOME)

    response = external.post(
        "/ehoks/kirjaudu-ulos", data={"csrf_token": csrf_token(home)}, follow_redirects=False
    )

    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == f"{fake_cas.oppija_url}/logout"
    )
    assert parse_qs(location.query) == {"service": ["http://testserver/"]}
    assert db_value(session, select(WebSession.id)) is None


def test_the_student_session_json(client: TestClient, session: Session) -> None:
    # Sessions of the test identification answer the same way.
    student = world.add_student(session, etunimet="Maija Liisa", sukunimi="Meikäläinen")
    assert client.get(STUDENT_SESSION).status_code == 401
    sign_in_student(client, student.oid)

    response = client.get(STUDENT_SESSION)

    assert response.json()["data"] == [
        {
            "oid": student.oid,
            "first-name": "Maija Liisa",
            "common-name": "Maija",
            "surname": "Meikäläinen",
            "usingValtuudet": False,
        }
    ]
    token = response.headers["x-csrf-token"]
    assert client.delete(STUDENT_SESSION).status_code == 403
    assert client.delete(STUDENT_SESSION, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get(STUDENT_SESSION).status_code == 401
    assert client.get(STUDENT_CALLBACK, params={"ticket": "ST-1"}).status_code == 404
