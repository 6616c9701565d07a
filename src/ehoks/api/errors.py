"""Domain errors → the original's HTTP responses (``reference/ehoks-backend.md`` §0.4–0.5)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ehoks.errors import (
    EhoksError,
    ErrorCode,
    RegistryUnavailable,
    SchemaError,
)

logger = logging.getLogger(__name__)

NO_CACHE_HEADERS = {"Expires": "0", "Cache-Control": "no-cache, max-age=0"}

_STATUS = {
    ErrorCode.INVALID: 400,
    ErrorCode.SCHEMA: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.NO_ACCESS: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.GONE: 410,
    ErrorCode.UPSTREAM: 500,
}


def schema_error_body(error: SchemaError) -> dict[str, Any]:
    return {
        "errors": error.errors,
        "type": "compojure.api.exception/request-validation",
        "coercion": "schema",
        "value": error.value,
        "in": ["request", error.location],
    }


def error_response(error: EhoksError) -> JSONResponse:
    status = _STATUS[error.code]
    body: dict[str, Any]
    if isinstance(error, SchemaError):
        body = schema_error_body(error)
    elif error.code is ErrorCode.GONE:
        body = {"message": error.message}
    else:
        body = {"error": error.message}
    return JSONResponse(body, status_code=status, headers=NO_CACHE_HEADERS)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EhoksError)
    async def _domain_error(_request: Request, error: EhoksError) -> Response:
        if isinstance(error, RegistryUnavailable):
            logger.warning("register failure: %s", error)
        return error_response(error)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            return JSONResponse(
                {"reason": "Route not found"}, status_code=404, headers=NO_CACHE_HEADERS
            )
        if error.status_code == 405:
            return JSONResponse(
                {"reason": "Method not allowed"}, status_code=405, headers=NO_CACHE_HEADERS
            )
        return JSONResponse(
            {"error": str(error.detail)}, status_code=error.status_code, headers=NO_CACHE_HEADERS
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> Response:
        logger.exception("unexpected error", exc_info=error)
        return JSONResponse(
            {"type": "unknown-exception", "class": type(error).__name__},
            status_code=500,
            headers=NO_CACHE_HEADERS,
        )
