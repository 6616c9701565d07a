"""Role administration pages: a pääkäyttäjä and OPH manage roles and service users through the
real forms (sign-in, CSRF tokens, POST-redirect-GET), and the roles really work or vanish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.cas import CasUser
from ehoks.access.roles import cas_role_string
from ehoks.access.storage import AuditEvent, User
from ehoks.app import create_app
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support.cas import make_service_user, service_ticket
from tests.support.fake_cas import FakeCas
from tests.support.web import csrf_token, make_officer, post_form, sign_in_officer
from tests.support.world import (
    KOULUTUSTOIMIJA_A,
    KOULUTUSTOIMIJA_B,
    OPPILAITOS_A1,
    OPPILAITOS_A2,
    OPPILAITOS_B1,
    TOIMIPISTE_A1,
    add_organisations,
    new_oid,
)

USERS = "/ehoks-virkailija-ui/kayttajat"
GRANT = f"{USERS}/myonna"
REVOKE = f"{USERS}/peru"
NEW_OFFICER = f"{USERS}/uusi-virkailija"
SERVICE_USERS = f"{USERS}/palvelukayttajat"
HOME = "/ehoks-virkailija-ui/"
NO_ROLES_FI = "Sinulla ei vielä ole rooleja eHOKSissa."
SERVICE_PASSWORD = "Palvelu-salasana-1!"
_PASSWORD = re.compile(r'<code id="new-password">([^<]+)</code>')


@pytest.fixture
def world(session: Session) -> Session:
    """The organisations, a pääkäyttäjä of koulutustoimija A (``paula``), an OPH administrator
    (``olli``), a recorder of A (``tapio``) and officers in both trees."""
    add_organisations(session)
    make_officer(
        session, "paula", [("PAAKAYTTAJA", KOULUTUSTOIMIJA_A), ("CRUD", KOULUTUSTOIMIJA_A)]
    )
    make_officer(session, "olli", [("OPHPAAKAYTTAJA", OPH_ROOT_OID)])
    make_officer(session, "tapio", [("CRUD", KOULUTUSTOIMIJA_A)])
    make_officer(session, "kaisa", [])
    make_officer(session, "aino", [("READ", OPPILAITOS_A1)], display_name="Aino A1")
    make_officer(session, "bertta", [("CRUD", OPPILAITOS_B1)], display_name="Bertta B1")
    return session


@pytest.fixture
def paula(client: TestClient, world: Session) -> TestClient:
    assert sign_in_officer(client, "paula").status_code == 303
    return client


def another_browser(client: TestClient) -> TestClient:
    """A second browser (own cookies) on the same app."""
    return TestClient(client.app)


# The helpers below read in a transaction of their own: on SQLite an open transaction of the
# test would hold the write lock the app under test needs.


def roles_of(session: Session, username: str) -> set[tuple[str, str]]:
    session.expire_all()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    roles = {(role.name, role.organisation_oid) for role in user.roles}
    session.commit()
    return roles


def user_exists(session: Session, username: str) -> bool:
    found = session.scalar(select(User.id).where(User.username == username)) is not None
    session.commit()
    return found


def events(session: Session, operation: str) -> list[AuditEvent]:
    session.expire_all()
    found = list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.operation == operation).order_by(AuditEvent.id)
        )
    )
    session.commit()
    return found


def shown_password(page: httpx.Response) -> str:
    match = _PASSWORD.search(page.text)
    assert match, "no new password on the page"
    return match.group(1)


def grant(client: TestClient, **data: str) -> httpx.Response:
    return post_form(client, USERS, GRANT, data)


def revoke(client: TestClient, username: str, role: str, organisation: str) -> httpx.Response:
    return post_form(
        client, USERS, REVOKE, {"username": username, "role": role, "organisation": organisation}
    )


# --- the users page ----------------------------------------------------------------------------


def test_the_page_lists_the_users_of_the_tree_only(paula: TestClient) -> None:
    page = paula.get(USERS)

    assert page.status_code == 200
    assert "<h1>Käyttäjät ja roolit</h1>" in page.text
    assert "Aino A1" in page.text
    assert "Bertta B1" not in page.text
    assert "kaisa" not in page.text  # no role in the tree
    # The organisations of the tree to choose from, the provider roles to give.
    options = re.findall(r'<option value="([^"]*)"', page.text)
    assert options == ["", KOULUTUSTOIMIJA_A, OPPILAITOS_A1, TOIMIPISTE_A1, OPPILAITOS_A2]
    assert "Ammattiopisto A1</option>" in page.text
    assert re.findall(r'type="radio" [^>]*value="([A-Z_]+)"', page.text) == [
        "READ",
        "CRUD",
        "HOKS_DELETE",
    ]
    # Aino's role can be revoked; paula's own pääkäyttäjä role cannot.
    assert 'aria-label="Poista: Katselija, Ammattiopisto A1, aino"' in page.text
    assert page.text.count('name="role" value="PAAKAYTTAJA"') == 0


def test_the_form_is_accessible(paula: TestClient) -> None:
    page = paula.get(USERS).text

    assert '<label for="username">' in page
    assert '<label for="organisation">' in page
    assert '<label for="organisation-oid">' in page
    assert "<legend>Rooli</legend>" in page
    assert "<legend>Organisaatio</legend>" in page
    assert 'aria-describedby="role-hint"' in page
    assert not re.search(r'tabindex="[1-9]', page)
    assert "<script" not in page


def test_granting_a_role_makes_it_work(paula: TestClient, world: Session) -> None:
    kaisa = another_browser(paula)
    sign_in_officer(kaisa, "kaisa")
    assert NO_ROLES_FI in kaisa.get(HOME).text

    response = grant(paula, username="kaisa", role="CRUD", organisation=OPPILAITOS_A1)

    assert response.status_code == 303
    assert response.headers["location"] == USERS
    after = paula.get(USERS)
    assert "Rooli myönnettiin." in after.text
    assert "Rooli myönnettiin." not in paula.get(USERS).text  # a flash shows once
    assert roles_of(world, "kaisa") == {("CRUD", OPPILAITOS_A1)}
    home = kaisa.get(HOME).text
    assert NO_ROLES_FI not in home
    assert (
        f'<strong>Tallentaja</strong>, Ammattiopisto A1 <span class="oid">{OPPILAITOS_A1}' in home
    )
    [event] = events(world, "grant-role")
    assert event.actor_name == "paula"
    assert event.target["role"] == "CRUD" and event.target["username"] == "kaisa"


def test_a_typed_organisation_oid_wins_over_the_list(paula: TestClient, world: Session) -> None:
    response = grant(
        paula,
        username="kaisa",
        role="READ",
        organisation=OPPILAITOS_A1,
        organisation_oid=f" {TOIMIPISTE_A1} ",
    )

    assert response.status_code == 303
    assert roles_of(world, "kaisa") == {("READ", TOIMIPISTE_A1)}


def test_revoking_a_role_removes_it_at_once(paula: TestClient, world: Session) -> None:
    aino = another_browser(paula)
    sign_in_officer(aino, "aino")
    assert NO_ROLES_FI not in aino.get(HOME).text

    response = revoke(paula, "aino", "READ", OPPILAITOS_A1)

    assert response.status_code == 303
    assert "Rooli poistettiin." in paula.get(USERS).text
    assert roles_of(world, "aino") == set()
    assert NO_ROLES_FI in aino.get(HOME).text  # the same session, the next page
    [event] = events(world, "revoke-role")
    assert event.changes == [{"path": "roles", "oldValue": f"READ:{OPPILAITOS_A1}"}]


def test_missing_fields_are_listed_and_linked(paula: TestClient, world: Session) -> None:
    response = grant(paula, username=" ", role="", organisation="")

    assert response.status_code == 400
    page = response.text
    assert '<div class="error-summary" role="alert"' in page
    assert '<a href="#username">Anna käyttäjätunnus.</a>' in page
    assert '<a href="#role">Valitse rooli.</a>' in page
    assert '<a href="#organisation">Valitse organisaatio tai anna sen OID.</a>' in page
    assert 'aria-describedby="username-hint username-error" aria-invalid="true"' in page
    assert '<fieldset aria-describedby="role-error">' in page
    assert '<p class="field-error" id="organisation-error">' in page
    assert "<title>Virhe: Käyttäjät ja roolit – eHOKS</title>" in page
    assert events(world, "grant-role") == []


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (
            {"username": "nobody", "role": "READ", "organisation": OPPILAITOS_A1},
            400,
            "Tällä käyttäjätunnuksella ei ole käyttäjää.",
        ),
        (
            {"username": "aino", "role": "READ", "organisation": OPPILAITOS_A1},
            400,
            "Käyttäjällä on jo tämä rooli tässä organisaatiossa.",
        ),
        (
            {"username": "kaisa", "role": "READ", "organisation_oid": "1.2.3"},
            400,
            "Anna organisaation OID muodossa 1.2.246.562.10.12345678901.",
        ),
        (
            {"username": "kaisa", "role": "READ", "organisation_oid": new_oid("10")},
            400,
            "Organisaatiota ei löytynyt organisaatiopalvelusta.",
        ),
        (
            {"username": "kaisa", "role": "READ", "organisation_oid": OPPILAITOS_B1},
            403,
            "Voit hallinnoida rooleja vain niissä organisaatioissa, joiden pääkäyttäjä olet.",
        ),
        (
            {"username": "kaisa", "role": "PAAKAYTTAJA", "organisation": OPPILAITOS_A1},
            403,
            "Sinulla ei ole oikeutta myöntää tätä roolia.",
        ),
    ],
)
def test_a_refused_grant_says_why_next_to_the_field(
    paula: TestClient, world: Session, data: dict[str, str], status: int, message: str
) -> None:
    before = {name: roles_of(world, name) for name in ("aino", "kaisa")}

    response = grant(paula, **data)

    assert response.status_code == status
    assert message in response.text
    assert 'role="alert"' in response.text
    assert f'value="{data["username"]}"' in response.text  # the form keeps what was entered
    assert {name: roles_of(world, name) for name in ("aino", "kaisa")} == before
    failed = [event for event in events(world, "grant-role") if event.status == "failed"]
    assert len(failed) == (1 if status == 403 else 0)


def test_a_revocation_outside_the_tree_is_forbidden(paula: TestClient, world: Session) -> None:
    response = revoke(paula, "bertta", "CRUD", OPPILAITOS_B1)

    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.text  # the error page, still signed in
    assert "Kirjaudu ulos" in response.text
    assert roles_of(world, "bertta") == {("CRUD", OPPILAITOS_B1)}
    [event] = events(world, "revoke-role")
    assert event.status == "failed"


def test_a_pääkäyttäjä_cannot_revoke_a_pääkäyttäjä(paula: TestClient, world: Session) -> None:
    response = revoke(paula, "paula", "PAAKAYTTAJA", KOULUTUSTOIMIJA_A)

    assert response.status_code == 403
    assert ("PAAKAYTTAJA", KOULUTUSTOIMIJA_A) in roles_of(world, "paula")


def test_revoking_a_role_no_longer_held_is_a_message(paula: TestClient, world: Session) -> None:
    response = revoke(paula, "aino", "CRUD", OPPILAITOS_A1)

    assert response.status_code == 303
    page = paula.get(USERS).text
    assert '<div class="flash flash-error" role="status">' in page
    assert "Roolia ei voitu poistaa: käyttäjällä ei ole sitä." in page


def test_oph_appoints_a_pääkäyttäjä_who_can_then_administer(
    client: TestClient, world: Session
) -> None:
    sign_in_officer(client, "olli")
    page = client.get(USERS).text
    assert "Bertta B1" in page and "kaisa" in page  # OPH sees every user
    assert 'type="radio" id="role-PAAKAYTTAJA"' in page

    response = grant(client, username="bertta", role="PAAKAYTTAJA", organisation=OPPILAITOS_B1)

    assert response.status_code == 303
    bertta = another_browser(client)
    sign_in_officer(bertta, "bertta")
    own = bertta.get(USERS)
    assert own.status_code == 200
    assert "Aino A1" not in own.text
    options = re.findall(r'<option value="([^"]*)"', own.text)
    assert options == ["", OPPILAITOS_B1]


def test_oph_cannot_revoke_its_own_administrator_role(client: TestClient, world: Session) -> None:
    sign_in_officer(client, "olli")
    assert 'aria-label="Poista: OPH:n pääkäyttäjä' not in client.get(USERS).text

    response = revoke(client, "olli", "OPHPAAKAYTTAJA", OPH_ROOT_OID)

    assert response.status_code == 303
    assert "Et voi poistaa omaa pääkäyttäjän rooliasi." in client.get(USERS).text
    assert roles_of(world, "olli") == {("OPHPAAKAYTTAJA", OPH_ROOT_OID)}


def test_the_pages_speak_swedish(paula: TestClient) -> None:
    page = paula.get(f"{USERS}?lang=sv").text

    assert "<legend>Roll</legend>" in page
    assert "Bevilja rollen" in page
    assert "Läsare" in page


# --- who may use the pages -----------------------------------------------------------------------

PAGES = [
    ("GET", USERS),
    ("GET", NEW_OFFICER),
    ("GET", SERVICE_USERS),
    ("GET", f"{SERVICE_USERS}/primus/uusi-salasana"),
    ("POST", GRANT),
    ("POST", REVOKE),
    ("POST", NEW_OFFICER),
    ("POST", SERVICE_USERS),
    ("POST", f"{SERVICE_USERS}/primus/uusi-salasana"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_an_officer_who_is_not_an_administrator_is_forbidden(
    client: TestClient, world: Session, method: str, path: str
) -> None:
    make_service_user(world, "primus", [("CRUD", OPPILAITOS_A1)], password=SERVICE_PASSWORD)
    sign_in_officer(client, "tapio")
    # Data every form would accept from an administrator (revoke would remove aino's role).
    data = {
        "csrf_token": csrf_token(client.get(HOME)),
        "username": "aino",
        "role": "READ",
        "organisation": OPPILAITOS_A1,
    }

    response = client.request(method, path, data=data if method == "POST" else None)

    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.text
    assert roles_of(world, "aino") == {("READ", OPPILAITOS_A1)}
    assert service_ticket(client, "primus", SERVICE_PASSWORD).startswith("ST-")


@pytest.mark.parametrize("path", [path for method, path in PAGES if method == "GET"])
def test_without_sign_in_the_pages_send_to_the_sign_in_page(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/ehoks-virkailija-ui/kirjaudu?next=")


@pytest.mark.parametrize("path", [path for method, path in PAGES if method == "POST"])
def test_without_sign_in_nothing_can_be_posted(
    client: TestClient, world: Session, path: str
) -> None:
    token = csrf_token(client.get("/ehoks-virkailija-ui/kirjaudu"))  # an anonymous form token
    data = {"csrf_token": token, "username": "aino", "role": "READ", "organisation": OPPILAITOS_A1}

    response = client.post(path, data=data, follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/ehoks-virkailija-ui/kirjaudu?next=")
    assert roles_of(world, "aino") == {("READ", OPPILAITOS_A1)}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (GRANT, {"username": "kaisa", "role": "READ", "organisation": OPPILAITOS_A1}),
        (REVOKE, {"username": "aino", "role": "READ", "organisation": OPPILAITOS_A1}),
        (NEW_OFFICER, {"username": "uusi", "role": "READ", "organisation": OPPILAITOS_A1}),
        (SERVICE_USERS, {"username": "uusi", "role": "READ", "organisation": OPPILAITOS_A1}),
        (f"{SERVICE_USERS}/primus/uusi-salasana", {}),
    ],
)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_post_without_the_csrf_token_is_refused(
    paula: TestClient, world: Session, path: str, data: dict[str, str], token: str | None
) -> None:
    make_service_user(world, "primus", [("CRUD", OPPILAITOS_A1)], password=SERVICE_PASSWORD)
    body = data if token is None else {**data, "csrf_token": token}

    response = paula.post(path, data=body, follow_redirects=False)

    assert response.status_code == 403
    assert roles_of(world, "kaisa") == set()
    assert roles_of(world, "aino") == {("READ", OPPILAITOS_A1)}
    assert not user_exists(world, "uusi")
    assert service_ticket(paula, "primus", SERVICE_PASSWORD).startswith("ST-")


# --- a new officer -------------------------------------------------------------------------------


def test_a_new_officer_gets_a_password_shown_once_and_signs_in_with_it(
    paula: TestClient, world: Session
) -> None:
    form = paula.get(NEW_OFFICER)
    assert form.status_code == 200
    assert '<label for="display-name">Nimi (valinnainen)</label>' in form.text

    response = post_form(
        paula,
        NEW_OFFICER,
        NEW_OFFICER,
        {
            "username": "uusi.virkailija",
            "display_name": "Uuno Uusi",
            "role": "READ",
            "organisation": OPPILAITOS_A2,
        },
    )

    assert response.status_code == 200
    assert "<h1>Virkailija luotiin</h1>" in response.text
    assert response.headers["cache-control"] == "no-store"
    password = shown_password(response)
    assert roles_of(world, "uusi.virkailija") == {("READ", OPPILAITOS_A2)}
    newcomer = another_browser(paula)
    assert sign_in_officer(newcomer, "uusi.virkailija", password).status_code == 303
    assert f'<strong>Katselija</strong>, Ammattiopisto A2 <span class="oid">{OPPILAITOS_A2}' in (
        newcomer.get(HOME).text
    )
    [event] = events(world, "create-user")
    assert event.target["username"] == "uusi.virkailija"
    assert password not in str(event.target) + str(event.changes)
    # The user list shows the new officer; the password is nowhere else.
    users = paula.get(USERS).text
    assert "Uuno Uusi" in users and password not in users


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "aino", "role": "READ", "organisation": OPPILAITOS_A1}, "on jo käytössä"),
        (
            {"username": "", "role": "READ", "organisation": OPPILAITOS_A1},
            "Anna uudelle virkailijalle käyttäjätunnus.",
        ),
        (
            {"username": "uusi", "role": "CRUD", "organisation": OPPILAITOS_B1},
            "joiden pääkäyttäjä olet",
        ),
    ],
)
def test_a_new_officer_form_with_errors(
    paula: TestClient, world: Session, data: dict[str, str], message: str
) -> None:
    response = post_form(paula, NEW_OFFICER, NEW_OFFICER, data)

    assert response.status_code in (400, 403)
    assert message in response.text
    assert 'id="new-password"' not in response.text
    assert not user_exists(world, "uusi")


# --- service users -------------------------------------------------------------------------------


def test_a_service_user_is_created_and_its_password_rotated(
    paula: TestClient, world: Session
) -> None:
    created = post_form(
        paula,
        SERVICE_USERS,
        SERVICE_USERS,
        {
            "username": "primus-a",
            "display_name": "Primus",
            "role": "CRUD",
            "organisation": OPPILAITOS_A1,
        },
    )
    assert created.status_code == 200
    assert "<h1>Palvelukäyttäjä luotiin</h1>" in created.text
    assert created.headers["cache-control"] == "no-store"
    first = shown_password(created)
    assert service_ticket(paula, "primus-a", first).startswith("ST-")

    listing = paula.get(SERVICE_USERS)
    rotate_path = f"{SERVICE_USERS}/primus-a/uusi-salasana"
    assert f'href="{rotate_path}"' in listing.text
    confirm = paula.get(rotate_path)
    assert confirm.status_code == 200
    assert "lakkaa toimimasta heti" in confirm.text
    rotated = paula.post(
        rotate_path, data={"csrf_token": csrf_token(confirm)}, follow_redirects=False
    )

    assert rotated.status_code == 200
    assert "<h1>Salasana vaihdettiin</h1>" in rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    second = shown_password(rotated)
    assert second != first
    old = paula.post("/cas/v1/tickets", data={"username": "primus-a", "password": first})
    assert old.status_code == 401
    assert service_ticket(paula, "primus-a", second).startswith("ST-")
    [event] = events(world, "rotate-password")
    assert event.actor_name == "paula" and event.target["username"] == "primus-a"
    assert first not in str(event.changes) and second not in str(event.changes)


def test_a_ticket_granted_before_the_rotation_stops_working(
    paula: TestClient, world: Session
) -> None:
    make_service_user(world, "primus", [("CRUD", OPPILAITOS_A1)], password=SERVICE_PASSWORD)
    granting = paula.post(
        "/cas/v1/tickets", data={"username": "primus", "password": SERVICE_PASSWORD}
    )
    tgt_path = httpx.URL(granting.headers["location"]).path

    path = f"{SERVICE_USERS}/primus/uusi-salasana"
    post_form(paula, path, path, {})

    assert paula.post(tgt_path, data={"service": "http://testserver/x"}).status_code == 404


def test_service_users_with_roles_outside_the_tree(paula: TestClient, world: Session) -> None:
    make_service_user(world, "shared", [("CRUD", OPPILAITOS_A1), ("READ", OPPILAITOS_B1)])
    make_service_user(world, "b-only", [("CRUD", OPPILAITOS_B1)])

    listing = paula.get(SERVICE_USERS).text
    assert "shared" in listing and "b-only" not in listing
    assert "Palvelukäyttäjällä on rooleja myös muissa organisaatioissa" in listing
    for username in ("shared", "b-only"):
        path = f"{SERVICE_USERS}/{username}/uusi-salasana"
        assert paula.get(path).status_code == 403
        token = csrf_token(paula.get(USERS))
        refused = paula.post(path, data={"csrf_token": token})
        assert refused.status_code == 403
        assert "Ei käyttöoikeutta" in refused.text
    refused = [event for event in events(world, "rotate-password") if event.status == "failed"]
    assert len(refused) == 4


@pytest.mark.parametrize("username", ["aino", "nobody"])
def test_only_service_users_have_a_password_page(
    paula: TestClient, world: Session, username: str
) -> None:
    assert paula.get(f"{SERVICE_USERS}/{quote(username)}/uusi-salasana").status_code == 404


def test_a_service_user_gets_only_data_transfer_roles(paula: TestClient, world: Session) -> None:
    page = paula.get(SERVICE_USERS).text
    assert re.findall(r'type="radio" [^>]*value="([A-Z_]+)"', page) == ["READ", "CRUD"]

    response = post_form(
        paula,
        SERVICE_USERS,
        SERVICE_USERS,
        {"username": "primus", "role": "HOKS_DELETE", "organisation": OPPILAITOS_A1},
    )

    assert response.status_code == 400
    assert "Palvelukäyttäjällä voi olla vain katselijan tai tallentajan rooli." in response.text
    assert not user_exists(world, "primus")


def test_a_username_with_a_slash_has_a_working_password_page(
    client: TestClient, world: Session
) -> None:
    make_service_user(world, "org/primus", [("CRUD", KOULUTUSTOIMIJA_B)], password=SERVICE_PASSWORD)
    sign_in_officer(client, "olli")
    assert 'href="/ehoks-virkailija-ui/kayttajat/palvelukayttajat/org/primus/uusi-salasana"' in (
        client.get(SERVICE_USERS).text
    )

    path = f"{SERVICE_USERS}/org/primus/uusi-salasana"
    response = post_form(client, path, path, {})

    assert response.status_code == 200
    assert service_ticket(client, "org/primus", shown_password(response)).startswith("ST-")


# --- external CAS: officers come from Käyttöoikeuspalvelu ----------------------------------------


@pytest.fixture
def external(settings: Settings, fake_cas: FakeCas, world: Session) -> Iterator[TestClient]:
    external_settings = Settings(**{**settings.model_dump(), "cas_url": fake_cas.url})
    with TestClient(create_app(external_settings)) as client:
        yield client


def test_with_an_external_cas_no_officers_are_created_here(
    external: TestClient, fake_cas: FakeCas
) -> None:
    fake_cas.signed_in = CasUser(
        username="paakayttaja-cas",
        oid=new_oid("24"),
        kayttajatyyppi="VIRKAILIJA",
        roles=(cas_role_string("PAAKAYTTAJA", KOULUTUSTOIMIJA_A),),
    )
    to_cas = external.get("/ehoks-virkailija-ui/kirjaudu", follow_redirects=False)
    back = httpx.get(to_cas.headers["location"], follow_redirects=False)
    assert external.get(back.headers["location"], follow_redirects=False).status_code == 303

    page = external.get(USERS)

    assert page.status_code == 200
    assert "Aino A1" in page.text
    assert NEW_OFFICER not in page.text
    assert external.get(NEW_OFFICER).status_code == 404
    assert KOULUTUSTOIMIJA_B not in page.text
