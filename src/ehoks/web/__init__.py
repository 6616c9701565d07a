"""The pages: server-rendered HTML (Jinja2), fi/sv/en, usable without JavaScript.

``install_web`` mounts the page routers, the static files, the security headers and the error
pages. Page routes are authenticated (``OfficerDep`` / ``StudentDep``) unless listed in
``PUBLIC_PAGES``; the authorization matrix test holds every route to that.
"""

from __future__ import annotations

import inspect
import logging

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import PlainTextResponse, RedirectResponse

from ehoks.web import audit_pages, cas_login, common, officer_auth, officer_users, student_auth
from ehoks.web.context import PageContext
from ehoks.web.errors import PageError, SignInRequired
from ehoks.web.pages import error_response
from ehoks.web.templating import make_environment

logger = logging.getLogger(__name__)

STATIC_PATH = "/ehoks-static"
# Prefixes whose unknown paths get the HTML 404 page (the rest answer as the API does).
PAGE_PREFIXES = ("/ehoks-virkailija-ui", "/ehoks/", "/ehoks-tyopaikantoimija-ui", STATIC_PATH)

PUBLIC_PAGES: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/"),
        ("GET", "/ehoks"),
        ("GET", "/saavutettavuusseloste"),
        ("GET", "/ehoks-virkailija-ui/kirjaudu"),
        ("POST", "/ehoks-virkailija-ui/kirjaudu"),
        ("GET", "/ehoks/kirjaudu"),
        ("POST", "/ehoks/kirjaudu"),
        # CAS comes back here with a ticket, or calls them for single logout (cas_login.py).
        ("GET", "/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku"),
        ("POST", "/ehoks-virkailija-backend/api/v1/virkailija/session/opintopolku"),
        ("GET", "/ehoks-virkailija-backend/cas-security-check"),
        ("POST", "/ehoks-virkailija-backend/cas-security-check"),
        ("GET", "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"),
        ("POST", "/ehoks-oppija-backend/api/v1/oppija/session/opintopolku/"),
    }
)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware(BaseHTTPMiddleware):
    """Security headers on every answer; the strict CSP on everything but the Swagger UI page
    (which needs its inline start-up script)."""

    def __init__(self, app: object, *, hsts: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self._hsts = hsts

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            if name == "Content-Security-Policy" and request.url.path.endswith(
                "/ehoks-virkailija-backend/doc"
            ):
                continue
            response.headers.setdefault(name, value)
        if self._hsts:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def install_web(app: FastAPI) -> None:
    settings = app.state.context.settings
    app.state.templates = make_environment()
    app.state.render_error_page = error_response
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies)
    app.mount(STATIC_PATH, StaticFiles(packages=[("ehoks.web", "static")]), name="static")
    app.include_router(common.router)
    app.include_router(officer_auth.router)
    app.include_router(student_auth.router)
    app.include_router(cas_login.router)
    app.include_router(officer_users.router)
    app.include_router(audit_pages.router)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, error: PageError) -> Response:
        if isinstance(error, SignInRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"{error.sign_in_path}?{_next_param(target)}", status_code=303)
        return error_response(request, error.status_code, error)

    api_unexpected = app.exception_handlers.get(Exception)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, error: Exception) -> Response:
        if request.url.path.startswith(PAGE_PREFIXES) or getattr(
            request.state, "html_errors", False
        ):
            logger.error(
                "unhandled error in %s %s", request.method, request.url.path, exc_info=error
            )
            return error_response(request, 500)
        if api_unexpected is not None:  # the API's answer and its failed audit event
            answer = api_unexpected(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        return PlainTextResponse("Internal Server Error", status_code=500)

    api_http_error = app.exception_handlers.get(StarletteHTTPException)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if request.url.path.startswith(PAGE_PREFIXES) or getattr(
            request.state, "html_errors", False
        ):
            return error_response(request, error.status_code)
        if api_http_error is not None:  # the API's answers ({"reason":"Route not found"} …)
            answer = api_http_error(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        return await http_exception_handler(request, error)


def _next_param(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})


__all__ = ["PUBLIC_PAGES", "PageContext", "install_web"]
