"""``ehoks demo load``: the demo world, its users through the real CAS protocol, idempotence."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from ehoks.access.storage import AuditEvent, User
from ehoks.access.users import authenticate
from ehoks.cli import app
from ehoks.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    PRODUCTION_REFUSAL,
    DemoReport,
    build_world,
    load_demo,
    render_guide,
)
from ehoks.errors import InvalidRequest
from ehoks.hoks.storage import Hoks, OpiskeluoikeusIndex
from ehoks.identifiers import is_valid_opiskeluoikeus_oid, is_valid_oppija_oid, is_valid_y_tunnus
from ehoks.registries.koski.interface import parse_opiskeluoikeus
from ehoks.registries.onr.interface import parse_henkilo
from ehoks.registries.storage import LocalHenkilo, LocalOpiskeluoikeus, LocalOrganisaatio
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support.cas import service_ticket

API = "/ehoks-virkailija-backend/api/v1"
TODAY = date(2026, 11, 30)
OHJAAJA_EMAIL = re.compile(r"^ohjaaja\.\d+@example\.fi$")


def loaded(session: Session, settings: Settings) -> DemoReport:
    report = load_demo(session, settings=settings, today=TODAY)
    session.commit()
    return report


def headers(client: TestClient, username: str) -> dict[str, str]:
    return {"Caller-Id": "demo", "ticket": service_ticket(client, username, DEMO_PASSWORD)}


def test_demo_world_has_students_study_rights_hokses_and_users(
    session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings=settings, today=TODAY)
    session.commit()

    assert not report.already_loaded
    henkilot = [parse_henkilo(row.document) for row in session.scalars(select(LocalHenkilo))]
    assert len(henkilot) >= 30
    assert all(is_valid_oppija_oid(h.oid) and h.etunimet and h.sukunimi for h in henkilot)
    study_rights = [
        parse_opiskeluoikeus(row.document) for row in session.scalars(select(LocalOpiskeluoikeus))
    ]
    assert all(is_valid_opiskeluoikeus_oid(oo.oid) for oo in study_rights)
    kinds = {(oo.tyyppi_koodiarvo, oo.current_tila) for oo in study_rights}
    assert {
        ("ammatillinenkoulutus", "lasna"),
        ("ammatillinenkoulutus", "valmistunut"),
        ("ammatillinenkoulutus", "eronnut"),
        ("tuva", "lasna"),
    } <= kinds
    ended = [oo for oo in study_rights if not oo.is_active]
    assert ended and all(oo.paattymispaiva is not None for oo in ended)
    assert any(oo.sisaltyy_opiskeluoikeuteen is not None for oo in study_rights)

    organisations = {row.oid: row.document for row in session.scalars(select(LocalOrganisaatio))}
    assert OPH_ROOT_OID in organisations
    koulutustoimijat = [
        d for d in organisations.values() if d["tyypit"] == ["organisaatiotyyppi_01"]
    ]
    assert len(koulutustoimijat) == 2
    assert all(is_valid_y_tunnus(d["ytunnus"]) for d in koulutustoimijat)
    oppilaitokset = [d for d in organisations.values() if d["tyypit"] == ["organisaatiotyyppi_02"]]
    per_provider = sorted(
        sum(d["parentOid"] == kt["oid"] for d in oppilaitokset) for kt in koulutustoimijat
    )
    assert per_provider == [1, 2]
    assert any(d["tyypit"] == ["organisaatiotyyppi_03"] for d in organisations.values())

    hokses = session.scalars(select(Hoks)).all()
    assert len(hokses) >= 20
    assert len(hokses) == len(report.hoks_ids)
    with_hoks = {hoks.oppija_oid for hoks in hokses}
    assert 20 <= len(with_hoks) < len(henkilot)  # some students have no HOKS
    assert any(hoks.manuaalisyotto for hoks in hokses)  # the officer-path fixtures
    ohjaajat = {
        jakso["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"]["sahkoposti"]
        for hoks in hokses
        for part in hoks.document.get("hankittavat-ammat-tutkinnon-osat", [])
        for jakso in part.get("osaamisen-hankkimistavat", [])
        if "tyopaikalla-jarjestettava-koulutus" in jakso
    }
    assert len(ohjaajat) >= 5 and all(OHJAAJA_EMAIL.match(email) for email in ohjaajat)
    assert any("tuva-opiskeluoikeus-oid" in hoks.document for hoks in hokses)
    assert (
        session.scalar(
            select(func.count())
            .select_from(OpiskeluoikeusIndex)
            .where(OpiskeluoikeusIndex.hankintakoulutus_opiskeluoikeus_oid.is_not(None))
        )
        == 1
    )
    # every HOKS went through create_hoks: one audited create each
    creates = session.scalars(select(AuditEvent).where(AuditEvent.operation == "create")).all()
    assert sorted(event.hoks_id or 0 for event in creates) == sorted(report.hoks_ids)

    users = {user.username: user for user in session.scalars(select(User))}
    assert set(users) == {demo.username for demo in DEMO_USERS}
    grants = {
        (user.kayttajatyyppi, role.name, role.organisation_oid)
        for user in users.values()
        for role in user.roles
    }
    names = {(kind, name) for kind, name, _org in grants}
    assert {
        ("PALVELU", "CRUD"),
        ("VIRKAILIJA", "READ"),
        ("VIRKAILIJA", "CRUD"),
        ("VIRKAILIJA", "PAAKAYTTAJA"),
        ("VIRKAILIJA", "HOKS_DELETE"),
    } <= names
    assert ("VIRKAILIJA", "OPHPAAKAYTTAJA", OPH_ROOT_OID) in grants
    assert ("PALVELU", "READ", OPH_ROOT_OID) in grants
    for username in users:
        assert authenticate(session, username, DEMO_PASSWORD) is not None


def test_world_is_deterministic() -> None:
    first, second = build_world(TODAY), build_world(TODAY)

    assert first.registry_documents() == second.registry_documents()
    assert [h.body for h in first.hoksit] == [h.body for h in second.hoksit]
    later = build_world(date(2027, 3, 1))
    assert [s.person for s in later.students] == [s.person for s in first.students]


@pytest.mark.parametrize(
    "today", [date(2027, 1, 2), date(2027, 8, 1), date(2027, 6, 15), date(2028, 2, 29)]
)
def test_world_loads_on_any_day(session: Session, settings: Settings, today: date) -> None:
    """The dates are built around the day of loading: school-year edges must validate too."""
    report = load_demo(session, settings=settings, today=today)

    assert len(report.hoks_ids) == len(report.world.hoksit)


def test_loading_twice_changes_nothing(session: Session, settings: Settings) -> None:
    first = loaded(session, settings)
    counts = [
        session.scalar(select(func.count()).select_from(table))
        for table in (Hoks, User, LocalHenkilo, LocalOpiskeluoikeus, AuditEvent)
    ]

    again = load_demo(session, settings=settings)
    session.commit()

    assert again.already_loaded
    assert again.example_hoks_id == first.example_hoks_id
    assert counts == [
        session.scalar(select(func.count()).select_from(table))
        for table in (Hoks, User, LocalHenkilo, LocalOpiskeluoikeus, AuditEvent)
    ]
    assert "already loaded" in render_guide(again, settings)


def test_demo_service_user_reads_a_demo_hoks_through_cas(
    client: TestClient, session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings=settings, today=TODAY)
    session.commit()
    hoks_id = report.example_hoks_id

    response = client.get(f"{API}/hoks/{hoks_id}", headers=headers(client, "demo-palvelu"))

    assert response.status_code == 200, response.text
    document = response.json()["data"]
    assert document["id"] == hoks_id
    assert document["oppija-oid"] == report.world.hoksit[0].person.oid
    other_provider = client.get(f"{API}/hoks/{hoks_id}", headers=headers(client, "demo-palvelu-b"))
    assert other_provider.status_code == 401


def test_every_demo_hoks_reads_back(
    client: TestClient, session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings=settings, today=TODAY)
    session.commit()
    by_provider = {
        report.world.organisation_oid("KT_A"): "demo-palvelu",
        report.world.organisation_oid("KT_B"): "demo-palvelu-b",
    }

    for hoks_id, planned in zip(report.hoks_ids, report.world.hoksit, strict=True):
        username = by_provider[planned.koulutustoimija_oid]
        response = client.get(f"{API}/hoks/{hoks_id}", headers=headers(client, username))
        assert response.status_code == 200, (hoks_id, response.text)
        assert response.json()["data"]["opiskeluoikeus-oid"] == planned.opiskeluoikeus_oid


def test_demo_vipunen_exports_every_hoks_without_failures(
    client: TestClient, session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings=settings, today=TODAY)
    session.commit()

    response = client.get(
        f"{API}/hoks/paged", params={"amount": 1000}, headers=headers(client, "demo-vipunen")
    )

    assert response.status_code == 200, response.text
    page = response.json()["data"]
    assert page["failed-ids"] == []
    assert sorted(hoks["id"] for hoks in page["result"]) == sorted(report.hoks_ids)
    refused = client.get(f"{API}/hoks/paged", headers=headers(client, "demo-palvelu"))
    assert refused.status_code == 401


def test_production_refuses_demo_data(session: Session, settings: Settings) -> None:
    production = Settings(
        environment="production",
        secret_key="a-real-production-secret-0123456789",
        database_url=settings.database_url,
    )

    with pytest.raises(InvalidRequest) as refused:
        load_demo(session, settings=production)

    assert refused.value.message == PRODUCTION_REFUSAL
    assert session.scalar(select(func.count()).select_from(User)) == 0
    assert session.scalar(select(func.count()).select_from(LocalHenkilo)) == 0


def test_cli_refuses_in_production(db: object, settings: Settings) -> None:
    runner = CliRunner(
        env={
            "EHOKS_DATABASE_URL": settings.database_url,
            "EHOKS_ENVIRONMENT": "production",
            "EHOKS_SECRET_KEY": "a-real-production-secret-0123456789",
        }
    )

    result = runner.invoke(app, ["demo", "load"])

    assert result.exit_code == 1
    assert PRODUCTION_REFUSAL in result.stderr


def test_cli_loads_once_and_prints_the_guide(
    db: object, session: Session, settings: Settings
) -> None:
    runner = CliRunner(
        env={"EHOKS_DATABASE_URL": settings.database_url, "EHOKS_PUBLIC_URL": "http://demo.test"}
    )

    first = runner.invoke(app, ["demo", "load"])
    second = runner.invoke(app, ["demo", "load"])

    assert first.exit_code == 0, first.output
    assert "Loaded the demo data" in first.stdout
    for demo in DEMO_USERS:
        assert demo.username in first.stdout
    assert DEMO_PASSWORD in first.stdout
    hoks_id = session.scalar(select(func.min(Hoks.id)))
    assert "curl -si -d username=demo-palvelu -d password=ehoks-demo-2026 $BASE/cas/v1/tickets" in (
        first.stdout
    )
    assert "BASE=http://demo.test" in first.stdout
    assert f"$BASE/ehoks-virkailija-backend/api/v1/hoks/{hoks_id}" in first.stdout
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.stdout
    assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
