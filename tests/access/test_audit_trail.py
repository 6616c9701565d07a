"""The audit trail: one event per personal-data read or write of the data-transfer API, in the
same transaction as the action; roles and organisation stored; append-only; search and export."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import ehoks
from ehoks.access import audit, audit_queries
from ehoks.access.audit_queries import AccessKind, AuditFilters
from ehoks.access.identity import Actor, ActorKind, OrganisationPrivileges, RequestOrigin
from ehoks.access.roles import parse_cas_roles, privileges_of
from ehoks.access.storage import AuditEvent
from ehoks.app import create_app
from ehoks.db.engine import make_sessionmaker
from ehoks.hoks import service
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support import world
from tests.support.world import Api

A1 = world.OPPILAITOS_A1
KT_A = world.KOULUTUSTOIMIJA_A


@dataclass
class Setting:
    client: TestClient
    session: Session
    api_a: Api  # CRUD on koulutustoimija A (the HOKS's oppilaitos A1 is its child)
    api_a1_read: Api  # READ on oppilaitos A1
    api_oph: Api  # CRUD on the OPH root

    # SQLite takes the write lock when a transaction begins: the test's reads end theirs at
    # once, so that the app's requests can write.

    def new_events(self, after: int) -> list[AuditEvent]:
        events = list(
            self.session.scalars(
                select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id)
            )
        )
        self.session.expunge_all()
        self.session.rollback()
        return events

    def last_id(self) -> int:
        last = self.session.scalar(select(func.max(AuditEvent.id))) or 0
        self.session.rollback()
        return last


@pytest.fixture
def s(client: TestClient, session: Session) -> Setting:
    world.add_organisations(session)
    return Setting(
        client=client,
        session=session,
        api_a=world.service_api(client, session, "primus-a", [("CRUD", KT_A)]),
        api_a1_read=world.service_api(client, session, "reader-a1", [("READ", A1)]),
        api_oph=world.service_api(client, session, "vipunen", [("CRUD", OPH_ROOT_OID)]),
    )


def minimal(student: world.Student, **extra: Any) -> dict[str, Any]:
    return {
        "oppija-oid": student.oid,
        "opiskeluoikeus-oid": student.oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        **extra,
    }


def _create(s: Setting) -> tuple[world.Student, int]:
    student = world.add_student(s.session)
    response = s.api_a.post("/hoks", minimal(student))
    assert response.status_code == 200, response.text
    return student, int(response.json()["meta"]["id"])


# --- every personal-data path of the data-transfer API: exactly one event --------------------


Call = Callable[[Setting, world.Student, int], Any]

PATHS: dict[str, tuple[Call, str]] = {
    "GET /hoks/{id}": (lambda s, st, i: s.api_a.get(f"/hoks/{i}"), "read"),
    "PUT /hoks/{id}": (
        lambda s, st, i: s.api_a.put(f"/hoks/{i}", minimal(st, id=i, versio=2)),
        "overwrite",
    ),
    "PATCH /hoks/{id}": (
        lambda s, st, i: s.api_a.patch(f"/hoks/{i}", {"id": i, "versio": 4}),
        "update",
    ),
    "GET /hoks/opiskeluoikeus/{oid}": (
        lambda s, st, i: s.api_a.get(f"/hoks/opiskeluoikeus/{st.oo}"),
        "read",
    ),
    "GET /hoks/{id}/hankintakoulutukset": (
        lambda s, st, i: s.api_a.get(f"/hoks/{i}/hankintakoulutukset"),
        "read",
    ),
}


def test_post_hoks_writes_one_create_event(s: Setting) -> None:
    student = world.add_student(s.session)
    before = s.last_id()

    response = s.api_a.post("/hoks", minimal(student))

    assert response.status_code == 200
    hoks_id = response.json()["meta"]["id"]
    [event] = s.new_events(before)
    assert (event.operation, event.status) == ("create", audit.SUCCEEDED)
    assert event.target == {
        "hoksId": hoks_id,
        "oppijaOid": student.oid,
        "opiskeluoikeusOid": student.oo,
    }
    assert (event.hoks_id, event.oppija_oid, event.opiskeluoikeus_oid) == (
        hoks_id,
        student.oid,
        student.oo,
    )
    assert event.organisation_oid == A1  # the study right's oppilaitos, not the caller's org
    assert event.actor_roles == [f"CRUD:{KT_A}"]
    assert (event.actor_kind, event.actor_name) == ("PALVELU", "primus-a")
    assert event.changes[0]["newValue"]["id"] == hoks_id


@pytest.mark.parametrize("path", list(PATHS))
def test_each_read_and_write_path_writes_exactly_one_event(s: Setting, path: str) -> None:
    student, hoks_id = _create(s)
    call, operation = PATHS[path]
    before = s.last_id()

    response = call(s, student, hoks_id)

    assert response.status_code in (200, 204), response.text
    [event] = s.new_events(before)
    assert (event.operation, event.status) == (operation, audit.SUCCEEDED)
    assert event.target == {
        "hoksId": hoks_id,
        "oppijaOid": student.oid,
        "opiskeluoikeusOid": student.oo,
    }
    assert event.organisation_oid == A1
    assert event.actor_roles == [f"CRUD:{KT_A}"]


def test_a_change_records_its_diff(s: Setting) -> None:
    _student, hoks_id = _create(s)
    before = s.last_id()

    s.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "sahkoposti": "uusi@example.com"})

    [event] = s.new_events(before)
    assert event.changes == [{"path": ":sahkoposti", "newValue": "uusi@example.com"}]


def test_a_reader_is_recorded_with_its_own_role(s: Setting) -> None:
    _student, hoks_id = _create(s)
    before = s.last_id()

    assert s.api_a1_read.get(f"/hoks/{hoks_id}").status_code == 200

    [event] = s.new_events(before)
    assert event.actor_roles == [f"READ:{A1}"]
    assert event.organisation_oid == A1


def test_validointi_writes_one_validate_event(s: Setting) -> None:
    student = world.add_student(s.session)
    before = s.last_id()

    response = s.api_a.post("/validointi", minimal(student))

    assert response.status_code == 200
    [event] = s.new_events(before)
    assert (event.operation, event.status) == ("validate", audit.SUCCEEDED)
    assert event.oppija_oid == student.oid and event.opiskeluoikeus_oid == student.oo
    assert event.hoks_id is None
    assert event.organisation_oid == A1  # from the study right in KOSKI (nothing is indexed)
    assert event.actor_roles == [f"CRUD:{KT_A}"]


def test_paged_export_writes_one_event_listing_the_hokses(s: Setting) -> None:
    _student, first = _create(s)
    _other, second = _create(s)
    before = s.last_id()

    response = s.api_oph.get("/hoks/paged", params={"from-id": 0, "amount": 10})

    assert response.status_code == 200
    [event] = s.new_events(before)
    assert (event.operation, event.status) == ("read", audit.SUCCEEDED)
    assert event.target["hoksIds"] == [first, second]
    assert event.organisation_oid is None  # many organisations' data
    assert event.actor_roles == [f"CRUD:{OPH_ROOT_OID}"]


# --- failures: no succeeded event ------------------------------------------------------------


def test_a_put_failing_validation_writes_no_succeeded_event(s: Setting) -> None:
    student, hoks_id = _create(s)
    before = s.last_id()
    body = minimal(student, id=hoks_id)
    body["hankittavat-ammat-tutkinnon-osat"] = [
        {"tutkinnon-osa-koodi-uri": "tutkinnonosat_1", "tutkinnon-osa-koodi-versio": "x"}
    ]

    assert s.api_a.put(f"/hoks/{hoks_id}", body).status_code == 400

    events = s.new_events(before)
    assert [(e.operation, e.status) for e in events] == [("overwrite", audit.FAILED)]
    assert events[0].target["hoksId"] == hoks_id


def test_an_error_after_the_event_was_recorded_rolls_it_back(
    s: Setting, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``record`` has run when the read fails: the request's transaction, event included, goes
    (at most the edge's ``failed`` event remains)."""
    _student, hoks_id = _create(s)

    def broken(_hoks: object) -> dict[str, Any]:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(service, "full_document", broken)
    before = s.last_id()
    with TestClient(create_app(settings), raise_server_exceptions=False) as other:
        response = Api(other, s.api_a.username, s.api_a.password).get(f"/hoks/{hoks_id}")

    assert response.status_code == 500
    events = s.new_events(before)
    assert [e for e in events if e.status == audit.SUCCEEDED] == []
    assert {(e.operation, e.status) for e in events} <= {("read", audit.FAILED)}


def _actor(**kwargs: Any) -> Actor:
    return Actor(
        kind=ActorKind.PALVELU,
        oid="1.2.246.562.24.00000000001",
        username="primus-a",
        organisation_privileges=parse_cas_roles([f"ROLE_APP_EHOKS_CRUD_{KT_A}"]),
        origin=RequestOrigin("10.0.0.1", "pytest", "ST-1"),
        **kwargs,
    )


@pytest.mark.postgres
def test_postgres_event_is_invisible_until_commit_and_gone_after_rollback(
    db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    sessionmaker = make_sessionmaker(db)
    caplog.set_level(logging.INFO, logger="audit")
    with sessionmaker() as session:
        audit.record(
            session,
            actor=_actor(),
            operation="read",
            target={"hoksId": 1, "oppijaOid": "1.2.246.562.24.10000000008"},
            organisation_oid=A1,
        )
        session.flush()  # the INSERT has reached PostgreSQL, inside the open transaction
        with db.connect() as other:
            assert other.scalar(sa.text("SELECT count(*) FROM audit_event")) == 0
        try:
            raise RuntimeError("the action failed after record()")
        except RuntimeError:
            session.rollback()
    with db.connect() as other:
        assert other.scalar(sa.text("SELECT count(*) FROM audit_event")) == 0
    assert [r for r in caplog.records if r.name == "audit"] == []  # no JSON line either


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_audit_events(db: Engine) -> None:
    with make_sessionmaker(db)() as session:
        audit.record(session, actor=_actor(), operation="read", target={"hoksId": 7})
        session.commit()

    for statement in (
        "UPDATE audit_event SET operation = 'nothing'",
        "UPDATE audit_event SET actor_oid = NULL WHERE hoks_id = 7",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.begin() as conn:
            conn.execute(sa.text(statement))

    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT operation, hoks_id FROM audit_event")).all() == [
            ("read", 7)
        ]


def test_no_code_updates_or_deletes_audit_events() -> None:
    """The append-only rule in the code: no statement anywhere changes or removes an event."""
    source = Path(ehoks.__file__).parent
    pattern = re.compile(
        r"(update|delete)\(\s*AuditEvent|(UPDATE|DELETE\s+FROM)\s+audit_event", re.IGNORECASE
    )
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# --- roles and the JSON line ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        ([("CRUD", KT_A)], [f"CRUD:{KT_A}"]),
        ([("READ", A1), ("HOKS_DELETE", A1)], [f"READ:{A1}", f"HOKS_DELETE:{A1}"]),
        ([("OPHPAAKAYTTAJA", OPH_ROOT_OID)], [f"OPHPAAKAYTTAJA:{OPH_ROOT_OID}"]),
        ([("PAAKAYTTAJA", A1)], [f"PAAKAYTTAJA:{A1}"]),
        ([("READ", A1), ("READ", A1)], [f"READ:{A1}"]),  # no repeats
        ([("UPDATE", A1)], []),  # an unknown name grants nothing and is not a role
    ],
)
def test_actor_roles_name_each_grant(grants: list[tuple[str, str]], expected: list[str]) -> None:
    actor = _actor_with(tuple(privileges_of(name, oid) for name, oid in grants))
    assert audit.actor_roles(actor) == expected


def _actor_with(privileges: tuple[OrganisationPrivileges, ...]) -> Actor:
    return Actor(kind=ActorKind.VIRKAILIJA, oid="x", organisation_privileges=privileges)


def test_a_grant_no_role_name_gives_is_shown_by_its_privileges() -> None:
    grant = OrganisationPrivileges(A1, frozenset({"write", "read"}))
    assert audit.actor_roles(_actor_with((grant,))) == [f"read+write:{A1}"]
    assert audit.parse_role(f"read+write:{A1}") == ("read+write", A1)


def test_the_json_line_keeps_the_original_format(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="audit")
    audit.record(
        session,
        actor=_actor(),
        operation="read",
        target={"hoksId": 3, "oppijaOid": "1.2.246.562.24.10000000008"},
        organisation_oid=A1,
    )
    session.commit()

    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "audit"]
    assert set(line) == {
        "version",
        "logSeq",
        "type",
        "bootTime",
        "hostname",
        "serviceName",
        "applicationType",
        "user",
        "target",
        "status",
        "operation",
        "changes",
    }
    assert line["user"] == {
        "oid": "1.2.246.562.24.00000000001",
        "ipAddress": "10.0.0.1",
        "session": "ST-1",
        "userAgent": "pytest",
    }
    assert line["target"] == {"hoksId": 3, "oppijaOid": "1.2.246.562.24.10000000008"}
    stored = session.scalars(select(AuditEvent)).one()
    assert stored.actor_roles == [f"CRUD:{KT_A}"] and stored.organisation_oid == A1


# --- search and export (the query layer) ------------------------------------------------------


def _record_at(
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    when: datetime,
    *,
    operation: str = "read",
    status: str = audit.SUCCEEDED,
    actor: Actor | None = None,
    **target: Any,
) -> None:
    monkeypatch.setattr(audit, "utcnow", lambda: when)
    audit.record(
        session, actor=actor or _actor(), operation=operation, target=target, status=status
    )
    session.commit()


def test_days_are_finnish_days_with_both_ends_included(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2026-03-09 22:30 UTC is already 10 March in Finland (UTC+2).
    for hoks_id, when in enumerate(
        [
            datetime(2026, 3, 8, 21, 59, tzinfo=UTC),  # 8 March 23:59 in Finland
            datetime(2026, 3, 8, 22, 0, tzinfo=UTC),  # 9 March 00:00
            datetime(2026, 3, 9, 21, 59, tzinfo=UTC),  # 9 March 23:59
            datetime(2026, 3, 9, 22, 30, tzinfo=UTC),  # 10 March
        ]
    ):
        _record_at(session, monkeypatch, when, hoksId=hoks_id)

    one_day = audit_queries.search_events(session, since=date(2026, 3, 9), until=date(2026, 3, 9))
    from_tenth = audit_queries.search_events(session, since=date(2026, 3, 10))
    until_eighth = audit_queries.search_events(session, until=date(2026, 3, 8))

    assert [e.hoks_id for e in one_day.events] == [2, 1]  # newest first
    assert [e.hoks_id for e in from_tenth.events] == [3]
    assert [e.hoks_id for e in until_eighth.events] == [0]


def test_search_pages_and_counts(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    for minute in range(7):
        _record_at(
            session, monkeypatch, datetime(2026, 5, 1, 10, minute, tzinfo=UTC), hoksId=minute
        )

    second = audit_queries.search_events(session, page=2, page_size=3)
    beyond = audit_queries.search_events(session, page=99, page_size=3)

    assert (second.total, second.pages, second.page) == (7, 3, 2)
    assert [e.hoks_id for e in second.events] == [3, 2, 1]
    assert (beyond.page, [e.hoks_id for e in beyond.events]) == (3, [0])


def test_user_matches_oid_or_username_and_outcome_filters(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
    other = Actor(kind=ActorKind.VIRKAILIJA, oid="1.2.246.562.24.99999999990", username="matti")
    _record_at(session, monkeypatch, when, hoksId=1)
    _record_at(session, monkeypatch, when, actor=other, hoksId=2)
    _record_at(session, monkeypatch, when, actor=other, hoksId=3, status=audit.FAILED)

    by_name = audit_queries.search_events(session, actor="matti")
    by_oid = audit_queries.search_events(session, actor="1.2.246.562.24.99999999990")
    failed = audit_queries.search_events(session, actor="matti", status=audit.FAILED)
    creates = audit_queries.search_events(session, operation="create")

    assert sorted(e.hoks_id or 0 for e in by_name.events) == [2, 3]
    assert sorted(e.hoks_id or 0 for e in by_oid.events) == [2, 3]
    assert [e.hoks_id for e in failed.events] == [3]
    assert creates.total == 0


def test_export_streams_csv_rows_and_defuses_formulas(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    sneaky = Actor(
        kind=ActorKind.PALVELU,
        oid="1.2.246.562.24.00000000001",
        origin=RequestOrigin("10.0.0.2", '=HYPERLINK("http://evil")', "ST-2"),
    )
    _record_at(
        session, monkeypatch, datetime(2026, 5, 1, 10, 0, tzinfo=UTC), actor=sneaky, hoksId=5
    )
    _record_at(session, monkeypatch, datetime(2026, 5, 1, 11, 0, tzinfo=UTC), hoksId=6)

    rows = iter(audit_queries.export_events(session, hoks_id=5))
    header = next(rows)
    body = list(rows)

    assert header == list(audit_queries.EXPORT_COLUMNS)
    [row] = body
    record = dict(zip(header, row, strict=True))
    assert record["hoks_id"] == "5"
    assert record["occurred_at"] == "2026-05-01T10:00:00.000000Z"
    assert record["user_agent"] == '\'=HYPERLINK("http://evil")'
    assert json.loads(record["target"]) == {"hoksId": 5}
    text = "".join(audit_queries.csv_lines([["a", 'b "c"'], ["1", "2"]]))
    assert text == '\ufeffa,"b ""c"""\r\n1,2\r\n'


def test_filters_become_the_search_events_target() -> None:
    filters = AuditFilters(
        oppija_oid="1.2.246.562.24.10000000008", hoks_id=4, since=date(2026, 1, 2)
    )
    assert {k: v for k, v in filters.as_target().items() if v is not None} == {
        "oppijaOid": "1.2.246.562.24.10000000008",
        "hoksId": 4,
        "since": date(2026, 1, 2),
    }


# --- the student's view of the trail ------------------------------------------------------------


def _registries(session: Session, settings: Settings) -> Any:
    factory = RegistryFactory(settings)
    return factory.bind(session)


def test_who_is_the_role_used_nearest_the_data(session: Session, settings: Settings) -> None:
    """An officer with READ in the oppilaitos and CRUD in its koulutustoimija: a view is by the
    viewer role in the oppilaitos, a change by the recorder role in the koulutustoimija."""
    world.add_organisations(session)
    ancestors = _registries(session, settings).organisation_ancestors(A1)
    roles = [f"READ:{A1}", f"CRUD:{KT_A}", f"CRUD:{world.KOULUTUSTOIMIJA_B}"]

    def who(kind: AccessKind, actor_kind: str = "VIRKAILIJA") -> audit_queries.Who:
        return audit_queries.who_of(
            actor_kind=actor_kind,
            actor_roles=roles,
            organisation_oid=A1,
            kind=kind,
            ancestors=ancestors or [],
        )

    assert who(AccessKind.VIEWED) == audit_queries.Who("VIRKAILIJA", A1, "READ")
    assert who(AccessKind.CHANGED) == audit_queries.Who("VIRKAILIJA", KT_A, "CRUD")
    assert who(AccessKind.VIEWED, "PALVELU") == audit_queries.Who("PALVELU", A1, None)
    assert audit_queries.who_of(
        actor_kind="SYSTEM",
        actor_roles=[],
        organisation_oid=A1,
        kind=AccessKind.CHANGED,
        ancestors=[],
    ) == audit_queries.Who("SYSTEM", OPH_ROOT_OID, None)


def test_events_about_a_student_are_grouped_and_leave_out_the_student_and_failures(
    session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.add_organisations(session)
    oppija = "1.2.246.562.24.10000000008"
    officer = Actor(
        kind=ActorKind.VIRKAILIJA,
        oid="1.2.246.562.24.55555555555",
        username="matti.meikalainen",
        organisation_privileges=(privileges_of("READ", A1),),
    )
    student = Actor(kind=ActorKind.OPPIJA, oid=oppija)
    morning = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)
    noon = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    for when in (morning, noon):
        monkeypatch.setattr(audit, "utcnow", lambda when=when: when)
        audit.record(
            session,
            actor=officer,
            operation="read",
            target={"oppijaOid": oppija},
            organisation_oid=A1,
        )
    audit.record(session, actor=student, operation="read", target={"oppijaOid": oppija})
    audit.record(
        session,
        actor=officer,
        operation="read",
        target={"oppijaOid": oppija},
        status=audit.FAILED,
    )
    audit.record(
        session,
        actor=officer,
        operation="read",
        target={"oppijaOid": "1.2.246.562.24.20000000007"},
        organisation_oid=A1,
    )
    session.commit()

    entries = audit_queries.events_about_student(session, oppija, _registries(session, settings))

    [entry] = entries
    assert entry.who == audit_queries.Who("VIRKAILIJA", A1, "READ")
    assert (entry.kind, entry.day, entry.count) == (AccessKind.VIEWED, date(2026, 5, 4), 2)
    assert (entry.first_at, entry.last_at) == (morning, noon)
    assert entry.organisation_name_in("sv") == "Ammattiopisto A1"
