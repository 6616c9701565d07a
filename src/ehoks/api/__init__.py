"""The REST edge: thin routers over the service functions.

``install_api`` mounts every router. All routes are authenticated unless they are listed in
``PUBLIC_ROUTES`` (a test enumerates the app's routes against this list).
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.routing import BaseRoute

from ehoks.api import cas, system
from ehoks.api.errors import NO_CACHE_HEADERS, install_error_handlers
from ehoks.api.v1 import hoks, virkailija_system
from ehoks.context import AppContext

# (method, path) pairs that need no authentication.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/cas/v1/tickets"),
        ("POST", "/cas/v1/tickets/{tgt}"),
        ("GET", "/cas/p3/serviceValidate"),
        ("GET", "/ehoks-virkailija-backend/api/v1/healthcheck"),
        ("GET", "/ehoks-virkailija-backend/doc"),
        ("GET", "/ehoks-virkailija-backend/doc/swagger.json"),
        ("GET", "/ehoks-virkailija-backend/doc/static/{asset}"),
    }
)


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, for the route-enumerating tests."""
    table: set[tuple[str, str]] = set()
    pending: list[BaseRoute] = list(app.routes)
    while pending:
        route = pending.pop()
        # FastAPI >= 0.165 wraps included routers; their routes carry the router's prefix.
        included = getattr(route, "original_router", None)
        if included is not None:
            pending.extend(included.routes)
        elif isinstance(route, APIRoute):
            table.update((method, route.path) for method in route.methods or ())
    return table


class NoCacheMiddleware(BaseHTTPMiddleware):
    """Every answer carries ``Expires: 0`` and ``Cache-Control: no-cache`` (as the original)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        for name, value in NO_CACHE_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def install_api(app: FastAPI, context: AppContext) -> None:
    install_error_handlers(app)
    app.add_middleware(NoCacheMiddleware)
    app.include_router(system.router)
    app.include_router(cas.router)
    app.include_router(hoks.router)
    app.include_router(virkailija_system.router)
