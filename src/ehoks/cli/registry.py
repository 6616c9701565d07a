"""``ehoks registry …``: filling the local registers from the registers' own JSON documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from ehoks.cli.common import command_session
from ehoks.errors import InvalidRequest
from ehoks.registries.importer import ImportReport, import_documents

app = typer.Typer(help="The local copies of the national registers.", no_args_is_help=True)


@app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(help="JSON documents as KOSKI, ONR or Organisaatiopalvelu serve them."),
    ],
    oppija: Annotated[
        str | None,
        typer.Option(
            "--oppija", metavar="OID", help="The student of bare KOSKI opiskeluoikeus documents."
        ),
    ] = None,
) -> None:
    """Import registry documents into the local registers, all files in one transaction.

    The kind of each document is recognised from its content.

    Nothing is imported (exit status 1) when a file cannot be read or holds unknown content.
    """
    documents = [(path, _read_json(path)) for path in files]
    reports: list[tuple[Path, ImportReport]] = []
    with command_session() as session:
        for path, document in documents:
            try:
                reports.append((path, import_documents(session, document, oppija_oid=oppija)))
            except InvalidRequest as error:
                _fail(f"{path}: {error.message}")
    total = ImportReport()
    for path, report in reports:
        typer.echo(f"{path}: {report.describe()}")
        total += report
    if len(reports) > 1:
        typer.echo(f"imported {total.describe()}")


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        _fail(f"{path}: cannot read the file: {error.strerror or error}")
    except UnicodeDecodeError as error:
        _fail(f"{path}: not UTF-8 text: {error.reason} at byte {error.start}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"{path}: not JSON: {error.msg} at line {error.lineno} column {error.colno}")


def _fail(message: str) -> NoReturn:
    typer.echo(f"{message}; nothing was imported", err=True)
    raise typer.Exit(code=1)
