"""Maintenance of the student and study-right index: re-index, koski404, person merges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ehoks.access.identity import SYSTEM_ACTOR, ActorKind
from ehoks.access.storage import AuditEvent
from ehoks.db.engine import make_sessionmaker
from ehoks.db.types import utcnow
from ehoks.errors import NotFound, UpstreamError
from ehoks.hoks import index
from ehoks.hoks.storage import Hoks, HoksVersion, OpiskeluoikeusIndex, Oppija
from ehoks.jobs.koski404 import run_koski404
from ehoks.registries.importer import import_documents
from ehoks.registries.storage import LocalOpiskeluoikeus
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import Settings
from tests.support import world
from tests.support.loopback import closed_port_url
from tests.support.world import Api, Student


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    """A student-administration system with CRUD in both providers."""
    world.add_organisations(session)
    return world.service_api(
        client,
        session,
        "primus",
        [("CRUD", world.KOULUTUSTOIMIJA_A), ("CRUD", world.KOULUTUSTOIMIJA_B)],
    )


@pytest.fixture
def factory(settings: Settings) -> Iterator[RegistryFactory]:
    registry_factory = RegistryFactory(settings)
    yield registry_factory
    registry_factory.close()


@pytest.fixture
def registries(factory: RegistryFactory, session: Session) -> Registries:
    return factory.bind(session)


def new_hoks(api: Api, student: Student, opiskeluoikeus_oid: str | None = None) -> int:
    response = api.post(
        "/hoks",
        {
            "oppija-oid": student.oid,
            "opiskeluoikeus-oid": opiskeluoikeus_oid or student.oo,
            "ensikertainen-hyvaksyminen": "2024-08-15",
            "osaamisen-hankkimisen-tarve": True,
        },
    )
    assert response.status_code == 200, response.text
    return int(response.json()["meta"]["id"])


def import_and_commit(session: Session, documents: Any) -> None:
    import_documents(session, documents)
    session.commit()


def henkilo(oid: str, etunimet: str, sukunimi: str, master: str | None = None) -> dict[str, Any]:
    """An ONR henkilö; with ``master`` a duplicate merged into it (the importer's extension)."""
    document: dict[str, Any] = {"oidHenkilo": oid, "etunimet": etunimet, "sukunimi": sukunimi}
    if master is not None:
        document |= {"duplicate": True, "masterOid": master}
    return document


def drop_from_koski(session: Session, *oids: str) -> None:
    session.execute(delete(LocalOpiskeluoikeus).where(LocalOpiskeluoikeus.oid.in_(oids)))
    session.commit()


def row(session: Session, oid: str) -> OpiskeluoikeusIndex:
    found = session.get(OpiskeluoikeusIndex, oid)
    assert found is not None, oid
    return found


# --- person merges ---------------------------------------------------------------------------


def test_merge_moves_the_duplicates_hoksit_and_index_rows_to_the_master(
    api: Api, session: Session, registries: Registries
) -> None:
    first = world.add_student(session, etunimet="Eka", sukunimi="Kopio")
    second = world.add_student(
        session,
        etunimet="Toka",
        sukunimi="Kopio",
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15")),
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_B1),
        ],
    )
    first_hoks = new_hoks(api, first)
    second_hoks = new_hoks(api, second)
    archived_hoks = new_hoks(api, second, second.opiskeluoikeudet[1]["oid"])
    master = world.new_oid("24")
    import_and_commit(
        session,
        [
            henkilo(master, "Oikea", "Henkilö"),
            henkilo(first.oid, "Eka", "Kopio", master=master),
            henkilo(second.oid, "Toka", "Kopio", master=master),
        ],
    )
    archived = session.get(Hoks, archived_hoks)
    assert archived is not None
    archived.deleted_at = utcnow()
    session.commit()

    report = index.merge_oppija(session, registries, SYSTEM_ACTOR, master)
    session.commit()

    assert report.moved_hoks_ids == [first_hoks, second_hoks]
    assert sorted(report.merged_oppijat) == sorted([first.oid, second.oid])
    assert not report.duplicate
    session.expire_all()
    for hoks_id in (first_hoks, second_hoks):
        hoks = session.get(Hoks, hoks_id)
        assert hoks is not None
        assert hoks.oppija_oid == master
        assert hoks.document["oppija-oid"] == master
        assert hoks.revision == 2
        versions = session.scalars(
            select(HoksVersion).where(HoksVersion.hoks_id == hoks_id).order_by(HoksVersion.revision)
        ).all()
        assert [(v.revision, v.operation) for v in versions] == [(1, "create"), (2, "update")]
        assert versions[1].document["oppija-oid"] == master
        assert row(session, hoks.opiskeluoikeus_oid).oppija_oid == master
    # A soft-deleted HOKS stays with the duplicate; every index row moves (as the original).
    assert session.get(Hoks, archived_hoks).oppija_oid == second.oid  # type: ignore[union-attr]
    assert row(session, second.opiskeluoikeudet[1]["oid"]).oppija_oid == master
    assert session.get(Oppija, first.oid) is None
    assert session.get(Oppija, second.oid) is None
    assert session.get(Oppija, master).nimi == "Oikea Henkilö"  # type: ignore[union-attr]

    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.actor_kind == ActorKind.SYSTEM.value, AuditEvent.operation == "update")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.operation, e.hoks_id, e.oppija_oid) for e in events] == [
        ("update", first_hoks, master),
        ("update", second_hoks, master),
    ]
    assert events[0].changes == [{"path": ":oppija-oid", "oldValue": first.oid, "newValue": master}]
    assert events[1].target["opiskeluoikeusOid"] == second.oo

    session.rollback()  # end the read transaction: SQLite lets one writer in at a time
    shown = api.get(f"/hoks/{first_hoks}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["data"]["oppija-oid"] == master


def test_merge_also_reaches_a_master_with_hoksit_of_its_own_and_refreshes_its_name(
    api: Api, session: Session, registries: Registries
) -> None:
    master = world.add_student(session, etunimet="Vanha", sukunimi="Nimi")
    duplicate = world.add_student(session)
    master_hoks = new_hoks(api, master)
    duplicate_hoks = new_hoks(api, duplicate)
    import_and_commit(
        session,
        [
            henkilo(master.oid, "Uusi", "Nimi"),
            henkilo(duplicate.oid, "Testi", "Opiskelija", master=master.oid),
        ],
    )

    report = index.merge_oppija(session, registries, SYSTEM_ACTOR, master.oid)
    session.commit()

    assert report.nimi_updated
    assert report.moved_hoks_ids == [duplicate_hoks]
    session.expire_all()
    assert session.get(Oppija, master.oid).nimi == "Uusi Nimi"  # type: ignore[union-attr]
    assert session.get(Hoks, master_hoks).revision == 1  # type: ignore[union-attr]
    assert session.get(Hoks, duplicate_hoks).oppija_oid == master.oid  # type: ignore[union-attr]


def test_merge_moves_nothing_when_the_person_is_itself_a_duplicate(
    api: Api, session: Session, registries: Registries
) -> None:
    student = world.add_student(session)
    hoks_id = new_hoks(api, student)
    master = world.new_oid("24")
    import_and_commit(
        session,
        [henkilo(master, "Oikea", "Henkilö"), henkilo(student.oid, "X", "Y", master=master)],
    )

    report = index.merge_oppija(session, registries, SYSTEM_ACTOR, student.oid)
    session.commit()

    assert report.duplicate and report.nimi_updated
    assert report.moved_hoks_ids == []
    session.expire_all()
    assert session.get(Hoks, hoks_id).oppija_oid == student.oid  # type: ignore[union-attr]
    assert session.get(Oppija, student.oid).nimi == "X Y"  # type: ignore[union-attr]
    with pytest.raises(NotFound, match="not found in Oppijanumerorekisteri"):
        index.merge_oppija(session, registries, SYSTEM_ACTOR, world.new_oid("24"))


# --- koski404 --------------------------------------------------------------------------------


def test_koski404_marks_study_rights_koski_no_longer_returns_in_batches(
    api: Api, session: Session, registries: Registries
) -> None:
    students = [world.add_student(session) for _ in range(3)]
    other = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_A2)
        ],
    )
    ids = [new_hoks(api, student) for student in [*students, other]]
    drop_from_koski(session, students[0].oo, students[2].oo, other.oo)

    first = index.mark_koski404(session, registries, from_id=0, limit=2)
    second = index.mark_koski404(session, registries, from_id=first.last_id, limit=2)
    last = index.mark_koski404(session, registries, from_id=second.last_id, limit=2)
    session.commit()

    assert (first.checked, first.marked_hoks_ids, first.last_id) == (2, (ids[0],), ids[1])
    assert (second.checked, second.marked_hoks_ids, second.last_id) == (
        2,
        (ids[2], ids[3]),
        ids[3],
    )
    assert (last.checked, last.marked, last.last_id) == (0, 0, ids[3])
    assert [row(session, s.oo).koski404 for s in [*students, other]] == [True, False, True, True]

    # KOSKI knows the first one again: the mark is cleared.
    import_and_commit(
        session,
        [{"henkilö": {"oid": students[0].oid}, "opiskeluoikeudet": students[0].opiskeluoikeudet}],
    )
    again = index.mark_koski404(session, registries, from_id=0, limit=10)
    session.commit()
    assert (again.checked, again.marked, again.cleared) == (4, 2, 1)
    assert not row(session, students[0].oo).koski404


def test_missing_opiskeluoikeus_report_pages_by_oppilaitos(
    api: Api, session: Session, registries: Registries
) -> None:
    students = [world.add_student(session) for _ in range(4)]
    other = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_A2)
        ],
    )
    ids = [new_hoks(api, student) for student in [*students, other]]
    drop_from_koski(session, students[0].oo, students[1].oo, students[3].oo, other.oo)
    index.mark_koski404(session, registries, from_id=0, limit=100)
    archived = session.get(Hoks, ids[1])
    assert archived is not None
    archived.deleted_at = utcnow()  # a soft-deleted HOKS is not reported
    session.commit()

    page_0 = index.missing_opiskeluoikeus_hoksit(
        session, world.OPPILAITOS_A1, page_size=1, page_index=0
    )
    page_1 = index.missing_opiskeluoikeus_hoksit(
        session, world.OPPILAITOS_A1, page_size=1, page_index=1
    )
    page_2 = index.missing_opiskeluoikeus_hoksit(
        session, world.OPPILAITOS_A1, page_size=1, page_index=2
    )
    a2 = index.missing_opiskeluoikeus_hoksit(session, world.OPPILAITOS_A2)

    assert page_0 == {
        "count": 2,
        "pagecount": 2,
        "result": [
            {
                "hoksid": ids[0],
                "oppijaoid": students[0].oid,
                "opiskeluoikeusoid": students[0].oo,
                "oppilaitosoid": world.OPPILAITOS_A1,
            }
        ],
    }
    assert [r["hoksid"] for r in page_1["result"]] == [ids[3]]
    assert page_2 == {"count": 2, "pagecount": 2, "result": []}
    assert (a2["count"], [r["hoksid"] for r in a2["result"]]) == (1, [ids[4]])
    assert index.missing_opiskeluoikeus_hoksit(session, world.OPPILAITOS_B1)["count"] == 0


def test_koski404_marks_nothing_when_koski_is_down(
    api: Api, session: Session, settings: Settings
) -> None:
    student = world.add_student(session)
    new_hoks(api, student)
    down = Settings(
        environment=settings.environment,
        database_url=settings.database_url,
        koski_url=closed_port_url(),
        koski_username="ehoks",
        koski_password=SecretStr("koski-password"),
        register_retries=0,
    )
    factory = RegistryFactory(down)
    try:
        with pytest.raises(UpstreamError, match="Error while contacting Koski"):
            index.mark_koski404(session, factory.bind(session), from_id=0, limit=10)
    finally:
        factory.close()
    session.rollback()
    assert not row(session, student.oo).koski404


def test_koski404_job_commits_batch_by_batch(
    api: Api, session: Session, db: Engine, factory: RegistryFactory
) -> None:
    students = [world.add_student(session) for _ in range(3)]
    ids = [new_hoks(api, student) for student in students]
    drop_from_koski(session, students[1].oo)
    seen: list[int] = []

    totals = run_koski404(
        make_sessionmaker(db), factory, batch_size=2, progress=lambda b: seen.append(b.checked)
    )

    assert seen == [2, 1]
    assert (totals.checked, totals.marked, totals.batches, totals.last_id) == (3, 1, 2, ids[2])
    with make_sessionmaker(db)() as fresh:
        marked = fresh.scalars(
            select(OpiskeluoikeusIndex.oid).where(OpiskeluoikeusIndex.koski404.is_(True))
        ).all()
    assert marked == [students[1].oo]


# --- re-index --------------------------------------------------------------------------------


def test_reindex_opiskeluoikeus_shows_changed_koski_data(
    api: Api, session: Session, registries: Registries
) -> None:
    oo_oid = world.new_oid("15")
    linked_oid = world.new_oid("15")
    student = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(oo_oid),
            world.opiskeluoikeus(linked_oid, sisaltyy=oo_oid),
        ],
    )
    new_hoks(api, student)
    assert row(session, linked_oid).hankintakoulutus_opiskeluoikeus_oid == oo_oid
    changed = world.opiskeluoikeus(
        oo_oid, oppilaitos=world.OPPILAITOS_A2, arvioitu_paattymispaiva="2027-05-31"
    )
    changed["suoritukset"][0]["koulutusmoduuli"]["tunniste"]["nimi"] = {"fi": "Uusi tutkinto"}
    new_linked = world.new_oid("15")
    import_and_commit(
        session,
        {
            "henkilö": {"oid": student.oid},
            "opiskeluoikeudet": [changed, world.opiskeluoikeus(new_linked, sisaltyy=oo_oid)],
        },
    )
    drop_from_koski(session, linked_oid)

    result = index.reindex_opiskeluoikeus(session, registries, oo_oid)
    session.commit()

    assert result == index.ReindexResult(oo_oid, index.Outcome.UPDATED, 1, 1)
    session.expire_all()
    refreshed = row(session, oo_oid)
    assert refreshed.oppilaitos_oid == world.OPPILAITOS_A2
    assert refreshed.tutkinto_nimi == {"fi": "Uusi tutkinto"}
    assert str(refreshed.arvioitu_paattymispaiva) == "2027-05-31"
    assert session.get(OpiskeluoikeusIndex, linked_oid) is None
    assert row(session, new_linked).hankintakoulutus_opiskeluoikeus_oid == oo_oid


def test_reindex_of_a_study_right_koski_no_longer_knows_keeps_and_marks_the_row(
    api: Api, session: Session, registries: Registries
) -> None:
    student = world.add_student(session)
    new_hoks(api, student)
    drop_from_koski(session, student.oo)

    result = index.reindex_opiskeluoikeus(session, registries, student.oo)
    session.commit()

    assert result.outcome is index.Outcome.KOSKI404
    assert row(session, student.oo).koski404
    assert row(session, student.oo).oppilaitos_oid == world.OPPILAITOS_A1
    with pytest.raises(NotFound, match="not found in index"):
        index.reindex_opiskeluoikeus(session, registries, world.new_oid("15"))


def test_reindex_koulutustoimija_refreshes_only_its_study_rights(
    api: Api, session: Session, registries: Registries
) -> None:
    a1 = world.add_student(session)
    a2 = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_A2)
        ],
    )
    b1 = world.add_student(
        session,
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_B1)
        ],
    )
    for student in (a1, a2, b1):
        new_hoks(api, student)
    for student in (a1, a2, b1):
        document = {**student.opiskeluoikeudet[0], "arvioituPäättymispäivä": "2028-01-31"}
        import_and_commit(
            session, {"henkilö": {"oid": student.oid}, "opiskeluoikeudet": [document]}
        )
    drop_from_koski(session, a2.oo)

    assert index.koulutustoimija_deletion_info(session, world.KOULUTUSTOIMIJA_A) == 2
    report = index.reindex_koulutustoimija(session, registries, world.KOULUTUSTOIMIJA_A)
    session.commit()

    assert (report.updated, report.koski404) == (1, 1)
    session.expire_all()
    assert str(row(session, a1.oo).arvioitu_paattymispaiva) == "2028-01-31"
    assert row(session, a2.oo).koski404
    assert row(session, b1.oo).arvioitu_paattymispaiva is None
    with pytest.raises(NotFound):
        index.reindex_koulutustoimija(session, registries, world.new_oid("10"))


def test_refresh_oppija_reads_the_name_from_onr(
    api: Api, session: Session, registries: Registries
) -> None:
    student = world.add_student(session, etunimet="Matti", sukunimi="Meikäläinen")
    new_hoks(api, student)
    import_and_commit(session, henkilo(student.oid, "Matti Johannes", "Virtanen"))

    refresh = index.refresh_oppija(session, registries, student.oid)
    session.commit()

    assert (refresh.old_nimi, refresh.nimi, refresh.changed) == (
        "Matti Meikäläinen",
        "Matti Johannes Virtanen",
        True,
    )
    assert session.get(Oppija, student.oid).nimi == "Matti Johannes Virtanen"  # type: ignore[union-attr]
    with pytest.raises(NotFound, match="not found in eHOKS"):
        index.refresh_oppija(session, registries, world.new_oid("24"))
    unknown_to_onr = world.add_student(session, in_onr=False)
    session.add(Oppija(oid=unknown_to_onr.oid, nimi="Ei ONR:ssä"))
    session.commit()
    with pytest.raises(NotFound, match="not found in Oppijanumerorekisteri"):
        index.refresh_oppija(session, registries, unknown_to_onr.oid)


def test_index_missing_indexes_what_is_missing_and_counts_failures(
    api: Api, session: Session, registries: Registries
) -> None:
    unindexed, nameless, vanished, old = (world.add_student(session) for _ in range(4))
    ids = {student.oid: new_hoks(api, student) for student in (unindexed, nameless, vanished, old)}
    session.execute(
        delete(OpiskeluoikeusIndex).where(
            OpiskeluoikeusIndex.oid.in_([unindexed.oo, vanished.oo, old.oo])
        )
    )
    session.execute(delete(Oppija).where(Oppija.oid == unindexed.oid))
    row(session, nameless.oo).tutkinto_nimi = {"fi": "", "sv": ""}
    old_hoks = session.get(Hoks, ids[old.oid])
    assert old_hoks is not None
    old_hoks.created_at = utcnow() - timedelta(days=400)  # outside the one-year window
    session.commit()
    drop_from_koski(session, vanished.oo)

    before = index.unindexed_counts(session)
    report = index.index_missing(session, registries)
    session.commit()
    after = index.unindexed_counts(session)

    assert before.as_json() == {
        "unindexedOppijat": 1,
        "unindexedOpiskeluoikeudet": 2,
        "unindexedTutkinnot": 1,
    }
    assert (report.oppijat, report.opiskeluoikeudet, report.tutkinnot) == (1, 1, 1)
    assert (report.errors, report.failed) == (1, [vanished.oo])
    assert after == index.UnindexedCounts(oppijat=0, opiskeluoikeudet=1, tutkinnot=0)
    session.expire_all()
    assert session.get(Oppija, unindexed.oid).nimi == "Testi Opiskelija"  # type: ignore[union-attr]
    assert row(session, unindexed.oo).oppilaitos_oid == world.OPPILAITOS_A1
    assert (
        row(session, nameless.oo).tutkinto_nimi["fi"] == "Ravintola- ja catering-alan perustutkinto"
    )
    assert session.get(OpiskeluoikeusIndex, old.oo) is None
    assert session.scalar(select(func.count()).select_from(OpiskeluoikeusIndex)) == 2
