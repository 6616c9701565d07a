"""Domain errors with machine-readable codes.

Errors are raised anywhere below the edges and turned into HTTP responses (or page messages)
only in ``ehoks.api`` / ``ehoks.web``. Each carries the exact message the original eHOKS
answers with, because data-transfer clients match on those strings.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID = "invalid"  # a business rule refused the request (HTTP 400 {"error": ...})
    SCHEMA = "schema"  # the body does not match the schema (HTTP 400 {"errors": ...})
    UNAUTHENTICATED = "unauthenticated"  # no valid ticket or session (401)
    NO_ACCESS = "no-access"  # authenticated but without the privilege (401 on the HOKS API)
    FORBIDDEN = "forbidden"  # wrong kind of user (403)
    NOT_FOUND = "not-found"  # (404)
    GONE = "gone"  # deprecated route (410)
    UPSTREAM = "upstream"  # a national register failed (500 {"error": ...})


class EhoksError(Exception):
    """Base of every error the service raises on purpose."""

    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRequest(EhoksError):
    code = ErrorCode.INVALID


class NotAuthenticated(EhoksError):
    code = ErrorCode.UNAUTHENTICATED


class NoAccess(EhoksError):
    code = ErrorCode.NO_ACCESS


class Forbidden(EhoksError):
    code = ErrorCode.FORBIDDEN


class NotFound(EhoksError):
    code = ErrorCode.NOT_FOUND


class Gone(EhoksError):
    code = ErrorCode.GONE


class UpstreamError(EhoksError):
    """A national register could not be used; the message says which and why."""

    code = ErrorCode.UPSTREAM


class SchemaError(EhoksError):
    """The input does not match the schema.

    ``errors`` mirrors the shape of the input and holds an explanation at every failing leaf;
    ``value`` is the whole input that was validated; ``location`` names the input
    (``body-params``, ``query-params``, ``route-params`` or ``headers``).
    """

    code = ErrorCode.SCHEMA

    def __init__(self, errors: Any, value: Any, location: str = "body-params") -> None:
        super().__init__("request validation failed")
        self.errors = errors
        self.value = value
        self.location = location


class RegistryUnavailable(EhoksError):
    """A national register did not answer, or answered with an error we cannot interpret.

    ``status`` is the HTTP status the register gave (None when it could not be reached) and
    ``detail`` a short technical description; ``register`` names it (koski, onr, ...).
    """

    code = ErrorCode.UPSTREAM

    def __init__(
        self,
        register: str,
        detail: str,
        *,
        status: int | None = None,
        error_key: str | None = None,
    ) -> None:
        super().__init__(f"{register}: {detail}")
        self.register = register
        self.detail = detail
        self.status = status
        self.error_key = error_key
