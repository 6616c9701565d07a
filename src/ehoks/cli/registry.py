"""``ehoks registry …``: the local registers (import), the student and study-right index
(reindex, merge, koski404) and a check of every register."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from sqlalchemy.orm import Session

from ehoks.access.identity import SYSTEM_ACTOR, RequestOrigin
from ehoks.cli.common import command_session
from ehoks.db.engine import make_engine, make_sessionmaker
from ehoks.errors import EhoksError, InvalidRequest
from ehoks.hoks import index
from ehoks.hoks.index import Koski404Batch
from ehoks.jobs.koski404 import DEFAULT_BATCH_SIZE, Koski404Totals, run_koski404
from ehoks.registries.check import check_registries, http_urls
from ehoks.registries.importer import ImportReport, import_documents, rakenne_key_from_filename
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import Settings

app = typer.Typer(
    help="The national registers and the index eHOKS keeps of them.", no_args_is_help=True
)
reindex_app = typer.Typer(
    help="Fetch rows of the student and study-right index again from KOSKI and ONR.",
    no_args_is_help=True,
)
app.add_typer(reindex_app, name="reindex")

T = TypeVar("T")


@app.command("import")
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="JSON documents as KOSKI, ONR, Organisaatiopalvelu, Koodisto or ePerusteet "
            "serve them."
        ),
    ],
    oppija: Annotated[
        str | None,
        typer.Option(
            "--oppija", metavar="OID", help="The student of bare KOSKI opiskeluoikeus documents."
        ),
    ] = None,
    peruste: Annotated[
        int | None,
        typer.Option(
            "--peruste",
            metavar="ID",
            help="The peruste of bare ePerusteet rakenne / tutkinnon osa viite documents "
            "(default: from a file name like …perusteet_<ID>_suoritustavat_<tapa>_rakenne.json).",
        ),
    ] = None,
    suoritustapa: Annotated[
        str, typer.Option("--suoritustapa", help="Its suoritustapa (reformi, ops, naytto).")
    ] = "reformi",
) -> None:
    """Import registry documents into the local registers, all files in one transaction.

    The kind of each document is recognised from its content.

    Nothing is imported (exit status 1) when a file cannot be read or holds unknown content.
    """
    documents = [(path, _read_json(path)) for path in files]
    reports: list[tuple[Path, ImportReport]] = []
    with command_session() as session:
        for path, document in documents:
            key = (peruste, suoritustapa) if peruste else rakenne_key_from_filename(path.name)
            try:
                reports.append(
                    (
                        path,
                        import_documents(
                            session,
                            document,
                            oppija_oid=oppija,
                            peruste_id=key[0] if key else None,
                            suoritustapa=key[1] if key else suoritustapa,
                        ),
                    )
                )
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


# --- the index -----------------------------------------------------------------------------------


def _with_registers(work: Callable[[Session, Registries], T]) -> T:
    """Run ``work`` in one transaction with the configured registers; errors end the command."""
    settings = Settings()
    factory = RegistryFactory(settings)
    try:
        with command_session(settings) as session:
            return work(session, factory.bind(session))
    except EhoksError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        factory.close()


@reindex_app.command("opiskeluoikeus")
def reindex_opiskeluoikeus(
    oid: Annotated[str, typer.Argument(help="The study right's OID (1.2.246.562.15.…).")],
) -> None:
    """Fetch an indexed study right again from KOSKI (and its procured trainings).

    A study right KOSKI no longer knows keeps its row and is marked koski404.
    """
    result = _with_registers(
        lambda session, registries: index.reindex_opiskeluoikeus(session, registries, oid)
    )
    typer.echo(result.describe())


@reindex_app.command("koulutustoimija")
def reindex_koulutustoimija(
    oid: Annotated[str, typer.Argument(help="The koulutustoimija's organisation OID.")],
) -> None:
    """Fetch every indexed study right of a koulutustoimija again from KOSKI."""
    report = _with_registers(
        lambda session, registries: index.reindex_koulutustoimija(session, registries, oid)
    )
    typer.echo(f"{oid}: {report.describe()}")


@reindex_app.command("oppija")
def reindex_oppija(
    oid: Annotated[str, typer.Argument(help="The student's person OID (1.2.246.562.24.…).")],
) -> None:
    """Fetch a student's name again from ONR."""
    refresh = _with_registers(
        lambda session, registries: index.refresh_oppija(session, registries, oid)
    )
    typer.echo(refresh.describe())


@reindex_app.command("missing")
def reindex_missing() -> None:
    """Index what is missing from the student and study-right index.

    Students of HOKSes, study rights of HOKSes created within the last year, and rows without a
    tutkinto name. A failing item is reported on stderr and does not stop the others.
    """

    def work(
        session: Session, registries: Registries
    ) -> tuple[index.IndexMissingReport, index.UnindexedCounts]:
        report = index.index_missing(session, registries)
        return report, index.unindexed_counts(session)

    report, left = _with_registers(work)
    for oid in report.failed:
        typer.echo(f"failed: {oid} (see the log)", err=True)
    typer.echo(report.describe())
    typer.echo(
        f"still unindexed: {left.oppijat} oppijat, {left.opiskeluoikeudet} opiskeluoikeudet, "
        f"{left.tutkinnot} without tutkinto"
    )


@app.command("merge")
def merge(
    oid: Annotated[str, typer.Argument(help="The master person OID in ONR.")],
) -> None:
    """Follow a person merge in ONR (onrmodify) for a master OID.

    The master takes over the live HOKSes and the index rows of its indexed duplicates, in one
    transaction; every moved HOKS is audited as this command.
    """
    actor = dataclasses.replace(
        SYSTEM_ACTOR,
        origin=RequestOrigin(user_agent="ehoks registry merge", session="cli"),
    )
    report = _with_registers(
        lambda session, registries: index.merge_oppija(session, registries, actor, oid)
    )
    typer.echo(report.describe())
    for hoks_id in report.moved_hoks_ids:
        typer.echo(f"moved HOKS {hoks_id}")


@app.command("koski404")
def koski404(
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="HOKSes per KOSKI round and transaction.")
    ] = DEFAULT_BATCH_SIZE,
    from_id: Annotated[
        int, typer.Option("--from-id", min=0, help="Start after this HOKS id (to continue a run).")
    ] = 0,
) -> None:
    """Mark the study rights KOSKI no longer returns (koski404).

    Asks KOSKI for the study right of every live HOKS, by HOKS id, and clears the mark of those
    it returns again. Commits after each batch; a KOSKI failure stops the run (continue it with
    --from-id).
    """
    settings = Settings()
    engine = make_engine(settings.database_url)
    factory = RegistryFactory(settings)
    done = Koski404Totals(last_id=from_id)

    def progress(result: Koski404Batch) -> None:
        done.add(result)
        marked = " ".join(str(hoks_id) for hoks_id in result.marked_hoks_ids)
        typer.echo(
            f"checked {result.checked} up to HOKS id {result.last_id}: "
            f"{result.marked} koski404{': ' + marked if marked else ''}"
        )

    try:
        totals = run_koski404(
            make_sessionmaker(engine),
            factory,
            batch_size=batch,
            from_id=from_id,
            progress=progress,
        )
    except EhoksError as error:
        typer.echo(
            f"error: {error.message}; batches up to HOKS id {done.last_id} were saved, "
            f"continue with --from-id {done.last_id}",
            err=True,
        )
        raise typer.Exit(1) from None
    finally:
        factory.close()
        engine.dispose()
    typer.echo(totals.describe())


# --- the registers -------------------------------------------------------------------------------


@app.command("check")
def check() -> None:
    """Ask every register one cheap question: does it answer, and how fast.

    Exit status 1 when any register does not answer.
    """
    settings = Settings()
    factory = RegistryFactory(settings)
    try:
        with command_session(settings) as session:
            results = check_registries(factory.bind(session), urls=http_urls(factory))
    finally:
        factory.close()
    width = max(len(result.where) for result in results)
    for result in results:
        status = "OK" if result.ok else "FAILED"
        milliseconds = round(result.seconds * 1000)
        typer.echo(
            f"{result.register:<13} {result.where:<{width}} {status:<6} "
            f"{milliseconds:>6} ms  {result.detail}"
        )
    if not all(result.ok for result in results):
        raise typer.Exit(1)
