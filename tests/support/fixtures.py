"""Access to the upstream payloads (real HOKS documents and register responses).

They are kept in ``tests/fixtures/upstream``, a copy of the project's shared
``../shared/fixtures/upstream`` (taken 2026-11-30), so the suite runs from a clone anywhere;
``tests/test_fixture_copy.py`` checks the copy against the shared folder when one is beside the
checkout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
SHARED_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "upstream"
HOKS_FIXTURES = FIXTURES / "hoks"
REGISTRY_FIXTURES = FIXTURES / "registries"


def load_hoks(name: str) -> dict[str, Any]:
    document = json.loads((HOKS_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def load_registry(name: str) -> Any:
    return json.loads((REGISTRY_FIXTURES / name).read_text(encoding="utf-8"))
