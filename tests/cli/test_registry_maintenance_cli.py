"""``ehoks registry reindex|merge|koski404|check``: the index maintenance from the command line."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from ehoks.access.storage import AuditEvent
from ehoks.cli import app
from ehoks.hoks.storage import Hoks, OpiskeluoikeusIndex, Oppija
from ehoks.registries.importer import import_documents
from ehoks.registries.storage import LocalOpiskeluoikeus
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support import world
from tests.support.loopback import closed_port_url
from tests.support.world import Api, Student

REGISTERS = ["koski", "onr", "organisaatio", "koodisto", "eperusteet"]


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    world.add_organisations(session)
    return world.service_api(client, session, "primus", [("CRUD", world.KOULUTUSTOIMIJA_A)])


def run(settings: Settings, *args: str, **env: str) -> Result:
    return CliRunner().invoke(
        app, ["registry", *args], env={"EHOKS_DATABASE_URL": settings.database_url, **env}
    )


def new_hoks(api: Api, student: Student) -> int:
    response = api.post(
        "/hoks",
        {
            "oppija-oid": student.oid,
            "opiskeluoikeus-oid": student.oo,
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-hankkimisen-tarve": True,
        },
    )
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["id"])


def import_and_commit(session: Session, documents: Any) -> None:
    import_documents(session, documents)
    session.commit()


def index_row(session: Session, oid: str) -> OpiskeluoikeusIndex:
    session.expire_all()
    row = session.get(OpiskeluoikeusIndex, oid)
    assert row is not None
    session.rollback()
    return row


def test_reindex_opiskeluoikeus(api: Api, session: Session, settings: Settings) -> None:
    student = world.add_student(session)
    new_hoks(api, student)
    import_and_commit(
        session,
        {
            "henkilö": {"oid": student.oid},
            "opiskeluoikeudet": [world.opiskeluoikeus(student.oo, oppilaitos=world.OPPILAITOS_A2)],
        },
    )

    result = run(settings, "reindex", "opiskeluoikeus", student.oo)
    unknown = run(settings, "reindex", "opiskeluoikeus", world.new_oid("15"))

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"{student.oo}: updated from KOSKI (0 hankintakoulutukset, 0 removed)"
    )
    assert index_row(session, student.oo).oppilaitos_oid == world.OPPILAITOS_A2
    assert unknown.exit_code == 1
    assert "not found in index" in unknown.stderr


def test_reindex_koulutustoimija_and_oppija(api: Api, session: Session, settings: Settings) -> None:
    student = world.add_student(session, etunimet="Liisa", sukunimi="Koski")
    new_hoks(api, student)
    session.execute(delete(LocalOpiskeluoikeus).where(LocalOpiskeluoikeus.oid == student.oo))
    import_documents(session, {"oidHenkilo": student.oid, "etunimet": "Liisa", "sukunimi": "Järvi"})
    session.commit()

    koulutustoimija = run(settings, "reindex", "koulutustoimija", world.KOULUTUSTOIMIJA_A)
    oppija = run(settings, "reindex", "oppija", student.oid)

    assert koulutustoimija.exit_code == 0, koulutustoimija.output
    assert koulutustoimija.stdout.strip() == (
        f"{world.KOULUTUSTOIMIJA_A}: 0 updated, 1 marked koski404"
    )
    assert index_row(session, student.oo).koski404
    assert oppija.exit_code == 0, oppija.output
    assert oppija.stdout.strip() == f"{student.oid}: name 'Liisa Koski' -> 'Liisa Järvi'"


def test_reindex_missing(api: Api, session: Session, settings: Settings) -> None:
    student = world.add_student(session)
    new_hoks(api, student)
    session.execute(delete(OpiskeluoikeusIndex).where(OpiskeluoikeusIndex.oid == student.oo))
    session.execute(delete(Oppija).where(Oppija.oid == student.oid))
    session.commit()

    result = run(settings, "reindex", "missing")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "indexed 1 oppijat, 1 opiskeluoikeudet; 0 without tutkinto fetched again "
        "(0 koski404); 0 errors",
        "still unindexed: 0 oppijat, 0 opiskeluoikeudet, 0 without tutkinto",
    ]
    assert index_row(session, student.oo).oppija_oid == student.oid


def test_merge_is_audited_as_the_command(api: Api, session: Session, settings: Settings) -> None:
    duplicate = world.add_student(session)
    hoks_id = new_hoks(api, duplicate)
    master = world.new_oid("24")
    import_and_commit(
        session,
        [
            {"oidHenkilo": master, "etunimet": "Oikea", "sukunimi": "Henkilö"},
            {
                "oidHenkilo": duplicate.oid,
                "etunimet": "Testi",
                "sukunimi": "Opiskelija",
                "duplicate": True,
                "masterOid": master,
            },
        ],
    )

    result = run(settings, "merge", master)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"1 duplicates merged into {master}: 1 HOKSes, 1 opiskeluoikeudet moved",
        f"moved HOKS {hoks_id}",
    ]
    session.expire_all()
    assert session.get(Hoks, hoks_id).oppija_oid == master  # type: ignore[union-attr]
    event = session.scalars(select(AuditEvent).where(AuditEvent.operation == "update")).one()
    assert (event.actor_kind, event.user_agent, event.hoks_id) == (
        "SYSTEM",
        "ehoks registry merge",
        hoks_id,
    )
    session.rollback()
    assert api.get(f"/hoks/{hoks_id}").json()["data"]["oppija-oid"] == master


def test_koski404_in_batches(api: Api, session: Session, settings: Settings) -> None:
    students = [world.add_student(session) for _ in range(3)]
    ids = [new_hoks(api, student) for student in students]
    session.execute(delete(LocalOpiskeluoikeus).where(LocalOpiskeluoikeus.oid == students[2].oo))
    session.commit()

    result = run(settings, "koski404", "--batch", "2")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"checked 2 up to HOKS id {ids[1]}: 0 koski404",
        f"checked 1 up to HOKS id {ids[2]}: 1 koski404: {ids[2]}",
        "checked 3 HOKSes: 1 study rights not found in KOSKI (koski404), 0 found again, "
        f"0 not indexed; last HOKS id {ids[2]}",
    ]
    assert [index_row(session, s.oo).koski404 for s in students] == [False, False, True]


def test_koski404_stops_when_koski_is_down(api: Api, session: Session, settings: Settings) -> None:
    student = world.add_student(session)
    new_hoks(api, student)

    result = run(
        settings,
        "koski404",
        EHOKS_KOSKI_URL=closed_port_url(),
        EHOKS_KOSKI_USERNAME="ehoks",
        EHOKS_KOSKI_PASSWORD="koski-password",
        EHOKS_REGISTER_RETRIES="0",
    )

    assert result.exit_code == 1
    assert "Error while contacting Koski" in result.stderr
    assert "continue with --from-id 0" in result.stderr
    assert not index_row(session, student.oo).koski404


def test_check_in_local_mode(db: Engine, settings: Settings) -> None:
    result = run(settings, "check")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[:3] for line in lines] == [
        [register, "local", "OK"] for register in REGISTERS
    ]
    assert all(" ms  " in line for line in lines)
    organisaatio = lines[REGISTERS.index("organisaatio")]
    assert organisaatio.endswith(f"organisaatio {OPH_ROOT_OID}: not found")


def test_check_reports_a_register_that_does_not_answer(db: Engine, settings: Settings) -> None:
    url = closed_port_url()

    result = run(settings, "check", EHOKS_ORGANISAATIO_URL=url, EHOKS_REGISTER_RETRIES="0")

    assert result.exit_code == 1
    by_register = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert sorted(by_register) == sorted(REGISTERS)
    assert by_register["organisaatio"].split()[1:3] == [url, "FAILED"]
    assert "ConnectError" in by_register["organisaatio"]
    assert by_register["koski"].split()[1:3] == ["local", "OK"]
