"""Two ``ehoks serve`` processes on one PostgreSQL database share the sessions: an officer signs
in on one, continues on the other, signs out there, and the first sees the session gone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.storage import WebSession
from ehoks.settings import Settings
from tests.support import world
from tests.support.web import PASSWORD, csrf_token, db_value, make_officer

pytestmark = pytest.mark.postgres

EHOKS = Path(sys.executable).with_name("ehoks")
PYCACHE = Path(tempfile.gettempdir()) / "ehoks-test-pycache"
HEALTHCHECK = "/ehoks-virkailija-backend/api/v1/healthcheck"
SIGN_IN = "/ehoks-virkailija-ui/kirjaudu"
SIGN_OUT = "/ehoks-virkailija-ui/kirjaudu-ulos"
HOME = "/ehoks-virkailija-ui/"
# Generous for a loaded machine; two servers normally answer within a few seconds.
START_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"ehoks serve exited with {process.returncode}:\n{log.read_text()}"
            )
        try:
            if httpx.get(base_url + HEALTHCHECK, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(
        f"ehoks serve at {base_url} did not answer within {START_TIMEOUT_SECONDS} s:\n"
        f"{log.read_text()}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def servers(settings: Settings, session: Session, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two app servers (separate processes) on the test's PostgreSQL database, as behind one
    load balancer: the same public URL, the same secret."""
    ports = (free_port(), free_port())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EHOKS_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        # Bytecode in a cache outside the source tree, kept between runs: without it each
        # server compiles every module it imports, which takes most of the test's time.
        PYTHONPYCACHEPREFIX=str(PYCACHE),
        EHOKS_DATABASE_URL=settings.database_url,
        EHOKS_PUBLIC_URL=f"http://127.0.0.1:{ports[0]}",
        EHOKS_ENVIRONMENT="test",
        EHOKS_AUDIT_LOG="false",
    )
    processes: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"serve-{port}.log" for port in ports]
    try:
        for port, log in zip(ports, logs, strict=True):
            with log.open("wb") as output:  # the child keeps its own handle
                processes.append(
                    subprocess.Popen(
                        [str(EHOKS), "serve", "--host", "127.0.0.1", "--port", str(port)],
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for process, url, log in zip(processes, urls, logs, strict=True):
            wait_until_healthy(process, url, log)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            stop(process)


def test_a_session_started_on_one_server_continues_on_the_other(
    servers: tuple[str, str], session: Session
) -> None:
    make_officer(
        session, "jaettu", [("CRUD", world.KOULUTUSTOIMIJA_A)], display_name="Jaana Jaettu"
    )
    first_url, second_url = servers

    with httpx.Client(base_url=first_url) as first:
        form = first.get(SIGN_IN)
        signed_in = first.post(
            SIGN_IN,
            data={"csrf_token": csrf_token(form), "username": "jaettu", "password": PASSWORD},
        )
        assert signed_in.status_code == 303, signed_in.text
        cookie = signed_in.cookies["ehoks_session"]
        assert first.get(HOME).status_code == 200

        with httpx.Client(base_url=second_url, cookies={"ehoks_session": cookie}) as second:
            home = second.get(HOME)
            assert home.status_code == 200
            assert "Jaana Jaettu" in home.text
            signed_out = second.post(SIGN_OUT, data={"csrf_token": csrf_token(home)})
            assert signed_out.status_code == 303
            assert signed_out.headers["location"] == SIGN_IN

        assert db_value(session, select(WebSession.id)) is None
        gone = first.get(HOME)
        assert gone.status_code == 303
        assert gone.headers["location"].startswith(SIGN_IN)
        assert first.get("/ehoks-virkailija-backend/api/v1/virkailija/session").status_code == 401
