"""Health check and the API documentation (public routes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from ehoks.api.openapi import build_openapi

router = APIRouter(prefix="/ehoks-virkailija-backend", include_in_schema=False)


@router.get("/api/v1/healthcheck")
def healthcheck() -> dict[str, Any]:
    return {}


@router.get("/doc/swagger.json")
def swagger_json(request: Request) -> JSONResponse:
    return JSONResponse(build_openapi(request.app))


@router.get("/doc")
def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/ehoks-virkailija-backend/doc/swagger.json",
        title="eHOKS API",
        swagger_js_url="/ehoks-virkailija-backend/doc/static/swagger-ui-bundle.js",
        swagger_css_url="/ehoks-virkailija-backend/doc/static/swagger-ui.css",
        swagger_favicon_url="/ehoks-virkailija-backend/doc/static/favicon-32x32.png",
    )
