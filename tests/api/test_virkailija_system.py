"""The OPH maintenance routes (``/ehoks-virkailija-backend/api/v1/virkailija/…``) through HTTP:
an officer session cookie, the CSRF header on state-changing calls, and the index work."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.storage import AuditEvent
from ehoks.hoks.storage import OpiskeluoikeusIndex, Oppija
from ehoks.registries.importer import import_documents
from ehoks.settings import OPH_ROOT_OID
from tests.support import world
from tests.support.web import csrf_token, make_officer, sign_in_officer
from tests.support.world import Api, Student

SYSTEM = "/ehoks-virkailija-backend/api/v1/virkailija"


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    world.add_organisations(session)
    return world.service_api(client, session, "primus", [("CRUD", world.KOULUTUSTOIMIJA_A)])


def signed_in(client: TestClient, session: Session, username: str, roles: list[Any]) -> str:
    """Sign ``username`` in on ``client``; the session's CSRF token."""
    make_officer(session, username, roles)
    assert sign_in_officer(client, username).status_code == 303
    return csrf_token(client.get("/ehoks-virkailija-ui/"))


@pytest.fixture
def oph(client: TestClient, session: Session) -> dict[str, str]:
    token = signed_in(client, session, "oph-admin", [("OPHPAAKAYTTAJA", OPH_ROOT_OID)])
    return {"X-CSRF-Token": token}


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


def operations(session: Session) -> list[str]:
    session.expire_all()
    names = list(session.scalars(select(AuditEvent.operation).order_by(AuditEvent.id)))
    session.rollback()
    return names


def test_without_a_session_the_routes_answer_401_with_an_empty_body(
    client: TestClient, api: Api
) -> None:
    response = client.get(f"{SYSTEM}/system-info/hoksit")
    assert response.status_code == 401
    assert response.json() == {}
    # A service user's ticket does not open them either.
    assert client.get(f"{SYSTEM}/system-info/hoksit", headers=api.headers()).status_code == 401


def test_an_officer_who_is_not_oph_gets_403(client: TestClient, session: Session) -> None:
    signed_in(client, session, "katselija", [("READ", world.KOULUTUSTOIMIJA_A)])
    response = client.get(f"{SYSTEM}/system-info/hoksit")
    assert response.status_code == 403
    assert response.json() == {}


def test_a_student_session_is_refused(client: TestClient, session: Session) -> None:
    student = world.add_student(session)
    from tests.support.web import sign_in_student

    assert sign_in_student(client, student.oid).status_code == 303
    response = client.get(f"{SYSTEM}/system-info/hoksit")
    assert response.status_code == 403
    assert response.json() == {"error": "User type 'OPPIJA' is not allowed"}


def test_state_changing_calls_need_the_csrf_header(client: TestClient, oph: dict[str, str]) -> None:
    refused = client.delete(f"{SYSTEM}/cache")
    assert refused.status_code == 403
    assert refused.json() == {"error": "CSRF token missing or invalid"}
    assert client.delete(f"{SYSTEM}/cache", headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.delete(f"{SYSTEM}/cache", headers=oph).status_code == 200


def test_system_info(client: TestClient, api: Api, session: Session, oph: dict[str, str]) -> None:
    new_hoks(api, world.add_student(session))
    assert client.get(f"{SYSTEM}/system-info/hoksit").json() == {"data": {"amount": 1}, "meta": {}}
    assert client.get(f"{SYSTEM}/system-info/oppijaindex").json()["data"] == {
        "unindexedOppijat": 0,
        "unindexedOpiskeluoikeudet": 0,
        "unindexedTutkinnot": 0,
    }
    assert client.get(f"{SYSTEM}/system-info/cache").json()["data"]["size"] >= 1
    assert client.delete(f"{SYSTEM}/cache", headers=oph).status_code == 200
    assert client.get(f"{SYSTEM}/system-info/cache").json()["data"]["size"] == 0
    assert client.get(f"{SYSTEM}/system-info/memory").json()["data"]["maxResidentSetKiB"] > 0


def test_hoks_lookups(client: TestClient, api: Api, session: Session, oph: dict[str, str]) -> None:
    student = world.add_student(session)
    hoks_id = new_hoks(api, student)
    assert client.get(f"{SYSTEM}/opiskeluoikeus/{student.oo}").json() == {
        "data": {"id": hoks_id},
        "meta": {},
    }
    assert client.get(f"{SYSTEM}/hoks/{hoks_id}").json()["data"] == {
        "opiskeluoikeus-oid": student.oo,
        "oppija-oid": student.oid,
    }
    assert client.get(f"{SYSTEM}/hoks/{hoks_id + 1}").status_code == 404
    assert client.get(f"{SYSTEM}/opiskeluoikeus/{world.new_oid('15')}").status_code == 404
    assert operations(session)[-2:] == ["read", "read"]


def test_reindex_a_study_right(
    client: TestClient, api: Api, session: Session, oph: dict[str, str]
) -> None:
    student = world.add_student(session)
    new_hoks(api, student)
    changed = world.opiskeluoikeus(student.oo, oppilaitos=world.OPPILAITOS_A2)
    import_documents(session, [{"henkilö": {"oid": student.oid}, "opiskeluoikeudet": [changed]}])
    session.commit()

    response = client.put(
        f"{SYSTEM}/opiskeluoikeus/update", json={"opiskeluoikeus-oid": student.oo}, headers=oph
    )

    assert response.status_code == 204
    session.expire_all()
    assert session.get(OpiskeluoikeusIndex, student.oo).oppilaitos_oid == world.OPPILAITOS_A2  # type: ignore[union-attr]
    session.rollback()
    assert ":system/update-opiskeluoikeus-in-index" in operations(session)
    unknown = client.put(
        f"{SYSTEM}/opiskeluoikeus/update",
        json={"opiskeluoikeus-oid": world.new_oid("15")},
        headers=oph,
    )
    assert unknown.status_code == 404


def test_reindex_a_koulutustoimija_and_its_deletion_info(
    client: TestClient, api: Api, session: Session, oph: dict[str, str]
) -> None:
    for _ in range(2):
        new_hoks(api, world.add_student(session))
    info = client.get(f"{SYSTEM}/opiskeluoikeudet/{world.KOULUTUSTOIMIJA_A}/deletion-info")
    assert info.json() == {"data": 2, "meta": {}}
    response = client.put(
        f"{SYSTEM}/opiskeluoikeudet/update",
        json={"koulutustoimija-oid": world.KOULUTUSTOIMIJA_A},
        headers=oph,
    )
    assert response.status_code == 204
    malformed = client.put(f"{SYSTEM}/opiskeluoikeudet/update", json={"x": 1}, headers=oph)
    assert malformed.status_code == 400


def test_refresh_a_name(
    client: TestClient, api: Api, session: Session, oph: dict[str, str]
) -> None:
    student = world.add_student(session, etunimet="Vanha", sukunimi="Nimi")
    new_hoks(api, student)
    import_documents(session, {"oidHenkilo": student.oid, "etunimet": "Uusi", "sukunimi": "Nimi"})
    session.commit()
    client.delete(f"{SYSTEM}/cache", headers=oph)

    response = client.put(f"{SYSTEM}/oppija/update", json={"oppija-oid": student.oid}, headers=oph)

    assert response.status_code == 204
    session.expire_all()
    assert session.get(Oppija, student.oid).nimi == "Uusi Nimi"  # type: ignore[union-attr]
    session.rollback()


def test_onrmodify_moves_the_duplicates_hokses_to_the_master(
    client: TestClient, api: Api, session: Session, oph: dict[str, str]
) -> None:
    first, second = world.add_student(session), world.add_student(session)
    first_hoks, second_hoks = new_hoks(api, first), new_hoks(api, second)
    master = world.new_oid("24")
    import_documents(
        session,
        [
            {"oidHenkilo": master, "etunimet": "Maija", "sukunimi": "Mestari"},
            {**_henkilo(first.oid), "duplicate": True, "masterOid": master},
            {**_henkilo(second.oid), "duplicate": True, "masterOid": master},
        ],
    )
    session.commit()

    response = client.post(f"{SYSTEM}/onrmodify", params={"oid": master}, headers=oph)

    assert response.status_code == 204
    for hoks_id in (first_hoks, second_hoks):
        assert api.get(f"/hoks/{hoks_id}").json()["data"]["oppija-oid"] == master
    assert ":system/update-oppija-onr" in operations(session)


def _henkilo(oid: str) -> dict[str, Any]:
    return {"oidHenkilo": oid, "etunimet": "Testi", "sukunimi": "Opiskelija"}


def test_missing_study_rights_are_marked_and_listed(
    client: TestClient, api: Api, session: Session, oph: dict[str, str]
) -> None:
    student = world.add_student(session)
    hoks_id = new_hoks(api, student)
    from ehoks.registries.storage import LocalOpiskeluoikeus

    session.delete(session.get(LocalOpiskeluoikeus, student.oo))
    session.commit()

    marked = client.get(f"{SYSTEM}/puuttuvat-opiskeluoikeudet-temp", params={"limit": 10})
    assert marked.status_code == 200
    assert marked.json()["marked-hoks-ids"] == [hoks_id]

    listed = client.get(f"{SYSTEM}/missing-oo-hoksit/{world.OPPILAITOS_A1}")
    assert listed.status_code == 200
    assert [row["hoksid"] for row in listed.json()["data"]["result"]] == [hoks_id]


def test_the_missing_study_rights_report_is_scoped_to_the_officers_organisations(
    client: TestClient, session: Session
) -> None:
    world.add_organisations(session)
    signed_in(client, session, "katselija-b", [("READ", world.KOULUTUSTOIMIJA_B)])
    refused = client.get(f"{SYSTEM}/missing-oo-hoksit/{world.OPPILAITOS_A1}")
    assert refused.status_code == 403
    assert refused.json() == {"error": "User has insufficient privileges for given organisation"}
    allowed = client.get(f"{SYSTEM}/missing-oo-hoksit/{world.OPPILAITOS_B1}")
    assert allowed.status_code == 200
    assert allowed.json()["data"]["count"] == 0
