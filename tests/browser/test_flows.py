"""The sign-in, language and role administration features as a person uses them, in a real
browser: officer sign-in and sign-out, choosing the language, a pääkäyttäjä granting and
revoking a role, student test identification, and the keyboard: the skip link, and a focus
indicator with enough contrast on every tab stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.storage import User, UserRole
from ehoks.web.context import SESSION_COOKIE
from tests.browser.conftest import (
    OFFICER_HOME,
    OFFICER_SIGN_IN,
    STUDENT_HOME,
    STUDENT_SIGN_IN,
    LiveServer,
    new_officer,
    sign_in_officer,
)
from tests.support.web import PASSWORD
from tests.support.world import (
    KOULUTUSTOIMIJA_A,
    OPPILAITOS_A1,
    OPPILAITOS_A2,
    add_organisations,
    add_student,
)

pytestmark = pytest.mark.browser

USERS = "/ehoks-virkailija-ui/kayttajat"


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]


def click_and_wait(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def session_cookie(context: BrowserContext) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == SESSION_COOKIE), None)


@pytest.fixture
def officer(session: Session, live_url: LiveServer) -> str:
    add_organisations(session)
    return new_officer(session, "katsoja", [("READ", OPPILAITOS_A1)])


# --- officer sign-in and sign-out --------------------------------------------------------------


def test_officer_signs_in_and_out(
    page: Page, context: BrowserContext, live_url: LiveServer, officer: str
) -> None:
    # A page that needs signing in sends the browser to the sign-in page, and back after it.
    page.goto(OFFICER_HOME)
    assert path_of(page) == OFFICER_SIGN_IN
    expect(page.locator("main h1")).to_have_text("Kirjaudu eHOKSiin")
    page.get_by_label("Käyttäjätunnus").fill(officer)
    page.get_by_label("Salasana").fill(PASSWORD)
    click_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == OFFICER_HOME
    expect(page.locator("main h1")).to_have_text("Tervetuloa, Katsoja")
    expect(page.locator("header .user-name")).to_have_text("Katsoja")
    expect(page.locator("main")).to_contain_text(OPPILAITOS_A1)
    old_cookie = session_cookie(context)
    assert old_cookie

    click_and_wait(page, "header form button[type=submit]")  # Kirjaudu ulos
    assert path_of(page) == OFFICER_SIGN_IN
    expect(page.locator("main [role=status]")).to_have_text("Olet kirjautunut ulos.")
    expect(page.locator("header form")).to_have_count(0)
    assert session_cookie(context) is None

    # The old session cookie, put back, no longer opens the home page.
    context.add_cookies([{"name": SESSION_COOKIE, "value": old_cookie, "url": live_url.url}])
    response = page.goto(OFFICER_HOME)
    assert response is not None and response.ok
    assert path_of(page) == OFFICER_SIGN_IN
    expect(page.locator("main h1")).to_have_text("Kirjaudu eHOKSiin")
    expect(page.locator("header .user-name")).to_have_count(0)


def test_a_wrong_password_is_refused_with_an_error_summary(page: Page, officer: str) -> None:
    page.goto(OFFICER_SIGN_IN)
    page.locator("#username").fill(officer)
    page.locator("#password").fill("väärä-salasana")
    click_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == OFFICER_SIGN_IN
    expect(page.locator("#error-summary")).to_contain_text("Käyttäjätunnus tai salasana on väärä.")
    expect(page.locator("#username")).to_have_value(officer)
    expect(page.locator("#username")).to_have_attribute("aria-describedby", "error-summary")
    page.goto(OFFICER_HOME)
    assert path_of(page) == OFFICER_SIGN_IN


# --- language ----------------------------------------------------------------------------------


def test_the_chosen_language_changes_the_texts_and_stays(page: Page, officer: str) -> None:
    page.goto(OFFICER_SIGN_IN)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("main h1")).to_have_text("Kirjaudu eHOKSiin")
    expect(page.locator("nav.languages a[hreflang=fi]")).to_have_attribute("aria-current", "true")

    click_and_wait(page, "nav.languages a[hreflang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Sign in to eHOKS")
    expect(page.locator("nav.languages a[hreflang=en]")).to_have_attribute("aria-current", "true")
    expect(page.locator("nav.languages a[aria-current]")).to_have_count(1)

    # Other pages, reached without ?lang=, stay in English: a link, then a form and a redirect.
    click_and_wait(page, "footer a[href='/saavutettavuusseloste']")
    assert "lang=" not in page.url
    expect(page.locator("main h1")).to_have_text("Accessibility statement")
    sign_in_officer(page, officer)
    expect(page.locator("main h1")).to_have_text("Welcome, Katsoja")
    expect(page.locator("header form button")).to_have_text("Sign out")

    click_and_wait(page, "nav.languages a[hreflang=sv]")
    assert path_of(page) == OFFICER_HOME  # the same page, in Swedish
    expect(page.locator("main h1")).to_have_text("Välkommen, Katsoja")
    click_and_wait(page, "footer a[href='/saavutettavuusseloste']")
    expect(page.locator("main h1")).to_have_text("Tillgänglighetsutlåtande")
    page.goto(OFFICER_HOME)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("header form button")).to_have_text("Logga ut")


# --- role administration -----------------------------------------------------------------------


def roles_of(session: Session, username: str) -> set[tuple[str, str]]:
    """The user's grants in the database. The transaction ends at once: on SQLite it holds the
    write lock, and the live server's next request would wait for it."""
    try:
        rows = session.execute(
            select(UserRole.name, UserRole.organisation_oid)
            .join(User, User.id == UserRole.user_id)
            .where(User.username == username)
        )
        return {(name, oid) for name, oid in rows}
    finally:
        session.rollback()


def test_paakayttaja_grants_and_revokes_a_role(
    page: Page, session: Session, live_url: LiveServer
) -> None:
    add_organisations(session)
    admin = new_officer(session, "paa-kayttaja", [("PAAKAYTTAJA", KOULUTUSTOIMIJA_A)])
    other = new_officer(session, "opettaja", [("CRUD", OPPILAITOS_A2)])
    sign_in_officer(page, admin)

    click_and_wait(page, "nav.main-nav a[href='/ehoks-virkailija-ui/kayttajat']")
    expect(page.locator("main h1")).to_have_text("Käyttäjät ja roolit")
    row = page.locator("main table tbody tr").filter(has=page.locator(f"th:has-text('{other}')"))
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text("Katselija")

    # Grant: the viewer role (READ) in Ammattiopisto A1.
    grant = page.locator(f"main form[action='{USERS}/myonna']")
    grant.get_by_label("Käyttäjätunnus").fill(other)
    grant.get_by_role("radio", name=re.compile("^Katselija")).check()
    grant.get_by_label("Valitse organisaatio").select_option(OPPILAITOS_A1)
    click_and_wait(page, f"main form[action='{USERS}/myonna'] button[type=submit]")
    assert path_of(page) == USERS
    expect(page.locator("main .flash[role=status]")).to_have_text("Rooli myönnettiin.")
    expect(row).to_contain_text("Katselija")
    assert roles_of(session, other) == {("CRUD", OPPILAITOS_A2), ("READ", OPPILAITOS_A1)}

    # The message is shown once.
    page.reload()
    expect(page.locator("main .flash")).to_have_count(0)

    # Revoke it with the button of that role.
    revoke = row.locator("li").filter(has_text="Katselija").get_by_role("button")
    expect(revoke).to_have_accessible_name(re.compile(f"Katselija.*{other}"))
    with page.expect_navigation():
        revoke.click()
    assert path_of(page) == USERS
    expect(page.locator("main .flash[role=status]")).to_have_text("Rooli poistettiin.")
    expect(row).not_to_contain_text("Katselija")
    assert roles_of(session, other) == {("CRUD", OPPILAITOS_A2)}


# --- students ----------------------------------------------------------------------------------


def test_student_signs_in_with_test_identification_and_out(
    page: Page, session: Session, live_url: LiveServer
) -> None:
    student = add_student(session, etunimet="Aino Maria", sukunimi="Opiskelija")
    add_student(session, etunimet="Veikko", sukunimi="Toinen")

    page.goto(STUDENT_HOME)
    assert path_of(page) == STUDENT_SIGN_IN
    expect(page.locator("main h1")).to_have_text("Testitunnistautuminen")
    page.get_by_role("radio", name=re.compile("^Opiskelija, Aino Maria")).check()
    click_and_wait(page, "main form button[type=submit]")
    assert path_of(page) == STUDENT_HOME
    expect(page.locator("main h1")).to_have_text("Tervetuloa, Aino Opiskelija")

    click_and_wait(page, "header form button[type=submit]")
    assert path_of(page) == STUDENT_SIGN_IN
    expect(page.locator("main [role=status]")).to_have_text("Olet kirjautunut ulos.")
    page.goto(STUDENT_HOME)
    assert path_of(page) == STUDENT_SIGN_IN
    assert student.oid not in (page.locator("header").text_content() or "")


# --- keyboard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", OFFICER_SIGN_IN, OFFICER_HOME, STUDENT_SIGN_IN])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    page: Page, officer: str, path: str
) -> None:
    if path == OFFICER_HOME:
        sign_in_officer(page, officer)  # the signed-in header has more to skip
    page.goto(path)
    skip = page.locator("a.skip-link")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Siirry pääsisältöön")
    expect(skip).to_be_in_viewport()  # visible while focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab continues after the start of the main content (in it, or the footer when
    # the main content has nothing to focus), not from the header.
    page.keyboard.press("Tab")
    position = page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const focused = document.activeElement;
            if (main.contains(focused)) return "main";
            return main.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING
                ? "after main" : "before main";
        }"""
    )
    assert position in ("main", "after main")


_FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body || element.dataset.tabStopSeen) return null;
    element.dataset.tabStopSeen = "yes";
    const style = getComputedStyle(element);
    let background = "rgb(255, 255, 255)";
    for (let node = element.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour && colour !== "transparent" && !colour.endsWith(", 0)")) {
            background = colour;
            break;
        }
    }
    return {
        element: element.outerHTML.slice(0, 120),
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        outlineColour: style.outlineColor,
        boxShadow: style.boxShadow,
        background: background,
    };
}"""


def _rgb(text: str) -> tuple[float, float, float]:
    red, green, blue = (float(part) for part in re.findall(r"[\d.]+", text)[:3])
    return red, green, blue


def _contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        channels = [value / 255 for value in _rgb(colour)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_tab_stop_shows_its_focus_with_enough_contrast(
    page: Page, session: Session, live_url: LiveServer
) -> None:
    """WCAG 1.4.11: each focused element has a focus indicator (outline or halo) with at least
    3:1 contrast against the background around it — on the white page and the dark header."""
    add_organisations(session)
    admin = new_officer(session, "paa-kayttaja", [("PAAKAYTTAJA", KOULUTUSTOIMIJA_A)])
    new_officer(session, "opettaja", [("CRUD", OPPILAITOS_A2)])
    problems: list[str] = []
    for path in (OFFICER_SIGN_IN, USERS):
        if path == USERS:
            sign_in_officer(page, admin)
        page.goto(path)
        seen: list[str] = []
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(_FOCUSED)
            if focused is None:
                break  # past the last tab stop, or round to the first again
            seen.append(focused["element"])
            colours = re.findall(r"rgba?\([^)]*\)", focused["boxShadow"])
            if focused["outline"] >= 2:
                colours.append(focused["outlineColour"])
            best = max((_contrast(c, focused["background"]) for c in colours), default=0.0)
            if best < 3:
                problems.append(f"{path}: {focused['element']} (best contrast {best:.1f}:1)")
        assert len(seen) >= 10, f"too few tab stops on {path}: {seen}"
    assert not problems, "focus not visible enough:\n" + "\n".join(problems)
