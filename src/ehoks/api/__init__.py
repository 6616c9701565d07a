"""The REST edge: thin routers over the service functions.

``install_api`` mounts every router. All routes are authenticated unless they are listed in
``PUBLIC_ROUTES`` (a test enumerates the app's routes against this list).
"""

from __future__ import annotations

from fastapi import FastAPI

from ehoks.api import cas
from ehoks.api.context import AppContext
from ehoks.api.errors import install_error_handlers

# (method, path) pairs that need no authentication.
PUBLIC_ROUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/cas/v1/tickets"),
        ("POST", "/cas/v1/tickets/{tgt}"),
        ("GET", "/cas/p3/serviceValidate"),
        ("GET", "/ehoks-virkailija-backend/api/v1/healthcheck"),
        ("GET", "/ehoks-virkailija-backend/doc"),
        ("GET", "/ehoks-virkailija-backend/doc/swagger.json"),
    }
)


def install_api(app: FastAPI, context: AppContext) -> None:
    install_error_handlers(app)
    app.include_router(cas.router)
