"""Domain errors → the original's HTTP responses (``reference/ehoks-backend.md`` §0.4–0.5),
and the ``failed`` audit event of every refused request on an audited route."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ehoks.access import audit
from ehoks.access.identity import Actor, ActorKind
from ehoks.api.body import RequestParsingError
from ehoks.api.deps import request_origin
from ehoks.api.security import CasCheckFailed
from ehoks.context import AppContext
from ehoks.errors import EhoksError, ErrorCode, RegistryUnavailable, SchemaError
from ehoks.hoks.schema import MISSING, explain_value

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

_LOCATIONS = {"path": "route-params", "query": "query-params", "header": "headers"}


def schema_error_body(error: SchemaError) -> dict[str, Any]:
    return {
        "errors": error.errors,
        "type": "compojure.api.exception/request-validation",
        "coercion": "schema",
        "value": error.value,
        "in": ["request", error.location],
    }


def error_body(error: EhoksError) -> dict[str, Any]:
    if isinstance(error, SchemaError):
        return schema_error_body(error)
    if isinstance(error, RequestParsingError):
        return {
            "type": "compojure.api.exception/request-parsing",
            "format": "application/json",
            "message": error.message,
        }
    if isinstance(error, CasCheckFailed):
        return {"reason": error.message}
    if not error.message:  # the original's empty-bodied 401/403 of the officer routes
        return {}
    if error.code is ErrorCode.GONE:
        return {"message": error.message}
    return {"error": error.message}


def from_request_validation(error: RequestValidationError) -> SchemaError:
    """FastAPI's parameter errors (headers, path, query) as the original's schema error."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    location = "route-params"
    for item in error.errors():
        loc = item.get("loc", ())
        if len(loc) < 2:
            continue
        location = _LOCATIONS.get(str(loc[0]), "body-params")
        name = str(loc[1]).lower()
        value = item.get("input")
        if item.get("type") == "missing":
            errors[name] = MISSING
        else:
            errors[name] = (
                f"(not (integer? {explain_value(value)}))"
                if "int" in str(item.get("type"))
                else f"(not (valid? {explain_value(value)}))"
            )
            values[name] = value
    return SchemaError(errors, values, location)


def _record_refusal(request: Request, status: int) -> None:
    """A ``failed`` event for a refused request on an audited route (own transaction)."""
    operation = getattr(request.state, "audit_operation", None)
    if operation is None:
        return
    context: AppContext = request.app.state.context
    actor = getattr(request.state, "actor", None)
    if not isinstance(actor, Actor):
        actor = Actor(kind=ActorKind.ANONYMOUS, oid="", origin=request_origin(request))
    target: dict[str, Any] = {"status": status}
    for key, value in request.path_params.items():
        name = {"hoks_id": "hoksId", "opiskeluoikeus_oid": "opiskeluoikeusOid"}.get(key, key)
        target[name] = int(value) if name == "hoksId" and str(value).isdigit() else value
    try:
        with context.sessionmaker() as session:
            audit.record(
                session, actor=actor, operation=operation, target=target, status=audit.FAILED
            )
            session.commit()
    except Exception:  # an audit failure must not hide the original answer
        logger.exception("could not record a failed audit event")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EhoksError)
    async def _domain_error(request: Request, error: EhoksError) -> Response:
        if isinstance(error, RegistryUnavailable):
            logger.warning("register failure: %s", error)
        status = _STATUS[error.code]
        if getattr(request.state, "html_errors", False):  # raised inside a page handler
            page_error: Any = request.app.state.render_error_page
            return page_error(request, 403 if status == 401 else status)  # type: ignore[no-any-return]
        _record_refusal(request, status)
        return JSONResponse(error_body(error), status_code=status, headers=NO_CACHE_HEADERS)

    @app.exception_handler(RequestValidationError)
    async def _parameter_error(request: Request, error: RequestValidationError) -> Response:
        _record_refusal(request, 400)
        return JSONResponse(
            schema_error_body(from_request_validation(error)),
            status_code=400,
            headers=NO_CACHE_HEADERS,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            body: dict[str, Any] = {"reason": "Route not found"}
        elif error.status_code == 405:
            body = {"reason": "Method not allowed"}
        else:
            body = {"error": str(error.detail)}
        return JSONResponse(body, status_code=error.status_code, headers=NO_CACHE_HEADERS)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unexpected error", exc_info=error)
        _record_refusal(request, 500)
        return JSONResponse(
            {"type": "unknown-exception", "class": type(error).__name__},
            status_code=500,
            headers=NO_CACHE_HEADERS,
        )
