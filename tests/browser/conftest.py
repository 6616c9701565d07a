"""Browser tests: the pages in a real headless Chromium, driven by Playwright, checked by axe-core.

- ``live_server``: the whole app (``create_app``) served by uvicorn in a background thread on a
  free loopback port, against the test session's database. The ``db`` fixture empties the
  tables before each test, so every test seeds its own data (``session`` fixture) — the
  ``live_url`` fixture makes sure the emptying happens first. End each transaction of the
  test's session (commit or rollback, also after a mere SELECT) before the browser's next
  request: on SQLite every transaction takes the write lock (``BEGIN IMMEDIATE``), and the
  server would wait for it.
- ``browser``: Debian's ``chromium`` (``scripts/install-browser``), launched through
  ``executable_path`` — Playwright's own browser downloads are never used. A missing Chromium
  fails the tests (it never skips them).
- ``context`` / ``page``: one browser context and page (a new context per test would cost more
  than the test); every test starts with no cookies.
- ``assert_accessible(page)``: axe-core (WCAG 2.0/2.1 A and AA rules) on the current page;
  ``screenshot(page, name, lang)`` to ``var/screenshots/`` for a human to look at.

The server, Playwright, the browser and the context live as long as the ``tests/browser``
package runs (per xdist worker): Playwright's sync API marks the main thread's asyncio loop as
running while it is started, so it stops before the rest of the suite (``asyncio.run`` works
there). Put browser tests of later features in this package to reuse all of it.

The browser tests run in the SQLite half of the test command only: the pages do not depend on
the database backend, and the PostgreSQL half runs every other page test.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.base import AXE_FILE_PATH
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ehoks.app import create_app
from ehoks.settings import Environment, Settings
from tests.conftest import BACKEND
from tests.support.web import PASSWORD, make_officer

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000

OFFICER_SIGN_IN = "/ehoks-virkailija-ui/kirjaudu"
OFFICER_HOME = "/ehoks-virkailija-ui/"
STUDENT_SIGN_IN = "/ehoks/kirjaudu"
STUDENT_HOME = "/ehoks/"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "postgresql":
        return
    skip = pytest.mark.skip(
        reason="browser tests run in the SQLite half (the pages do not depend on the backend)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


# --- the live server ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str


@pytest.fixture(scope="package")
def live_server(database_url: str) -> Iterator[LiveServer]:
    """The app on ``http://127.0.0.1:<free port>`` (uvicorn in a thread)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        environment=Environment.TEST,
        database_url=database_url,
        public_url=url,
        audit_log=True,
    )
    config = uvicorn.Config(
        create_app(settings),
        log_config=None,  # leave the test process's logging configuration alone
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)  # uvicorn offers no start-up event to wait on
    if not server.started:
        server.should_exit = True
        thread.join(5)
        sock.close()
        pytest.fail("the live server did not start (see the log above)")
    yield LiveServer(url)
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def live_url(live_server: LiveServer, db: Engine) -> LiveServer:
    """The live server, with this test's (emptied) database."""
    return live_server


# --- the browser -------------------------------------------------------------------------------


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium is not installed: run scripts/install-browser (it installs Debian's "
            "`chromium`; the browser tests never download a browser)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root (CI runs as root)
    browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def shared_context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """One browser context (and its renderer) for the browser tests: a new one per test costs
    more than the test; each test starts with its cookies cleared instead."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="fi-FI"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def context(shared_context: BrowserContext, live_url: LiveServer) -> BrowserContext:
    """The browser context, without cookies (no session, no language chosen)."""
    shared_context.clear_cookies()
    return shared_context


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.pages[0] if context.pages else context.new_page()
    yield page
    for other in context.pages:
        if other is not page:
            other.close()
    if not page.is_closed():
        page.goto("about:blank")


# --- helpers -----------------------------------------------------------------------------------


def set_language(context: BrowserContext, base_url: str, lang: str) -> None:
    """Choose the pages' language as the language links do (the ``lang`` cookie)."""
    context.add_cookies([{"name": "lang", "value": lang, "url": base_url}])


def sign_in_officer(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the officer sign-in form; ends on the officer home page."""
    page.goto(OFFICER_SIGN_IN)
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(OFFICER_HOME), f"sign-in did not reach the home page: {page.url}"


def sign_in_student(page: Page, oid: str) -> None:
    """Sign in on the student test identification page; ends on the student home page."""
    page.goto(STUDENT_SIGN_IN)
    page.locator(f"input[name=oid][value='{oid}']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(STUDENT_HOME), f"sign-in did not reach the home page: {page.url}"


def new_officer(session: Session, username: str, roles: list[tuple[str, str]]) -> str:
    make_officer(session, username, roles, display_name=username.replace("-", " ").title())
    return username


def screenshot(page: Page, name: str, lang: str) -> None:
    """``var/screenshots/<name>-<lang>.png`` for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{lang}.png"), full_page=True)


_AXE_SOURCE = AXE_FILE_PATH.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG 2.0/2.1 A and AA rules on the current page."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, so the page's strict CSP stays as it is.
        page.evaluate(_AXE_SOURCE)
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    return list(results["violations"])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list of axe-core's WCAG 2.1 A/AA violations on the current page."""
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
