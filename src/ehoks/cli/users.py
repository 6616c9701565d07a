"""``ehoks users …``: users of the built-in CAS."""

from __future__ import annotations

import sys

import typer

from ehoks.access.users import (
    MIN_PASSWORD_LENGTH,
    Kayttajatyyppi,
    cas_roles_of,
    create_user,
    list_users,
)
from ehoks.cli.common import command_session
from ehoks.errors import EhoksError

app = typer.Typer(help="Users of the built-in CAS.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _parse_role(value: str) -> tuple[str, str]:
    name, separator, organisation_oid = value.partition(":")
    if not separator or not name or not organisation_oid:
        raise _fail(f"--role {value!r}: expected NAME:ORGANISATION_OID")
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
