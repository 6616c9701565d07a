"""Request bodies are parsed here, not by FastAPI, so the original's error bodies come out.

A body that is not JSON is a 400 ``request-parsing`` error; a body sent without a JSON content
type is not parsed at all (it then fails validation as a missing map), as in the original.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from ehoks.errors import EhoksError, ErrorCode


class RequestParsingError(EhoksError):
    code = ErrorCode.SCHEMA


async def json_body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if "json" not in content_type.lower() or not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestParsingError(f"Malformed application/json in :request: {error}") from error


JsonBody = Annotated[Any, Depends(json_body)]
