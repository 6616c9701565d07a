"""Health check and the API documentation (public routes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from ehoks.api.openapi import build_openapi
from ehoks.errors import NotFound

# The Swagger UI files /doc needs, served from the installed package (no CDN).
_SWAGGER_ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})

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


@router.get("/doc/static/{asset}")
def swagger_asset(asset: str) -> FileResponse:
    if asset not in _SWAGGER_ASSETS:
        raise NotFound("Not found")
    return FileResponse(Path(swagger_ui_path) / asset, headers={"Cache-Control": "max-age=86400"})
