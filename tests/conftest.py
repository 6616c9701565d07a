"""Test fixtures: one migrated database per session, emptied before every test.

The backend comes from ``EHOKS_TEST_DB`` (``sqlite``, the default, or ``postgresql``); the test
command runs the whole suite once per backend. PostgreSQL tests use their own database per
xdist worker on ``EHOKS_TEST_PG_URL`` (default the local trust-auth server).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ehoks.app import create_app
from ehoks.db.base import Base
from ehoks.db.engine import make_engine, make_sessionmaker
from ehoks.db.migrate import upgrade
from ehoks.settings import Environment, Settings
from tests.support.fake_cas import fake_cas  # noqa: F401 -- a fixture for every test module

BACKEND = os.environ.get("EHOKS_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "EHOKS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_report_header() -> str:
    return f"eHOKS test database backend: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL half)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id with minimal cost: the suite creates many users; the algorithm stays the same."""
    from argon2 import PasswordHasher

    from ehoks.access import passwords

    original = passwords._HASHER
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    passwords._HASHER = original


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "sqlite":
        path = Path(tmp_path_factory.mktemp("db")) / "ehoks.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    assert BACKEND == "postgresql", BACKEND
    name = f"ehoks_test_{_worker()}_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def empty_database(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f"DELETE FROM {table}"))
            if conn.execute(
                sa.text("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            ).first():
                conn.execute(sa.text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def db(engine: Engine) -> Engine:
    """An empty, migrated database for this test."""
    empty_database(engine)
    return engine


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    session = make_sessionmaker(db)()
    yield session
    session.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment=Environment.TEST,
        database_url=database_url,
        public_url="http://testserver",
        audit_log=True,
    )


@pytest.fixture
def client(db: Engine, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
