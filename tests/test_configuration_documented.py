"""Every setting is documented in docs/configuration.md."""

from __future__ import annotations

from pathlib import Path

from ehoks.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"EHOKS_{name.upper()}" not in text]
    assert missing == []
