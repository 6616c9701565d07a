"""Helpers shared by the commands: settings, a session that commits once, the registers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from ehoks.db.engine import make_engine, make_sessionmaker
from ehoks.settings import Settings


@contextmanager
def command_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session for one command: committed once at the end, rolled back on error."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    session = make_sessionmaker(engine)()
    try:
        yield session
        session.commit()
    finally:
        session.close()
        engine.dispose()
