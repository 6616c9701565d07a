"""``create_app(settings)``: builds every stateful part once and wires the edges."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ehoks.access.cas import build_ticket_validator
from ehoks.access.cas_oppija import CasOppijaValidator
from ehoks.api import install_api
from ehoks.context import AppContext
from ehoks.db.engine import make_engine, make_sessionmaker
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import Settings
from ehoks.web import install_web


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole service as one ASGI app; nothing is built at import time."""
    settings = settings or Settings()
    logging.getLogger("audit").disabled = not settings.audit_log
    engine = make_engine(settings.database_url)
    context = AppContext(
        settings=settings,
        engine=engine,
        sessionmaker=make_sessionmaker(engine),
        registries=RegistryFactory(settings),
        ticket_validator=build_ticket_validator(settings),
        cas_oppija_validator=(
            CasOppijaValidator(settings.cas_oppija_url, timeout=settings.cas_timeout_seconds)
            if settings.cas_oppija_url
            else None
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        context.ticket_validator.close()
        if context.cas_oppija_validator is not None:
            context.cas_oppija_validator.close()
        context.registries.close()
        engine.dispose()

    app = FastAPI(
        title="eHOKS",
        summary="The national store of HOKS plans (henkilökohtainen osaamisen "
        "kehittämissuunnitelma)",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.context = context
    install_api(app, context)
    install_web(app)
    return app
