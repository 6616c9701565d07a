"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL (the test database was made by ``upgrade`` alone)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

import ehoks.access.storage  # importing the storage modules registers their tables
import ehoks.hoks.storage
import ehoks.registries.storage  # noqa: F401
from ehoks.db.base import Base


def _kind(diff: Any) -> str:
    return str(diff[0][0] if isinstance(diff, list) else diff[0])


def test_the_migrations_match_the_models(db: Engine) -> None:
    postgresql = db.dialect.name == "postgresql"
    with db.connect() as connection:
        # Column types are compared on PostgreSQL, where the JSONB and timestamptz variants are
        # real; SQLite reflects them loosely. Tables, columns, indexes and keys count on both.
        context = MigrationContext.configure(connection, opts={"compare_type": postgresql})
        diffs = [
            diff
            for diff in compare_metadata(context, Base.metadata)
            if _kind(diff) != "modify_default"
        ]
    assert diffs == []
