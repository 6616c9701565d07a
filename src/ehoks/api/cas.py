"""The built-in CAS-compatible ticket service (embedded default)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/cas", tags=["cas"])
