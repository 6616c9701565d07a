"""``ehoks users add-officer | grant | revoke`` against the test database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from ehoks.access.passwords import verify_password
from ehoks.access.storage import AuditEvent, User
from ehoks.cli import app
from ehoks.identifiers import is_valid_oppija_oid
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support.cas import make_service_user
from tests.support.web import make_officer, sign_in_officer
from tests.support.world import KOULUTUSTOIMIJA_A, OPPILAITOS_A1, add_organisations, new_oid

PASSWORD = "Vahva-salasana-123!"
HOME = "/ehoks-virkailija-ui/"


@pytest.fixture
def runner(db: Engine, settings: Settings) -> CliRunner:
    return CliRunner(env={"EHOKS_DATABASE_URL": settings.database_url})


def user_named(session: Session, username: str) -> User | None:
    session.expire_all()
    user = session.scalar(select(User).where(User.username == username))
    session.commit()  # no transaction left open: the next command (or page) writes
    return user


def roles_of(session: Session, username: str) -> set[tuple[str, str]]:
    user = user_named(session, username)
    assert user is not None
    return {(role.name, role.organisation_oid) for role in user.roles}


def add_officer(runner: CliRunner, *args: str, password: str = PASSWORD) -> Result:
    return runner.invoke(
        app, ["users", "add-officer", *args, "--password-stdin"], input=password + "\n"
    )


# --- add-officer ---------------------------------------------------------------------------------


def test_add_officer_creates_an_officer_who_signs_in(
    runner: CliRunner, session: Session, client: TestClient
) -> None:
    add_organisations(session)

    result = runner.invoke(
        app,
        [
            "users",
            "add-officer",
            "paula",
            "--password-stdin",
            "--role",
            f"PAAKAYTTAJA:{KOULUTUSTOIMIJA_A}",
            "--role",
            f"CRUD:{KOULUTUSTOIMIJA_A}",
            "--display-name",
            "Paula Pääkäyttäjä",
        ],
        input=PASSWORD + "\n",
    )

    assert result.exit_code == 0, result.output
    user = user_named(session, "paula")
    assert user is not None
    assert result.stdout.strip() == user.oid
    assert is_valid_oppija_oid(user.oid)
    assert user.kayttajatyyppi == "VIRKAILIJA"
    assert user.display_name == "Paula Pääkäyttäjä"
    assert verify_password(user.password_hash, PASSWORD)
    assert roles_of(session, "paula") == {
        ("PAAKAYTTAJA", KOULUTUSTOIMIJA_A),
        ("CRUD", KOULUTUSTOIMIJA_A),
    }
    assert sign_in_officer(client, "paula", PASSWORD).status_code == 303
    assert "Paula Pääkäyttäjä" in client.get(HOME).text
    assert client.get("/ehoks-virkailija-ui/kayttajat").status_code == 200
    events = session.scalars(select(AuditEvent).where(AuditEvent.operation == "create-user")).all()
    assert [(event.actor_kind, event.target["username"]) for event in events] == [
        ("SYSTEM", "paula")
    ]
    assert PASSWORD not in str(events[0].changes)


def test_add_officer_in_an_organisation_not_imported_yet(
    runner: CliRunner, session: Session
) -> None:
    unknown = new_oid("10")

    result = add_officer(
        runner, "olli", "--role", f"OPHPAAKAYTTAJA:{OPH_ROOT_OID}", "--role", f"READ:{unknown}"
    )

    assert result.exit_code == 0, result.output
    assert roles_of(session, "olli") == {("OPHPAAKAYTTAJA", OPH_ROOT_OID), ("READ", unknown)}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", f"ADMIN:{OPPILAITOS_A1}"], PASSWORD, "Unknown role `ADMIN`"),
        (["--role", "CRUD:1.2.246.562.24.44651722625"], PASSWORD, "Malformed organisation OID"),
        (["--role", "CRUD"], PASSWORD, "expected NAME:ORGANISATION_OID"),
        (["--role", f"OPHPAAKAYTTAJA:{KOULUTUSTOIMIJA_A}"], PASSWORD, "OPH root organisation"),
        ([], PASSWORD, "at least one --role"),
        (["--role", f"READ:{OPPILAITOS_A1}"], "short-pw1", "at least 10 characters"),
        (["--role", f"READ:{OPPILAITOS_A1}"], "", "empty"),
    ],
)
def test_add_officer_errors_exit_1(
    runner: CliRunner, session: Session, args: list[str], stdin: str, message: str
) -> None:
    result = add_officer(runner, "kaisa", *args, password=stdin)

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert user_named(session, "kaisa") is None


def test_add_officer_needs_the_password_on_stdin(runner: CliRunner, session: Session) -> None:
    result = runner.invoke(
        app, ["users", "add-officer", "kaisa", "--role", f"READ:{OPPILAITOS_A1}"], input=PASSWORD
    )

    assert result.exit_code == 1
    assert "--password-stdin" in result.stderr
    assert user_named(session, "kaisa") is None


def test_add_officer_refuses_a_taken_username(runner: CliRunner, session: Session) -> None:
    make_service_user(session, "kaisa", [])

    result = add_officer(runner, "kaisa", "--role", f"READ:{OPPILAITOS_A1}")

    assert result.exit_code == 1
    assert "User `kaisa` already exists" in result.stderr
    user = user_named(session, "kaisa")
    assert user is not None and user.kayttajatyyppi == "PALVELU"


# --- grant and revoke ----------------------------------------------------------------------------


def test_grant_gives_a_role_that_works(
    runner: CliRunner, session: Session, client: TestClient
) -> None:
    add_organisations(session)
    make_officer(session, "kaisa", [])

    result = runner.invoke(app, ["users", "grant", "kaisa", f"PAAKAYTTAJA:{OPPILAITOS_A1}"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"granted PAAKAYTTAJA:{OPPILAITOS_A1} to kaisa"
    assert roles_of(session, "kaisa") == {("PAAKAYTTAJA", OPPILAITOS_A1)}
    sign_in_officer(client, "kaisa")
    assert client.get("/ehoks-virkailija-ui/kayttajat").status_code == 200
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.operation == "grant-role"))
    assert event.actor_kind == "SYSTEM"
    assert event.target["role"] == "PAAKAYTTAJA"
    assert event.changes == [{"path": "roles", "newValue": f"PAAKAYTTAJA:{OPPILAITOS_A1}"}]


def test_revoke_takes_the_role_away(
    runner: CliRunner, session: Session, client: TestClient
) -> None:
    add_organisations(session)
    make_officer(session, "kaisa", [("PAAKAYTTAJA", OPPILAITOS_A1), ("READ", OPPILAITOS_A1)])
    sign_in_officer(client, "kaisa")
    assert client.get("/ehoks-virkailija-ui/kayttajat").status_code == 200

    result = runner.invoke(app, ["users", "revoke", "kaisa", f"PAAKAYTTAJA:{OPPILAITOS_A1}"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"revoked PAAKAYTTAJA:{OPPILAITOS_A1} from kaisa"
    assert roles_of(session, "kaisa") == {("READ", OPPILAITOS_A1)}
    assert client.get("/ehoks-virkailija-ui/kayttajat").status_code == 403
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.operation == "revoke-role"))
    assert event.changes == [{"path": "roles", "oldValue": f"PAAKAYTTAJA:{OPPILAITOS_A1}"}]


@pytest.mark.parametrize(
    ("command", "username", "role", "message"),
    [
        ("grant", "nobody", f"READ:{OPPILAITOS_A1}", "Unknown user `nobody`"),
        ("grant", "kaisa", f"READ:{OPPILAITOS_A1}", "already holds READ"),
        ("grant", "kaisa", f"ADMIN:{OPPILAITOS_A1}", "Unknown role `ADMIN`"),
        ("grant", "kaisa", "READ:not-an-oid", "Malformed organisation OID"),
        ("grant", "kaisa", "READ", "expected NAME:ORGANISATION_OID"),
        ("grant", "kaisa", f"OPHPAAKAYTTAJA:{OPPILAITOS_A1}", "OPH root organisation"),
        ("grant", "primus", f"PAAKAYTTAJA:{OPPILAITOS_A1}", "Service users can hold only"),
        ("revoke", "kaisa", f"CRUD:{OPPILAITOS_A1}", "does not hold CRUD"),
        ("revoke", "nobody", f"READ:{OPPILAITOS_A1}", "Unknown user `nobody`"),
        ("revoke", "kaisa", f"READ:{OPPILAITOS_A1}x", "Malformed organisation OID"),
    ],
)
def test_grant_and_revoke_errors_exit_1(
    runner: CliRunner, session: Session, command: str, username: str, role: str, message: str
) -> None:
    make_officer(session, "kaisa", [("READ", OPPILAITOS_A1)])
    make_service_user(session, "primus", [("CRUD", OPPILAITOS_A1)])

    result = runner.invoke(app, ["users", command, username, role])

    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert roles_of(session, "kaisa") == {("READ", OPPILAITOS_A1)}
    assert roles_of(session, "primus") == {("CRUD", OPPILAITOS_A1)}
    assert session.scalars(select(AuditEvent)).all() == []


def test_the_existing_commands_still_work(runner: CliRunner, session: Session) -> None:
    added = runner.invoke(
        app,
        ["users", "add-service", "primus", "--password-stdin", "--role", f"CRUD:{OPPILAITOS_A1}"],
        input=PASSWORD,
    )
    granted = runner.invoke(app, ["users", "grant", "primus", f"READ:{KOULUTUSTOIMIJA_A}"])
    listed = runner.invoke(app, ["users", "list"])

    assert (added.exit_code, granted.exit_code, listed.exit_code) == (0, 0, 0)
    [line] = listed.stdout.splitlines()
    assert line.split("\t")[:2] == ["primus", "PALVELU"]
    assert f"ROLE_APP_EHOKS_CRUD_{OPPILAITOS_A1}" in line
    assert f"ROLE_APP_EHOKS_READ_{KOULUTUSTOIMIJA_A}" in line
