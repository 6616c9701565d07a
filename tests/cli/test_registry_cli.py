"""``ehoks registry import``: several files in one transaction, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from ehoks.cli import app
from ehoks.db.engine import make_sessionmaker
from ehoks.registries.koski.local import LocalKoskiRegistry
from ehoks.registries.onr.local import LocalOnrRegistry
from ehoks.registries.organisaatio.local import LocalOrganisaatioRegistry
from ehoks.registries.storage import LocalHenkilo, LocalOpiskeluoikeus, LocalOrganisaatio
from ehoks.settings import Settings
from tests.support.fixtures import REGISTRY_FIXTURES

OPPIJA_OID = "1.2.246.562.24.44651722625"
OPISKELUOIKEUS = REGISTRY_FIXTURES / "koski_api_opiskeluoikeus_1.2.246.562.15.76811932037.json"
OPPIJA = REGISTRY_FIXTURES / f"koski_api_oppija_{OPPIJA_OID}.json"
ORGANISAATIO = REGISTRY_FIXTURES / "organisaatio-service_api_1.2.246.562.10.21122461771.json"
FINDBYOIDS = REGISTRY_FIXTURES / "organisaatio-service_api_findbyoids.json"
EVERY_FIXTURE = sorted(REGISTRY_FIXTURES.glob("*.json"))


def _run(settings: Settings, *args: str | Path) -> Result:
    return CliRunner().invoke(
        app,
        ["registry", "import", *(str(arg) for arg in args)],
        env={"EHOKS_DATABASE_URL": settings.database_url},
    )


def _counts(db: Engine) -> tuple[int, int, int]:
    with make_sessionmaker(db)() as session:
        return (
            session.scalar(select(func.count()).select_from(LocalOpiskeluoikeus)) or 0,
            session.scalar(select(func.count()).select_from(LocalHenkilo)) or 0,
            session.scalar(select(func.count()).select_from(LocalOrganisaatio)) or 0,
        )


def test_imports_several_files_at_once(db: Engine, settings: Settings) -> None:
    result = _run(settings, OPISKELUOIKEUS, OPPIJA, ORGANISAATIO, FINDBYOIDS)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"{OPISKELUOIKEUS}: 1 opiskeluoikeudet, 0 henkilöt, 0 organisaatiot" in lines
    assert f"{OPPIJA}: 2 opiskeluoikeudet, 1 henkilöt, 0 organisaatiot" in lines
    assert f"{ORGANISAATIO}: 0 opiskeluoikeudet, 0 henkilöt, 1 organisaatiot" in lines
    assert f"{FINDBYOIDS}: 0 opiskeluoikeudet, 0 henkilöt, 3 organisaatiot" in lines
    assert "imported 3 opiskeluoikeudet, 1 henkilöt, 4 organisaatiot" in lines
    assert _counts(db) == (3, 1, 4)
    with make_sessionmaker(db)() as session:
        oids = [
            oo.oid for oo in LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        ]
        assert oids == ["1.2.246.562.15.10359275566", "1.2.246.562.15.76811932038"]
        henkilo = LocalOnrRegistry(session).get_henkilo(OPPIJA_OID)
        assert henkilo is not None
        assert henkilo.nimi == "Aarto Maurits Väisänen-perftest"
        organisaatio = LocalOrganisaatioRegistry(session).get_organisaatio(
            "1.2.246.562.10.21122461771"
        )
        assert organisaatio is not None
        assert organisaatio.parent_oid == "1.2.246.562.10.84189747029"


def test_oppija_names_the_student_of_bare_study_rights(db: Engine, settings: Settings) -> None:
    result = _run(settings, OPISKELUOIKEUS, "--oppija", OPPIJA_OID)

    assert result.exit_code == 0, result.output
    with make_sessionmaker(db)() as session:
        found = LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
        assert [oo.oid for oo in found] == ["1.2.246.562.15.76811932037"]


def test_importing_again_changes_nothing(db: Engine, settings: Settings) -> None:
    assert _run(settings, OPPIJA, ORGANISAATIO).exit_code == 0
    before = _counts(db)

    result = _run(settings, OPPIJA, ORGANISAATIO)

    assert result.exit_code == 0, result.output
    assert _counts(db) == before == (2, 1, 1)


def test_unrecognised_content_imports_nothing(
    db: Engine, settings: Settings, tmp_path: Path
) -> None:
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"foo": 1}')
    # The good files come first: their rows were already flushed when the last one failed.
    result = _run(settings, OPPIJA, ORGANISAATIO, unknown)

    assert result.exit_code == 1
    assert str(unknown) in result.stderr
    assert "unrecognised content" in result.stderr
    assert "nothing was imported" in result.stderr
    assert _counts(db) == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"oid": "1.2.246.562.15.76811932037",', "not JSON"),
        (b'"\xff\xfe"', "not UTF-8"),
    ],
)
def test_unreadable_json_imports_nothing(
    db: Engine, settings: Settings, tmp_path: Path, content: bytes, reason: str
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)

    result = _run(settings, OPPIJA, broken)

    assert result.exit_code == 1
    assert f"{broken}: {reason}" in result.stderr
    assert _counts(db) == (0, 0, 0)


def test_a_missing_file_imports_nothing(db: Engine, settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"

    result = _run(settings, ORGANISAATIO, missing)

    assert result.exit_code == 1
    assert f"{missing}: cannot read the file" in result.stderr
    assert _counts(db) == (0, 0, 0)


def test_a_bad_oppija_oid_imports_nothing(db: Engine, settings: Settings) -> None:
    result = _run(settings, OPISKELUOIKEUS, "--oppija", "1.2.246.562.10.21122461771")

    assert result.exit_code == 1
    assert "not an oppija OID" in result.stderr
    assert _counts(db) == (0, 0, 0)


def test_every_upstream_register_payload_imports_as_is(db: Engine, settings: Settings) -> None:
    """KOSKI, ONR, Organisaatiopalvelu, Koodisto and ePerusteet files (a bare ePerusteet rakenne
    is keyed by its file name, which follows the register's path)."""
    result = _run(settings, *EVERY_FIXTURE)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(EVERY_FIXTURE) + 1
