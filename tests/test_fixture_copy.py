"""The copy of the upstream payloads in ``tests/fixtures/upstream`` is the shared one."""

from __future__ import annotations

import pytest

from tests.support.fixtures import FIXTURES, SHARED_FIXTURES


def test_the_copy_has_the_payloads() -> None:
    assert len(list((FIXTURES / "hoks").glob("*.json"))) >= 5
    assert len(list((FIXTURES / "registries").glob("*.json"))) >= 10


@pytest.mark.skipif(not SHARED_FIXTURES.is_dir(), reason="no ../shared beside this checkout")
def test_the_copy_equals_the_shared_fixtures() -> None:
    shared = {
        path.relative_to(SHARED_FIXTURES): path.read_bytes()
        for path in SHARED_FIXTURES.rglob("*.json")
    }
    copied = {path.relative_to(FIXTURES): path.read_bytes() for path in FIXTURES.rglob("*.json")}
    assert copied == shared
