"""Every route of the app, asked by every kind of caller, gives exactly the intended answer.

The matrix below has one row per (method, path) the app serves and one column per caller. A
route added without a row fails ``test_every_route_is_in_the_matrix``. Each row is run in a
fresh world: organisations OPH → KOULUTUSTOIMIJA_A → OPPILAITOS_A1 (the target) and
KOULUTUSTOIMIJA_B → OPPILAITOS_B1, a student with a HOKS at OPPILAITOS_A1 ("own") and another
student ("other"), officers holding their roles as named, a data-transfer service user with CRUD
in KOULUTUSTOIMIJA_A, and an OPH administrator. Forms carry the caller's valid CSRF token, so
the answers show authorization, not CSRF (which tests/web/test_sign_in.py covers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from ehoks.access.identity import ActorKind
from ehoks.access.sessions import Principal, start_session
from ehoks.access.storage import User
from ehoks.api import PUBLIC_ROUTES, route_table
from ehoks.app import create_app
from ehoks.settings import OPH_ROOT_OID, Settings
from ehoks.web import PUBLIC_PAGES
from tests.support import world
from tests.support.cas import make_service_user, service_ticket
from tests.support.web import make_officer

CALLERS = (
    "anonymous",
    "student_own",
    "student_other",
    "katselija",
    "tallentaja",
    "paakayttaja_own",  # PAAKAYTTAJA held in the target's organisation (OPPILAITOS_A1)
    "paakayttaja_child",  # held in KOULUTUSTOIMIJA_A: the target is in a child organisation
    "paakayttaja_foreign",  # held in KOULUTUSTOIMIJA_B
    "service",
    "oph",
)
OFFICERS = {
    "katselija": [("READ", world.OPPILAITOS_A1)],
    "tallentaja": [("CRUD", world.OPPILAITOS_A1)],
    "paakayttaja_own": [("PAAKAYTTAJA", world.OPPILAITOS_A1)],
    "paakayttaja_child": [("PAAKAYTTAJA", world.KOULUTUSTOIMIJA_A)],
    "paakayttaja_foreign": [("PAAKAYTTAJA", world.KOULUTUSTOIMIJA_B)],
    "oph": [("OPHPAAKAYTTAJA", OPH_ROOT_OID)],
}
ANONYMOUS_CSRF = "anonymous-csrf-token-for-the-matrix"
API = "/ehoks-virkailija-backend/api/v1"
SYSTEM = f"{API}/virkailija"


@dataclass
class World:
    client: TestClient
    settings: Settings
    session: Session
    own: world.Student
    other: world.Student
    hoks_id: int
    free_oo: str  # a study right of the own student without a HOKS
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # caller: (token, csrf)

    def service_headers(self) -> dict[str, str]:
        return {
            "Caller-Id": "1.2.246.562.10.00000000001.matrix",
            "ticket": service_ticket(self.client, "palvelu-a", world.PASSWORD),
        }


@dataclass(frozen=True)
class Call:
    """How a route is called: ``path`` is formatted with the world (``{hoks_id}`` …)."""

    path: str
    form: dict[str, str] | None = None
    json: Any = None
    params: dict[str, str] | None = None


# --- expectations --------------------------------------------------------------------------

Expected = dict[str, int]


def same(status: int) -> Expected:
    return dict.fromkeys(CALLERS, status)


def with_(base: Expected, **overrides: int) -> Expected:
    return {**base, **overrides}


def officers(status: int, *, others: int = 403, signed_out: int = 303) -> Expected:
    """An officer page: officers get ``status``, students 403, no session a redirect."""
    expected = same(others)
    expected |= dict.fromkeys(OFFICERS, status)
    expected |= {"anonymous": signed_out, "service": signed_out}
    return expected


def user_admin(own: int, foreign: int) -> Expected:
    """A role-administration page: pääkäyttäjät and OPH; katselija/tallentaja 403."""
    return with_(
        officers(403),
        paakayttaja_own=own,
        paakayttaja_child=own,
        paakayttaja_foreign=foreign,
        oph=own,
    )


def oph_page(status: int) -> Expected:
    return with_(officers(403), oph=status)


def student_page(status: int) -> Expected:
    return with_(same(403), student_own=status, student_other=status, anonymous=303, service=303)


def data_transfer(status: int) -> Expected:
    """The ``/hoks`` API: a service user's ticket; without the headers 400 (as the original)."""
    return with_(same(400), service=status)


def system_route(status: int) -> Expected:
    """OPH maintenance JSON routes: 401 without an officer session, 403 for others."""
    return with_(
        same(403), anonymous=401, service=401, student_own=403, student_other=403, oph=status
    )


HOKS_BODY = {
    "ensikertainen-hyvaksyminen": "2024-08-15",
    "osaamisen-hankkimisen-tarve": True,
}
DEPRECATED_PARTS = [
    "aiemmin-hankittu-ammat-tutkinnon-osa",
    "aiemmin-hankittu-paikallinen-tutkinnon-osa",
    "aiemmin-hankittu-yhteinen-tutkinnon-osa",
    "hankittava-ammat-tutkinnon-osa",
    "hankittava-paikallinen-tutkinnon-osa",
    "hankittava-yhteinen-tutkinnon-osa",
    "opiskeluvalmiuksia-tukevat-opinnot",
]
# Each caller acts on a target of its own ({caller}), so one caller's success does not change
# the answer the next one gets.
GRANT = {"username": "kohde-{caller}", "role": "READ", "organisation": world.OPPILAITOS_A1}
SERVICE_USER = {
    "username": "uusi-palvelu-{caller}",
    "display_name": "Uusi palvelu",
    "role": "CRUD",
    "organisation": world.OPPILAITOS_A1,
}
NEW_OFFICER = {
    "username": "uusi-virkailija-{caller}",
    "display_name": "Uusi Virkailija",
    "role": "READ",
    "organisation": world.OPPILAITOS_A1,
}

MATRIX: dict[tuple[str, str], tuple[Call, Expected]] = {
    # public pages and documents
    ("GET", "/"): (Call("/"), same(200)),
    ("GET", "/ehoks"): (Call("/ehoks"), same(308)),
    ("GET", "/saavutettavuusseloste"): (Call("/saavutettavuusseloste"), same(200)),
    ("GET", f"{API}/healthcheck"): (Call(f"{API}/healthcheck"), same(200)),
    ("GET", "/ehoks-virkailija-backend/doc"): (Call("/ehoks-virkailija-backend/doc"), same(200)),
    ("GET", "/ehoks-virkailija-backend/doc/swagger.json"): (
        Call("/ehoks-virkailija-backend/doc/swagger.json"),
        same(200),
    ),
    ("GET", "/ehoks-virkailija-backend/doc/static/{asset}"): (
        Call("/ehoks-virkailija-backend/doc/static/swagger-ui.css"),
        same(200),
    ),
    # the built-in CAS (public by protocol)
    ("POST", "/cas/v1/tickets"): (
        Call("/cas/v1/tickets", form={"username": "ei-ole", "password": "väärä-salasana"}),
        same(401),
    ),
    ("POST", "/cas/v1/tickets/{tgt}"): (
        Call("/cas/v1/tickets/TGT-1-olematon", form={"service": "https://x.example/"}),
        same(404),
    ),
    ("GET", "/cas/p3/serviceValidate"): (
        Call("/cas/p3/serviceValidate", params={"service": "https://x.example", "ticket": "ST-1"}),
        same(200),
    ),
    # sign-in and sign-out
    ("GET", "/ehoks-virkailija-ui/kirjaudu"): (
        Call("/ehoks-virkailija-ui/kirjaudu"),
        with_(same(200), **dict.fromkeys(OFFICERS, 303)),
    ),
    ("POST", "/ehoks-virkailija-ui/kirjaudu"): (
        Call("/ehoks-virkailija-ui/kirjaudu", form={"username": "ei-ole", "password": "x"}),
        same(401),
    ),
    ("POST", "/ehoks-virkailija-ui/kirjaudu-ulos"): (
        Call("/ehoks-virkailija-ui/kirjaudu-ulos", form={}),
        officers(303),
    ),
    ("GET", "/ehoks/kirjaudu"): (
        Call("/ehoks/kirjaudu"),
        with_(same(200), student_own=303, student_other=303),
    ),
    ("POST", "/ehoks/kirjaudu"): (Call("/ehoks/kirjaudu", form={"oid": "ei-ole"}), same(400)),
    ("POST", "/ehoks/kirjaudu-ulos"): (Call("/ehoks/kirjaudu-ulos", form={}), student_page(303)),
    # CAS callbacks (public: CAS brings the browser back with a ticket, or calls for logout)
    ("GET", f"{SYSTEM}/session/opintopolku"): (
        Call(f"{SYSTEM}/session/opintopolku", params={"ticket": "ST-1-olematon"}),
        same(401),
    ),
    ("POST", f"{SYSTEM}/session/opintopolku"): (
        Call(f"{SYSTEM}/session/opintopolku", form={"logoutRequest": "ei xml"}),
        same(400),
    ),
    ("GET", "/ehoks-virkailija-backend/cas-security-check"): (
        Call("/ehoks-virkailija-backend/cas-security-check", params={"ticket": "ST-1-x"}),
        same(401),
    ),
    ("POST", "/ehoks-virkailija-backend/cas-security-check"): (
        Call("/ehoks-virkailija-backend/cas-security-check", form={"logoutRequest": "<x"}),
        same(400),
    ),
    # CAS-oppija is not configured in the embedded default: its callbacks do not exist.
    ("GET", "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"): (
        Call("/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/", params={"ticket": "x"}),
        same(404),
    ),
    # Single logout without a logoutRequest is a bad request whatever is configured.
    ("POST", "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"): (
        Call("/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/", form={}),
        same(400),
    ),
    # session JSON
    ("GET", f"{SYSTEM}/session"): (
        Call(f"{SYSTEM}/session"),
        with_(same(401), **dict.fromkeys(OFFICERS, 200)),
    ),
    ("DELETE", f"{SYSTEM}/session"): (
        Call(f"{SYSTEM}/session"),
        with_(same(401), **dict.fromkeys(OFFICERS, 200)),
    ),
    ("GET", "/ehoks-oppija-backend/api/v1/oppija/session"): (
        Call("/ehoks-oppija-backend/api/v1/oppija/session"),
        with_(same(401), student_own=200, student_other=200),
    ),
    ("DELETE", "/ehoks-oppija-backend/api/v1/oppija/session"): (
        Call("/ehoks-oppija-backend/api/v1/oppija/session"),
        with_(same(401), student_own=200, student_other=200),
    ),
    # officer pages
    ("GET", "/ehoks-virkailija-ui/"): (Call("/ehoks-virkailija-ui/"), officers(200)),
    ("GET", "/ehoks-virkailija-ui/kayttajat"): (
        Call("/ehoks-virkailija-ui/kayttajat"),
        user_admin(200, 200),
    ),
    ("POST", "/ehoks-virkailija-ui/kayttajat/myonna"): (
        Call("/ehoks-virkailija-ui/kayttajat/myonna", form=GRANT),
        user_admin(303, 403),
    ),
    ("POST", "/ehoks-virkailija-ui/kayttajat/peru"): (
        Call(
            "/ehoks-virkailija-ui/kayttajat/peru",
            form={
                "username": "kohde-{caller}",
                "role": "CRUD",
                "organisation": world.OPPILAITOS_A1,
            },
        ),
        user_admin(303, 403),
    ),
    ("GET", "/ehoks-virkailija-ui/kayttajat/uusi-virkailija"): (
        Call("/ehoks-virkailija-ui/kayttajat/uusi-virkailija"),
        user_admin(200, 200),
    ),
    # The new officer's first password is shown once, on the answer page (200).
    ("POST", "/ehoks-virkailija-ui/kayttajat/uusi-virkailija"): (
        Call("/ehoks-virkailija-ui/kayttajat/uusi-virkailija", form=NEW_OFFICER),
        user_admin(200, 403),
    ),
    ("GET", "/ehoks-virkailija-ui/kayttajat/palvelukayttajat"): (
        Call("/ehoks-virkailija-ui/kayttajat/palvelukayttajat"),
        user_admin(200, 200),
    ),
    # A new service user's password is shown once, on the answer page (200).
    ("POST", "/ehoks-virkailija-ui/kayttajat/palvelukayttajat"): (
        Call("/ehoks-virkailija-ui/kayttajat/palvelukayttajat", form=SERVICE_USER),
        user_admin(200, 403),
    ),
    ("GET", "/ehoks-virkailija-ui/kayttajat/palvelukayttajat/{username:path}/uusi-salasana"): (
        Call("/ehoks-virkailija-ui/kayttajat/palvelukayttajat/palvelu-a1/uusi-salasana"),
        user_admin(200, 403),
    ),
    ("POST", "/ehoks-virkailija-ui/kayttajat/palvelukayttajat/{username:path}/uusi-salasana"): (
        Call("/ehoks-virkailija-ui/kayttajat/palvelukayttajat/palvelu-a1/uusi-salasana", form={}),
        user_admin(200, 403),
    ),
    ("GET", "/ehoks-virkailija-ui/loki"): (Call("/ehoks-virkailija-ui/loki"), oph_page(200)),
    ("GET", "/ehoks-virkailija-ui/loki/vienti.csv"): (
        Call("/ehoks-virkailija-ui/loki/vienti.csv"),
        oph_page(200),
    ),
    # student pages
    ("GET", "/ehoks/"): (Call("/ehoks/"), student_page(200)),
    ("GET", "/ehoks/katseluloki"): (Call("/ehoks/katseluloki"), student_page(200)),
    # the data-transfer API
    ("POST", f"{API}/hoks"): (
        Call(
            f"{API}/hoks",
            json={"oppija-oid": "{own_oid}", "opiskeluoikeus-oid": "{free_oo}", **HOKS_BODY},
        ),
        data_transfer(200),
    ),
    ("GET", f"{API}/hoks/{{hoks_id}}"): (Call(f"{API}/hoks/{{hoks_id}}"), data_transfer(200)),
    ("PUT", f"{API}/hoks/{{hoks_id}}"): (
        Call(
            f"{API}/hoks/{{hoks_id}}",
            json={
                "id": "{hoks_id}",
                "oppija-oid": "{own_oid}",
                "opiskeluoikeus-oid": "{own_oo}",
                **HOKS_BODY,
            },
        ),
        data_transfer(204),
    ),
    ("PATCH", f"{API}/hoks/{{hoks_id}}"): (
        Call(f"{API}/hoks/{{hoks_id}}", json={"id": "{hoks_id}", "sahkoposti": "a@example.fi"}),
        data_transfer(204),
    ),
    ("GET", f"{API}/hoks/opiskeluoikeus/{{opiskeluoikeus_oid}}"): (
        Call(f"{API}/hoks/opiskeluoikeus/{{own_oo}}"),
        data_transfer(200),
    ),
    ("GET", f"{API}/hoks/{{hoks_id}}/hankintakoulutukset"): (
        Call(f"{API}/hoks/{{hoks_id}}/hankintakoulutukset"),
        data_transfer(200),
    ),
    # /paged needs an OPH-level right: the provider's service user has none.
    ("GET", f"{API}/hoks/paged"): (Call(f"{API}/hoks/paged"), data_transfer(401)),
    ("POST", f"{API}/validointi"): (
        Call(
            f"{API}/validointi",
            json={"oppija-oid": "{own_oid}", "opiskeluoikeus-oid": "{own_oo}", **HOKS_BODY},
        ),
        data_transfer(200),
    ),
    # OPH maintenance
    ("GET", f"{SYSTEM}/system-info/cache"): (
        Call(f"{SYSTEM}/system-info/cache"),
        system_route(200),
    ),
    ("GET", f"{SYSTEM}/system-info/memory"): (
        Call(f"{SYSTEM}/system-info/memory"),
        system_route(200),
    ),
    ("GET", f"{SYSTEM}/system-info/oppijaindex"): (
        Call(f"{SYSTEM}/system-info/oppijaindex"),
        system_route(200),
    ),
    ("GET", f"{SYSTEM}/system-info/hoksit"): (
        Call(f"{SYSTEM}/system-info/hoksit"),
        system_route(200),
    ),
    ("POST", f"{SYSTEM}/index"): (Call(f"{SYSTEM}/index", json={}), system_route(200)),
    ("DELETE", f"{SYSTEM}/cache"): (Call(f"{SYSTEM}/cache"), system_route(200)),
    ("PUT", f"{SYSTEM}/oppija/update"): (
        Call(f"{SYSTEM}/oppija/update", json={"oppija-oid": "{own_oid}"}),
        system_route(204),
    ),
    ("POST", f"{SYSTEM}/onrmodify"): (
        Call(f"{SYSTEM}/onrmodify", json={}, params={"oid": "{own_oid}"}),
        system_route(204),
    ),
    ("GET", f"{SYSTEM}/opiskeluoikeus/{{opiskeluoikeus_oid}}"): (
        Call(f"{SYSTEM}/opiskeluoikeus/{{own_oo}}"),
        system_route(200),
    ),
    ("PUT", f"{SYSTEM}/opiskeluoikeus/update"): (
        Call(f"{SYSTEM}/opiskeluoikeus/update", json={"opiskeluoikeus-oid": "{own_oo}"}),
        system_route(204),
    ),
    ("PUT", f"{SYSTEM}/opiskeluoikeudet/update"): (
        Call(
            f"{SYSTEM}/opiskeluoikeudet/update",
            json={"koulutustoimija-oid": world.KOULUTUSTOIMIJA_A},
        ),
        system_route(204),
    ),
    ("GET", f"{SYSTEM}/opiskeluoikeudet/{{koulutustoimija_oid}}/deletion-info"): (
        Call(f"{SYSTEM}/opiskeluoikeudet/{world.KOULUTUSTOIMIJA_A}/deletion-info"),
        system_route(200),
    ),
    ("GET", f"{SYSTEM}/hoks/{{hoks_id}}"): (Call(f"{SYSTEM}/hoks/{{hoks_id}}"), system_route(200)),
    ("GET", f"{SYSTEM}/puuttuvat-opiskeluoikeudet-temp"): (
        Call(f"{SYSTEM}/puuttuvat-opiskeluoikeudet-temp"),
        system_route(200),
    ),
    # V16: `read` in the oppilaitos (or above) — every officer of A's tree, OPH; not B's.
    ("GET", f"{SYSTEM}/missing-oo-hoksit/{{oppilaitos_oid}}"): (
        Call(f"{SYSTEM}/missing-oo-hoksit/{world.OPPILAITOS_A1}"),
        with_(
            system_route(200),
            katselija=200,
            tallentaja=200,
            paakayttaja_own=200,
            paakayttaja_child=200,
        ),
    ),
}
for _part in DEPRECATED_PARTS:
    # The per-part routes are gone: 410 once the caller may see the HOKS.
    MATRIX[("POST", f"{API}/hoks/{{hoks_id}}/{_part}")] = (
        Call(f"{API}/hoks/{{hoks_id}}/{_part}", json={}),
        data_transfer(410),
    )
    MATRIX[("GET", f"{API}/hoks/{{hoks_id}}/{_part}/{{part_id}}")] = (
        Call(f"{API}/hoks/{{hoks_id}}/{_part}/1"),
        data_transfer(410),
    )
    MATRIX[("PATCH", f"{API}/hoks/{{hoks_id}}/{_part}/{{part_id}}")] = (
        Call(f"{API}/hoks/{{hoks_id}}/{_part}/1", json={}),
        data_transfer(410),
    )


# --- the run -------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(settings: Settings) -> None:
    routes = route_table(create_app(settings))
    assert set(MATRIX) == routes, {
        "routes without a row": sorted(routes - set(MATRIX)),
        "rows without a route": sorted(set(MATRIX) - routes),
    }


def test_the_public_lists_name_only_routes_open_to_anonymous_callers() -> None:
    for route in PUBLIC_ROUTES | PUBLIC_PAGES:
        assert MATRIX[route][1]["anonymous"] != 303, route
    # Every route that answers an anonymous caller with success is listed as public.
    for route, (_call, expected) in MATRIX.items():
        if 200 <= expected["anonymous"] < 300:
            assert route in PUBLIC_ROUTES | PUBLIC_PAGES, route


@pytest.fixture
def matrix_world(client: TestClient, session: Session, settings: Settings) -> World:
    world.add_organisations(session)
    oo_free = world.new_oid("15")
    own = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15")),
            world.opiskeluoikeus(oo_free),
        ],
    )
    other = world.add_student(session, etunimet="Toinen", sukunimi="Opiskelija")
    make_service_user(
        session, "palvelu-a", [("CRUD", world.KOULUTUSTOIMIJA_A)], password=world.PASSWORD
    )
    make_service_user(
        session, "palvelu-a1", [("CRUD", world.OPPILAITOS_A1)], password=world.PASSWORD
    )
    for caller in CALLERS:
        make_officer(session, f"kohde-{caller}", [("CRUD", world.OPPILAITOS_A1)])
    for username, roles in OFFICERS.items():
        make_officer(session, username, roles)
    api = world.Api(client, "palvelu-a", world.PASSWORD)
    created = api.post(
        "/hoks",
        {"oppija-oid": own.oid, "opiskeluoikeus-oid": own.oo, **HOKS_BODY},
    )
    assert created.status_code == 200, created.text
    matrix = World(client, settings, session, own, other, created.json()["meta"]["id"], oo_free)
    lifetime = timedelta(hours=1)
    for username in OFFICERS:
        user = session.query(User).filter_by(username=username).one()
        token, row = start_session(
            session,
            Principal(ActorKind.VIRKAILIJA, user.oid, username, username, user_id=user.id),
            lifetime=lifetime,
        )
        matrix.sessions[username] = (token, row.csrf_token)
    for caller, student in (("student_own", own), ("student_other", other)):
        token, row = start_session(
            session,
            Principal(ActorKind.OPPIJA, student.oid, student.oid, student.etunimet),
            lifetime=lifetime,
        )
        matrix.sessions[caller] = (token, row.csrf_token)
    session.commit()
    return matrix


def call(matrix: World, caller: str, method: str, spec: Call) -> Response:
    values = {
        "hoks_id": matrix.hoks_id,
        "own_oid": matrix.own.oid,
        "own_oo": matrix.own.oo,
        "free_oo": matrix.free_oo,
        "caller": caller,
    }
    path = spec.path.format(**values)
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    csrf = ANONYMOUS_CSRF
    if caller in matrix.sessions:
        token, csrf = matrix.sessions[caller]
        cookies["ehoks_session"] = token
        headers["X-CSRF-Token"] = csrf
    else:
        cookies["ehoks_csrf"] = ANONYMOUS_CSRF
    if caller == "service":
        headers |= matrix.service_headers()
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if spec.params is not None:
        kwargs["params"] = {key: value.format(**values) for key, value in spec.params.items()}
    if spec.form is not None:
        kwargs["data"] = {"csrf_token": csrf, **_formatted(spec.form, values)}
    elif spec.json is not None:
        kwargs["json"] = _formatted(spec.json, values)
    matrix.client.cookies.clear()
    for name, value in cookies.items():
        matrix.client.cookies.set(name, value)
    return matrix.client.request(method, path, **kwargs)


def _formatted(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _formatted(item, values) for key, item in value.items()}
    if value == "{hoks_id}":
        return values["hoks_id"]  # a JSON integer
    if isinstance(value, str):
        return value.format(**values)
    return value


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX, key=lambda route: route[::-1]))
def test_each_caller_gets_the_intended_answer(matrix_world: World, method: str, path: str) -> None:
    spec, expected = MATRIX[(method, path)]
    answers = {}
    for caller in CALLERS:
        answers[caller] = call(matrix_world, caller, method, spec).status_code
    wrong = {
        caller: f"got {answers[caller]}, expected {expected[caller]}"
        for caller in CALLERS
        if answers[caller] != expected[caller]
    }
    assert wrong == {}, f"{method} {path}"


# The matrix only means something if the callers really are who they claim: a sanity check.
def test_the_callers_are_signed_in_as_themselves(matrix_world: World) -> None:
    home = call(matrix_world, "paakayttaja_child", "GET", Call("/ehoks-virkailija-ui/"))
    assert "paakayttaja_child" in home.text
    student = call(matrix_world, "student_own", "GET", Call("/ehoks/"))
    assert matrix_world.own.etunimet in student.text
