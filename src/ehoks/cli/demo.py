"""``ehoks demo …``: the demo data set of the embedded default."""

from __future__ import annotations

import typer

from ehoks.cli.common import command_session
from ehoks.demo import load_demo, refuse_in_production, render_guide
from ehoks.errors import EhoksError
from ehoks.settings import Settings

app = typer.Typer(help="The demo data set (never in production).", no_args_is_help=True)


@app.command("load")
def load() -> None:
    """Load demo organisations, students, study rights, HOKSes and users, then print a guide.

    Run ``ehoks db upgrade`` first. Loading again changes nothing. Refused when
    EHOKS_ENVIRONMENT is production.
    """
    settings = Settings()
    try:
        refuse_in_production(settings)
        with command_session(settings) as session:
            report = load_demo(session, settings=settings)
    except EhoksError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from None
    typer.echo(render_guide(report, settings))
