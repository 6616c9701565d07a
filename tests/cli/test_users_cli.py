"""``ehoks users …`` against the test database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ehoks.access.passwords import verify_password
from ehoks.access.storage import User
from ehoks.cli import app
from ehoks.identifiers import is_valid_oppija_oid
from ehoks.settings import Settings
from tests.support.cas import service_ticket

ORG = "1.2.246.562.10.346830761110"
OPH = "1.2.246.562.10.00000000001"
PASSWORD = "Vahva-salasana-123!"


@pytest.fixture
def runner(db: Engine, settings: Settings) -> CliRunner:
    return CliRunner(env={"EHOKS_DATABASE_URL": settings.database_url})


def user_named(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def test_add_service_creates_the_user_with_roles(runner: CliRunner, session: Session) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "add-service",
            "hakus",
            "--password-stdin",
            "--role",
            f"CRUD:{ORG}",
            "--role",
            f"READ:{OPH}",
        ],
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    user = user_named(session, "hakus")
    assert user is not None
    assert result.stdout.strip() == user.oid
    assert is_valid_oppija_oid(user.oid)
    assert user.oid.startswith("1.2.246.562.24.")
    assert user.kayttajatyyppi == "PALVELU"
    assert sorted((role.name, role.organisation_oid) for role in user.roles) == [
        ("CRUD", ORG),
        ("READ", OPH),
    ]
    assert verify_password(user.password_hash, PASSWORD)  # the newline is not part of it
    assert user.password_hash.startswith("$argon2id$")


def test_the_new_user_gets_tickets(runner: CliRunner, client: TestClient) -> None:
    result = runner.invoke(
        app,
        ["users", "add-service", "hakus", "--password-stdin", "--role", f"CRUD:{ORG}"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output

    assert service_ticket(client, "hakus", PASSWORD).startswith("ST-")


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (f"ADMIN:{ORG}", "Unknown role `ADMIN`"),
        ("CRUD:1.2.246.562.24.44651722625", "Malformed organisation OID"),
        ("CRUD:not-an-oid", "Malformed organisation OID"),
        ("CRUD", "expected NAME:ORGANISATION_OID"),
    ],
)
def test_bad_role_exits_1(runner: CliRunner, session: Session, role: str, message: str) -> None:
    result = runner.invoke(
        app,
        ["users", "add-service", "hakus", "--password-stdin", "--role", role],
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 1
    assert message in result.stderr
    assert user_named(session, "hakus") is None


def test_duplicate_username_exits_1(runner: CliRunner, session: Session) -> None:
    first = runner.invoke(
        app, ["users", "add-service", "hakus", "--password-stdin"], input=PASSWORD
    )
    second = runner.invoke(
        app, ["users", "add-service", "hakus", "--password-stdin"], input="Toinen-salasana-456\n"
    )

    assert first.exit_code == 0, first.output
    assert second.exit_code == 1
    assert "User `hakus` already exists" in second.stderr
    user = user_named(session, "hakus")
    assert user is not None
    assert verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "empty"),
        ("\n", "empty"),
        ("short-pw1\n", "at least 10 characters"),
        ("first-line-1\nsecond-line-2\n", "single line"),
    ],
)
def test_bad_password_exits_1(
    runner: CliRunner, session: Session, stdin: str, message: str
) -> None:
    result = runner.invoke(app, ["users", "add-service", "hakus", "--password-stdin"], input=stdin)

    assert result.exit_code == 1
    assert message in result.stderr
    assert user_named(session, "hakus") is None


def test_password_must_come_from_stdin(runner: CliRunner, session: Session) -> None:
    result = runner.invoke(app, ["users", "add-service", "hakus"], input=PASSWORD)

    assert result.exit_code == 1
    assert "--password-stdin" in result.stderr
    assert user_named(session, "hakus") is None


def test_list_shows_users_and_roles(runner: CliRunner) -> None:
    runner.invoke(
        app,
        ["users", "add-service", "b-user", "--password-stdin", "--role", f"READ:{ORG}"],
        input=PASSWORD,
    )
    runner.invoke(app, ["users", "add-service", "a-user", "--password-stdin"], input=PASSWORD)

    result = runner.invoke(app, ["users", "list"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["a-user", "b-user"]
    assert lines[1].split("\t")[1] == "PALVELU"
    assert lines[1].endswith(f"ROLE_APP_EHOKS_READ_{ORG}")
