"""The ``ehoks`` command. Each command parses its arguments, calls one service, commits once."""

from __future__ import annotations

import logging

import typer

from ehoks.cli import db, demo, registry, users
from ehoks.settings import Settings

app = typer.Typer(help="eHOKS: the national store of HOKS plans.", no_args_is_help=True)
app.add_typer(db.app, name="db")
app.add_typer(registry.app, name="registry")
app.add_typer(users.app, name="users")
app.add_typer(demo.app, name="demo")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Serve the API and the pages."""
    import uvicorn

    settings = Settings()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    typer.echo(f"eHOKS at {settings.public_url} (database {_safe_url(settings.database_url)})")
    uvicorn.run(
        "ehoks.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    app()
