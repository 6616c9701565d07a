"""Every page of the sign-in, language, role administration and audit features, in Finnish,
Swedish and English, in a real browser: axe-core finds no WCAG 2.1 A/AA violations.

The pages are visited as journeys (one per kind of user, so each signs in once); every step
ends on a page that is checked and screenshotted to ``var/screenshots/<name>-<lang>.png`` for a
human to look at. A journey reports the violations of all its pages at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect
from sqlalchemy import update
from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor, ActorKind
from ehoks.access.roles import privileges_of
from ehoks.access.storage import WebSession
from ehoks.db.types import utcnow
from ehoks.settings import OPH_ROOT_OID
from tests.browser.conftest import (
    OFFICER_HOME,
    OFFICER_SIGN_IN,
    STUDENT_SIGN_IN,
    LiveServer,
    assert_accessible,
    axe_violations,
    chromium_path,
    format_violations,
    new_officer,
    screenshot,
    set_language,
    sign_in_officer,
    sign_in_student,
)
from tests.support.cas import make_service_user
from tests.support.world import KOULUTUSTOIMIJA_A, OPPILAITOS_A1, add_organisations, add_student

pytestmark = pytest.mark.browser

LANGUAGES = ["fi", "sv", "en"]
USERS = "/ehoks-virkailija-ui/kayttajat"
SERVICE_USERS = f"{USERS}/palvelukayttajat"
NEW_OFFICER = f"{USERS}/uusi-virkailija"
AUDIT_SEARCH = "/ehoks-virkailija-ui/loki"
ACCESS_LOG = "/ehoks/katseluloki"


@dataclass
class World:
    session: Session
    paakayttaja: str
    katselija: str
    oph: str
    service_user: str
    student_oid: str


@pytest.fixture
def world(session: Session, live_url: LiveServer) -> World:
    """Organisations, an officer of each kind, a service user and a student whose data an
    officer has read and a service user has saved (for the student's access log)."""
    add_organisations(session)
    student = add_student(session, etunimet="Aino Maria", sukunimi="Opiskelija")
    service_user = make_service_user(session, "opintohallinto-a1", [("CRUD", OPPILAITOS_A1)])
    officer = Actor(
        kind=ActorKind.VIRKAILIJA,
        oid="1.2.246.562.24.55555555555",
        username="katsoja",
        organisation_privileges=(privileges_of("READ", OPPILAITOS_A1),),
    )
    system = Actor(
        kind=ActorKind.PALVELU,
        oid=service_user.oid,
        username=service_user.username,
        organisation_privileges=(privileges_of("CRUD", OPPILAITOS_A1),),
    )
    for actor, operation in ((system, "create"), (officer, "read")):
        audit.record(
            session,
            actor=actor,
            operation=operation,
            target={"oppijaOid": student.oid, "hoksId": 1},
            organisation_oid=OPPILAITOS_A1,
        )
    session.commit()
    return World(
        session=session,
        paakayttaja=new_officer(session, "paa-kayttaja", [("PAAKAYTTAJA", KOULUTUSTOIMIJA_A)]),
        katselija=new_officer(session, "katsoja", [("READ", OPPILAITOS_A1)]),
        oph=new_officer(session, "oph-paakayttaja", [("OPHPAAKAYTTAJA", OPH_ROOT_OID)]),
        service_user=service_user.username,
        student_oid=student.oid,
    )


def ok(response: Response | None, status: int = 200) -> None:
    assert response is not None
    assert response.status == status, f"{response.url}: {response.status}, expected {status}"


def submit(page: Page, form: str, status: int = 200) -> None:
    """Submit the form matching the CSS selector ``form`` and wait for the answer page."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form} button[type=submit]").click()
    ok(navigation.value, status)


# --- the steps: each leaves the browser on the page to check ----------------------------------


def front_page(page: Page, world: World) -> None:
    ok(page.goto("/"))


def accessibility_statement(page: Page, world: World) -> None:
    ok(page.goto("/saavutettavuusseloste"))


def officer_sign_in(page: Page, world: World) -> None:
    ok(page.goto(OFFICER_SIGN_IN))
    expect(page.locator("#username")).to_be_visible()


def officer_sign_in_failed(page: Page, world: World) -> None:
    page.locator("#username").fill(world.katselija)
    page.locator("#password").fill("not-the-password")
    submit(page, "main form", 401)
    expect(page.locator("#error-summary")).to_be_visible()


def form_expired(page: Page, world: World) -> None:
    page.locator("main form input[name=csrf_token]").evaluate("input => { input.value = 'x'; }")
    page.locator("#username").fill(world.katselija)
    page.locator("#password").fill("not-the-password")
    submit(page, "main form", 403)


def not_found(page: Page, world: World) -> None:
    ok(page.goto("/ehoks-virkailija-ui/ei-tallaista-sivua"), 404)


def student_identification(page: Page, world: World) -> None:
    ok(page.goto(STUDENT_SIGN_IN))
    expect(page.locator("input[name=oid]")).to_have_count(1)


def student_identification_failed(page: Page, world: World) -> None:
    submit(page, "main form", 400)  # nobody chosen
    expect(page.locator("#error-summary")).to_be_visible()


def student_home(page: Page, world: World) -> None:
    sign_in_student(page, world.student_oid)


def access_log(page: Page, world: World) -> None:
    ok(page.goto(ACCESS_LOG))
    expect(page.locator("main table tbody tr")).to_have_count(2)


def forbidden(page: Page, world: World) -> None:
    ok(page.goto(OFFICER_HOME), 403)


def student_signed_out(page: Page, world: World) -> None:
    ok(page.goto("/ehoks/"))
    submit(page, "header form")
    assert page.url.endswith(STUDENT_SIGN_IN), page.url
    expect(page.locator("main [role=status]")).to_be_visible()


def paakayttaja_home(page: Page, world: World) -> None:
    sign_in_officer(page, world.paakayttaja)


def users(page: Page, world: World) -> None:
    ok(page.goto(USERS))
    expect(page.locator("main table")).to_be_visible()


def users_form_errors(page: Page, world: World) -> None:
    submit(page, f"main form[action='{USERS}/myonna']", 400)  # nothing filled in
    expect(page.locator("#error-summary")).to_be_visible()


def users_role_granted(page: Page, world: World) -> None:
    page.locator("#username").fill(world.katselija)
    page.locator("input[type=radio][name=role][value=CRUD]").check()
    page.locator("#organisation").select_option(OPPILAITOS_A1)
    submit(page, f"main form[action='{USERS}/myonna']")
    expect(page.locator("main .flash")).to_be_visible()


def service_users(page: Page, world: World) -> None:
    ok(page.goto(SERVICE_USERS))
    expect(page.locator("main table tbody tr")).to_have_count(1)


def confirm_rotation(page: Page, world: World) -> None:
    with page.expect_navigation() as navigation:
        page.locator(f"main a[href$='/{world.service_user}/uusi-salasana']").click()
    ok(navigation.value)


def new_officer_form(page: Page, world: World) -> None:
    ok(page.goto(NEW_OFFICER))


def new_officer_created(page: Page, world: World) -> None:
    page.locator("#username").fill("uusi-virkailija")
    page.locator("#display-name").fill("Uusi Virkailija")
    page.locator("input[type=radio][name=role][value=READ]").check()
    page.locator("#organisation").select_option(OPPILAITOS_A1)
    submit(page, "main form")
    expect(page.locator("#new-password")).not_to_be_empty()


def officer_signed_out(page: Page, world: World) -> None:
    submit(page, "header form")
    assert page.url.endswith(OFFICER_SIGN_IN), page.url
    expect(page.locator("main [role=status]")).to_be_visible()


def oph_home(page: Page, world: World) -> None:
    sign_in_officer(page, world.oph)


def audit_search(page: Page, world: World) -> None:
    ok(page.goto(AUDIT_SEARCH))


def audit_results(page: Page, world: World) -> None:
    page.locator("#toiminto").select_option("sign-in")
    submit(page, "main form")
    expect(page.locator("main table tbody tr").first).to_be_visible()


def audit_search_errors(page: Page, world: World) -> None:
    page.locator("#hoks").fill("ei-numero")
    submit(page, "main form", 400)
    expect(page.locator("#error-summary")).to_be_visible()


def katselija_home(page: Page, world: World) -> None:
    sign_in_officer(page, world.katselija)


def session_expired(page: Page, world: World) -> None:
    world.session.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    world.session.commit()
    ok(page.goto(OFFICER_HOME), 401)


Step = Callable[[Page, World], None]

JOURNEYS: dict[str, list[tuple[str, Step]]] = {
    "public": [
        ("etusivu", front_page),
        ("saavutettavuusseloste", accessibility_statement),
        ("virhe-404", not_found),
        ("virkailija-kirjaudu", officer_sign_in),
        ("virkailija-kirjaudu-virhe", officer_sign_in_failed),
        ("lomake-vanhentunut", form_expired),
        ("opiskelija-tunnistautuminen", student_identification),
        ("opiskelija-tunnistautuminen-virhe", student_identification_failed),
    ],
    "student": [
        ("opiskelija-etusivu", student_home),
        ("katseluloki", access_log),
        ("virhe-403", forbidden),
        ("opiskelija-uloskirjautunut", student_signed_out),
    ],
    "paakayttaja": [
        ("virkailija-etusivu", paakayttaja_home),
        ("kayttajat", users),
        ("kayttajat-virhe", users_form_errors),
        ("kayttajat-myonnetty", users_role_granted),
        ("palvelukayttajat", service_users),
        ("palvelukayttaja-uusi-salasana", confirm_rotation),
        ("uusi-virkailija", new_officer_form),
        ("uusi-virkailija-luotu", new_officer_created),
        ("virkailija-uloskirjautunut", officer_signed_out),
    ],
    "oph": [
        ("oph-etusivu", oph_home),
        ("loki", audit_search),
        ("loki-tulokset", audit_results),
        ("loki-virhe", audit_search_errors),
    ],
    "katselija": [
        ("katselija-etusivu", katselija_home),
        ("istunto-vanhentunut", session_expired),
    ],
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_pages_are_accessible(
    page: Page,
    context: BrowserContext,
    live_url: LiveServer,
    world: World,
    journey: str,
    lang: str,
) -> None:
    set_language(context, live_url.url, lang)
    failures: list[str] = []
    for name, step in JOURNEYS[journey]:
        step(page, world)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("main h1")).to_be_visible()
        screenshot(page, name, lang)
        violations = axe_violations(page)
        if violations:
            failures.append(format_violations(f"{name}-{lang} ({page.url})", violations))
    assert not failures, "\n\n".join(failures)


def test_the_check_finds_violations(page: Page, live_url: LiveServer) -> None:
    """The check itself: a page with an unlabelled field and an image without a text fails,
    and the failure names the rules, their impact and the elements."""
    ok(page.goto("/"))
    assert_accessible(page)
    page.locator("main").evaluate(
        "main => { main.insertAdjacentHTML('beforeend', "
        "'<input type=text id=nameless><img id=wordless src=\"/ehoks-static/none.png\">'); }"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "2 accessibility violation(s) on http://127.0.0.1:" in report
    assert "- label (critical): Form elements must have labels" in report
    assert "- image-alt (critical): Images must have alternative text" in report
    assert 'at #nameless: <input type="text" id="nameless">' in report
    assert "at #wordless:" in report


def test_a_missing_chromium_fails_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tests.browser.conftest.shutil.which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="run scripts/install-browser"):
        chromium_path()
