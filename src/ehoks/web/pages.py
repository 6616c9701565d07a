"""Rendering a page or an error page from a handler."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ehoks.access.sessions import SessionState
from ehoks.web.context import PageContext
from ehoks.web.errors import PageError
from ehoks.web.i18n import catalog, choose_language
from ehoks.web.templating import render

logger = logging.getLogger(__name__)

_ERROR_TEMPLATES = {
    401: "errors/session_expired.html",
    403: "errors/403.html",
    404: "errors/404.html",
}


def page_response(
    page: PageContext,
    template: str,
    values: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    environment: Environment = page.request.app.state.templates
    return render(environment, page, template, values, status_code=status_code)


def redirect(page: PageContext, url: str) -> RedirectResponse:
    """303 See Other (after a POST), carrying the page's cookies (language, flash, session)."""
    response = RedirectResponse(url, status_code=303)
    page.apply_cookies(response)
    return response


def error_response(request: Request, status: int, error: PageError | None = None) -> Response:
    """The error page of ``status`` in the request's language."""
    page = getattr(request.state, "page", None)
    if not isinstance(page, PageContext):
        lang = choose_language(request.query_params.get("lang"), request.cookies.get("lang"))
        page = PageContext(
            request=request,
            settings=request.app.state.context.settings,
            db=None,
            lang=lang,
            catalog=catalog(lang),
            session_state=SessionState.NONE,
            web_session=None,
            actor=None,
        )
    template = (
        error.template if error is not None else _ERROR_TEMPLATES.get(status, "errors/500.html")
    )
    values = {"sign_in_path": getattr(error, "sign_in_path", "/ehoks-virkailija-ui/kirjaudu")}
    try:
        return page_response(page, template, values, status_code=status)
    except Exception:  # the error page itself failed: a plain answer, never a loop
        logger.exception("error page %s failed", status)
        return HTMLResponse("<h1>Error</h1>", status_code=status)
