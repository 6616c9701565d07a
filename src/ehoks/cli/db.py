"""``ehoks db …``: the database schema."""

from __future__ import annotations

import typer

from ehoks.db.migrate import upgrade as run_upgrade
from ehoks.settings import Settings

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the database named by EHOKS_DATABASE_URL to the latest schema."""
    settings = Settings()
    run_upgrade(settings.database_url, revision)
    typer.echo("database schema is up to date")
