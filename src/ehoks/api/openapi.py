"""The OpenAPI document: HOKS schemas per method come from the templates in ``hoks.schema``."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ehoks.hoks.schema import PART_ARRAYS, openapi_components

_REF = "#/components/schemas/"

_ERROR_SCHEMAS: dict[str, Any] = {
    "ErrorBody": {
        "type": "object",
        "description": (
            "Error answer in one of the original's forms: `error` (business rule, with the exact "
            "message), `errors` (schema validation, mirroring the input), `reason`, `message`."
        ),
        "properties": {
            "error": {"type": "string"},
            "errors": {},
            "reason": {"type": "string"},
            "message": {"type": "string"},
            "type": {"type": "string"},
            "class": {"type": "string"},
            "coercion": {"type": "string"},
            "value": {},
            "in": {"type": "array", "items": {"type": "string"}},
            "format": {"type": "string"},
        },
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _json({"$ref": _REF + "ErrorBody"}, "Schema or business-rule error"),
    401: _json({"$ref": _REF + "ErrorBody"}, "Ticket invalid, or no privilege for the HOKS"),
    403: _json({"$ref": _REF + "ErrorBody"}, "Not a service user"),
    404: _json({"$ref": _REF + "ErrorBody"}, "Not found"),
    500: _json({"$ref": _REF + "ErrorBody"}, "A national register failed"),
}


def hoks_body(method: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"{_REF}HOKS-{method}"}}},
        },
        "parameters": [],
    }


def _envelope(data: dict[str, Any], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"data": data, "meta": meta or {"type": "object"}},
        "required": ["data", "meta"],
    }


def hoks_response(kind: str) -> dict[int | str, dict[str, Any]]:
    ok: dict[int | str, dict[str, Any]]
    if kind == "created":
        ok = {
            200: _json(
                _envelope(
                    {
                        "type": "object",
                        "properties": {"uri": {"type": "string"}},
                        "required": ["uri"],
                    },
                    {
                        "type": "object",
                        "properties": {"id": {"type": "integer"}},
                        "required": ["id"],
                    },
                ),
                "Created: the new HOKS's uri and id",
            )
        }
    elif kind == "get":
        ok = {200: _json(_envelope({"$ref": _REF + "HOKS-get"}), "The HOKS")}
    elif kind == "top-level":
        ok = {200: _json(_envelope({"$ref": _REF + "HOKS-top-level"}), "Top-level fields")}
    elif kind == "paged":
        ok = {
            200: _json(
                _envelope(
                    {
                        "type": "object",
                        "properties": {
                            "last-id": {"type": "integer"},
                            "failed-ids": {"type": "array", "items": {"type": "integer"}},
                            "result": {
                                "type": "array",
                                "items": {"$ref": _REF + "HOKS-get-vipunen"},
                            },
                        },
                        "required": ["last-id", "failed-ids", "result"],
                    }
                ),
                "A batch of redacted HOKSes",
            )
        }
    elif kind == "oid-list":
        ok = {200: _json({"type": "array", "items": {"type": "string"}}, "Study-right OIDs")}
    elif kind == "empty":
        ok = {200: _json(_envelope({"type": "object"}), "Valid")}
    else:
        ok = {204: {"description": "Done"}}
    return {**ok, **_ERRORS}


def _top_level(get_schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(get_schema)
    schema["title"] = "HOKS top level"
    for name in PART_ARRAYS:
        schema["properties"].pop(name, None)
    schema["required"] = [name for name in schema.get("required", []) if name not in PART_ARRAYS]
    return schema


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document served at ``/ehoks-virkailija-backend/doc/swagger.json``."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=(
            "Data-transfer API of eHOKS, wire compatible with the original service. Every call "
            "carries the headers `Caller-Id` and `ticket` (a CAS service ticket for "
            "`<public url>/ehoks-virkailija-backend/cas-security-check`)."
        ),
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(openapi_components())
    schemas["HOKS-top-level"] = _top_level(schemas["HOKS-get"])
    schemas.update(_ERROR_SCHEMAS)
    # FastAPI adds its own 422 answer; this API answers 400 instead.
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("422", None)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document
