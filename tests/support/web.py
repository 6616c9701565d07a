"""Signing in to the pages in tests, through the real forms (CSRF tokens included)."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from ehoks.access.users import Kayttajatyyppi, create_user

PASSWORD = "Salasana-1234!"
T = TypeVar("T")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(page: Response | str) -> str:
    """The CSRF token of the first form on a page."""
    text = page if isinstance(page, str) else page.text
    match = _CSRF.search(text)
    assert match, "no form with a CSRF token on the page"
    return match.group(1)


def make_officer(
    session: Session,
    username: str,
    roles: list[tuple[str, str]],
    *,
    display_name: str = "",
    password: str = PASSWORD,
) -> None:
    create_user(
        session,
        username=username,
        password=password,
        kayttajatyyppi=Kayttajatyyppi.VIRKAILIJA,
        roles=roles,
        display_name=display_name or username,
    )
    session.commit()


def sign_in_officer(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    form = client.get("/ehoks-virkailija-ui/kirjaudu")
    return client.post(
        "/ehoks-virkailija-ui/kirjaudu",
        data={"csrf_token": csrf_token(form), "username": username, "password": password},
        follow_redirects=False,
    )


def sign_in_student(client: TestClient, oid: str) -> Response:
    form = client.get("/ehoks/kirjaudu")
    return client.post(
        "/ehoks/kirjaudu",
        data={"csrf_token": csrf_token(form), "oid": oid},
        follow_redirects=False,
    )


def post_form(client: TestClient, page_url: str, action: str, data: dict[str, str]) -> Response:
    """Open ``page_url``, then submit ``data`` to ``action`` with that page's CSRF token."""
    page = client.get(page_url)
    return client.post(
        action, data={"csrf_token": csrf_token(page), **data}, follow_redirects=False
    )


def db_value(session: Session, query: Select[T]) -> T | None:
    """The first value of ``query``, read in a transaction of its own (on SQLite an open
    transaction of the test would hold the write lock the app under test needs)."""
    value = session.scalar(query)
    session.commit()
    return value


def db_rows(session: Session, query: Select[T]) -> list[T]:
    """Every value of ``query``, read in a transaction of its own (see ``db_value``)."""
    values = list(session.scalars(query))
    session.commit()
    return values


def db_update(session: Session, row: Any, **values: Any) -> None:
    """Change ``row`` (an ORM object) and commit."""
    for name, value in values.items():
        setattr(row, name, value)
    session.commit()
