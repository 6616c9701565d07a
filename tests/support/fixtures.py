"""Access to the upstream payloads in ``../shared/fixtures/upstream``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "upstream"
HOKS_FIXTURES = FIXTURES / "hoks"
REGISTRY_FIXTURES = FIXTURES / "registries"


def load_hoks(name: str) -> dict[str, Any]:
    document = json.loads((HOKS_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def load_registry(name: str) -> Any:
    return json.loads((REGISTRY_FIXTURES / name).read_text(encoding="utf-8"))
