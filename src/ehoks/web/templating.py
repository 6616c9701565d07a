"""The Jinja2 environment and the one way pages are rendered.

Every template gets ``page`` (the ``PageContext``: language, catalog, signed-in user, CSRF
token, flash messages) and ``_`` (translate; values are escaped into the text).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from ehoks.web.context import PageContext
from ehoks.web.i18n import LANGUAGE_NAMES, LANGUAGES

TEMPLATES = Path(__file__).parent / "templates"
HELSINKI = "Europe/Helsinki"


def make_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(languages=LANGUAGES, language_names=LANGUAGE_NAMES)
    return environment


def render(
    environment: Environment,
    page: PageContext,
    template: str,
    values: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    catalog = page.catalog

    def date_filter(value: Any, style: str = "medium") -> str:
        return format_date(value, style, locale=page.lang) if value else ""

    def datetime_filter(value: Any, style: str = "medium") -> str:
        if not value:
            return ""
        return format_datetime(value, style, tzinfo=_helsinki(), locale=page.lang)

    html = environment.get_template(template).render(
        page=page,
        _=catalog.markup,
        ngettext=catalog.ngettext,
        fdate=date_filter,
        fdatetime=datetime_filter,
        **(values or {}),
    )
    response = HTMLResponse(html, status_code=status_code)
    page.apply_cookies(response)
    return response


def _helsinki() -> Any:
    from babel.dates import get_timezone

    return get_timezone(HELSINKI)
