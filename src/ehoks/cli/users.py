"""``ehoks users …``: users of the built-in CAS."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from ehoks.access.administration import create_officer, grant_role, revoke_role
from ehoks.access.identity import SYSTEM_ACTOR
from ehoks.access.users import (
    MIN_PASSWORD_LENGTH,
    Kayttajatyyppi,
    cas_roles_of,
    create_user,
    list_users,
)
from ehoks.cli.common import command_session
from ehoks.errors import EhoksError
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import Settings

app = typer.Typer(help="Users of the built-in CAS.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _parse_role(value: str, what: str = "--role") -> tuple[str, str]:
    name, separator, organisation_oid = value.partition(":")
    if not separator or not name or not organisation_oid:
        raise _fail(f"{what} {value!r}: expected NAME:ORGANISATION_OID")
    return name.strip(), organisation_oid.strip()


def _read_password() -> str:
    password = sys.stdin.read()
    # Only the line ending `echo` or a here-string adds; other whitespace belongs to the password.
    if password.endswith("\r\n"):
        password = password[:-2]
    elif password.endswith("\n"):
        password = password[:-1]
    if not password:
        raise _fail("the password on stdin is empty")
    if "\n" in password or "\r" in password:
        raise _fail("the password on stdin must be a single line")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise _fail(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    return password


@app.command("add-service")
def add_service(
    username: str = typer.Argument(..., help="The service user's CAS username."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (required)."
    ),
    role: list[str] = typer.Option(  # noqa: B008 - Typer declares options by default value
        [],
        "--role",
        metavar="NAME:ORG_OID",
        help="A role (CRUD, READ, HOKS_DELETE, OPHPAAKAYTTAJA, PAAKAYTTAJA) in an organisation; "
        "repeat for several.",
    ),
    display_name: str = typer.Option("", help="A name for people reading the user list."),
) -> None:
    """Create a service user (PALVELU) and print its person OID (oidHenkilo)."""
    if not password_stdin:
        raise _fail("give the password on standard input with --password-stdin")
    roles = [_parse_role(value) for value in role]
    password = _read_password()
    try:
        with command_session() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                kayttajatyyppi=Kayttajatyyppi.PALVELU,
                roles=roles,
                display_name=display_name,
            )
            oid = user.oid
    except EhoksError as error:
        raise _fail(error.message) from None
    typer.echo(oid)


@contextmanager
def _administration() -> Iterator[tuple[Session, Registries]]:
    """One committed unit of work with the registers, acting as the system (all rights)."""
    settings = Settings()
    factory = RegistryFactory(settings)
    try:
        with command_session(settings) as session:
            yield session, factory.bind(session)
    finally:
        factory.close()


@app.command("add-officer")
def add_officer(
    username: str = typer.Argument(..., help="The officer's username."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (required)."
    ),
    role: list[str] = typer.Option(  # noqa: B008 - Typer declares options by default value
        [],
        "--role",
        metavar="NAME:ORG_OID",
        help="A role (READ, CRUD, HOKS_DELETE, PAAKAYTTAJA, OPHPAAKAYTTAJA) in an organisation; "
        "at least one, repeat for several.",
    ),
    display_name: str = typer.Option("", help="The officer's name as the pages show it."),
) -> None:
    """Create an officer (VIRKAILIJA) of the built-in sign-in and print its person OID."""
    if not password_stdin:
        raise _fail("give the password on standard input with --password-stdin")
    if not role:
        raise _fail("give at least one --role NAME:ORG_OID")
    roles = [_parse_role(value) for value in role]
    password = _read_password()
    try:
        with _administration() as (session, registries):
            user, _password = create_officer(
                session,
                registries,
                actor=SYSTEM_ACTOR,
                username=username,
                roles=roles,
                display_name=display_name,
                password=password,
            )
            oid = user.oid
    except EhoksError as error:
        raise _fail(error.message) from None
    typer.echo(oid)


def _change_role(change: Callable[..., object], username: str, role: str) -> tuple[str, str]:
    """Apply ``grant_role`` or ``revoke_role`` for ``role`` (``NAME:ORG_OID``) as the system."""
    name, organisation_oid = _parse_role(role, "role")
    try:
        with _administration() as (session, registries):
            change(
                session,
                registries,
                actor=SYSTEM_ACTOR,
                username=username,
                name=name,
                organisation_oid=organisation_oid,
            )
    except EhoksError as error:
        raise _fail(error.message) from None
    return name, organisation_oid


@app.command("grant")
def grant(
    username: str = typer.Argument(..., help="The user's username."),
    role: str = typer.Argument(..., metavar="NAME:ORG_OID", help="The role and its organisation."),
) -> None:
    """Grant a role in an organisation (and its descendants) to a user."""
    name, organisation_oid = _change_role(grant_role, username, role)
    typer.echo(f"granted {name}:{organisation_oid} to {username}")


@app.command("revoke")
def revoke(
    username: str = typer.Argument(..., help="The user's username."),
    role: str = typer.Argument(..., metavar="NAME:ORG_OID", help="The role and its organisation."),
) -> None:
    """Revoke a role in an organisation from a user."""
    name, organisation_oid = _change_role(revoke_role, username, role)
    typer.echo(f"revoked {name}:{organisation_oid} from {username}")


@app.command("list")
def list_command() -> None:
    """Every user: username, type, person OID and CAS roles."""
    with command_session() as session:
        users = list_users(session)
        rows = [
            (user.username, user.kayttajatyyppi, user.oid, ", ".join(cas_roles_of(user)))
            for user in users
        ]
    for row in rows:
        typer.echo("\t".join(row))
