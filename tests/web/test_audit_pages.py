"""The audit trail pages: OPH's search and CSV export, and the student's own access log."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor, ActorKind, RequestOrigin
from ehoks.access.roles import privileges_of
from ehoks.access.storage import AuditEvent
from ehoks.hoks import service
from ehoks.hoks.service import HoksEnv
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support import world
from tests.support.web import make_officer, sign_in_officer, sign_in_student
from tests.support.world import Api

LOKI = "/ehoks-virkailija-ui/loki"
VIENTI = "/ehoks-virkailija-ui/loki/vienti.csv"
KATSELULOKI = "/ehoks/katseluloki"
OFFICER_NAME = "Matti Meikäläinen"
OFFICER_USERNAME = "matti.meikalainen"
OFFICER_OID = "1.2.246.562.24.55555555555"


@dataclass
class Setting:
    client: TestClient
    session: Session
    settings: Settings
    api_a: Api  # a student-administration system: CRUD on koulutustoimija A
    api_b: Api  # another provider's system: CRUD on koulutustoimija B
    student: world.Student  # study right at oppilaitos A1
    hoks_id: int
    other: world.Student  # another student, study right at oppilaitos B1
    other_hoks_id: int

    def browser(self) -> TestClient:
        """Another browser (its own cookies) on the same app."""
        return TestClient(self.client.app)

    def events(self, **where: Any) -> list[AuditEvent]:
        statement = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            statement = statement.where(getattr(AuditEvent, key) == value)
        events = list(self.session.scalars(statement))
        self.session.expunge_all()
        self.session.rollback()  # SQLite: no read transaction left holding the write lock
        return events


def _minimal(student: world.Student) -> dict[str, Any]:
    return {
        "oppija-oid": student.oid,
        "opiskeluoikeus-oid": student.oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
    }


@pytest.fixture
def s(client: TestClient, session: Session, settings: Settings) -> Setting:
    world.add_organisations(session)
    api_a = world.service_api(client, session, "primus-a", [("CRUD", world.KOULUTUSTOIMIJA_A)])
    api_b = world.service_api(client, session, "wilma-b", [("CRUD", world.KOULUTUSTOIMIJA_B)])
    student = world.add_student(session, etunimet="Aino", sukunimi="Opiskelija")
    other = world.add_student(
        session,
        etunimet="Bertta",
        sukunimi="Toinen",
        opiskeluoikeudet=[
            world.opiskeluoikeus(world.new_oid("15"), oppilaitos=world.OPPILAITOS_B1)
        ],
    )
    hoks_id = api_a.post("/hoks", _minimal(student)).json()["meta"]["id"]
    other_hoks_id = api_b.post("/hoks", _minimal(other)).json()["meta"]["id"]
    make_officer(session, "oph-admin", [("OPHPAAKAYTTAJA", OPH_ROOT_OID)], display_name="Olli OPH")
    make_officer(session, "katselija-a1", [("READ", world.OPPILAITOS_A1)])
    make_officer(session, "crud-root", [("CRUD", OPH_ROOT_OID)])
    return Setting(client, session, settings, api_a, api_b, student, hoks_id, other, other_hoks_id)


def _oph(s: Setting) -> TestClient:
    browser = s.browser()
    assert sign_in_officer(browser, "oph-admin").status_code == 303
    return browser


def _officer_reads(s: Setting, hoks_id: int, *, when: datetime | None = None) -> None:
    """An officer of oppilaitos A1 opens the HOKS (as the officer UI does: the use case with the
    officer as actor, in one transaction)."""
    actor = Actor(
        kind=ActorKind.VIRKAILIJA,
        oid=OFFICER_OID,
        username=OFFICER_USERNAME,
        organisation_privileges=(privileges_of("READ", world.OPPILAITOS_A1),),
        origin=RequestOrigin("192.0.2.10", "Firefox", "web-abc"),
    )
    env = HoksEnv(registries=RegistryFactory(s.settings).bind(s.session), settings=s.settings)
    service.read_hoks(s.session, actor=actor, env=env, hoks_id=hoks_id)
    s.session.commit()


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


# --- who may open the search ---------------------------------------------------------------


@pytest.mark.parametrize("username", ["katselija-a1", "crud-root"])
@pytest.mark.parametrize("path", [LOKI, f"{LOKI}?oppija=x", VIENTI])
def test_officers_other_than_oph_administrators_are_refused(
    s: Setting, username: str, path: str
) -> None:
    browser = s.browser()
    sign_in_officer(browser, username)
    before = len(s.events())

    response = browser.get(path)

    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert len(s.events()) == before  # nothing was searched, nothing recorded


def test_a_student_and_a_stranger_cannot_open_the_search(s: Setting) -> None:
    student = s.browser()
    sign_in_student(student, s.student.oid)
    stranger = s.browser()

    assert student.get(LOKI).status_code == 403
    assert student.get(VIENTI).status_code == 403
    assert stranger.get(LOKI, follow_redirects=False).status_code == 303
    assert stranger.get(VIENTI, follow_redirects=False).status_code == 303


def test_the_form_alone_searches_nothing(s: Setting) -> None:
    browser = _oph(s)
    before = len(s.events(operation="audit-search"))

    page = browser.get(LOKI)

    assert page.status_code == 200
    for field in ("oppija", "kayttaja", "hoks", "alkaen", "asti", "toiminto", "tulos"):
        assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
    assert "<table" not in page.text
    assert len(s.events(operation="audit-search")) == before


# --- search through HTTP -------------------------------------------------------------------


def test_search_by_student_finds_only_that_students_events(s: Setting) -> None:
    _officer_reads(s, s.hoks_id)
    browser = _oph(s)

    page = browser.get(LOKI, params={"oppija": s.student.oid, "toiminto": "", "tulos": ""})

    assert page.status_code == 200
    rows = _rows(page.text)
    assert len(rows) == 2  # the service user's create, the officer's read
    assert all(s.student.oid in row for row in rows)
    assert s.other.oid not in page.text.split("<tbody>", 1)[1]
    assert "<caption>" in page.text and 'scope="col"' in page.text and 'scope="row"' in page.text
    assert OFFICER_USERNAME in page.text and OFFICER_OID in page.text  # OPH sees the person
    assert "Tapahtumia löytyi: 2" in page.text


def test_search_by_user_accepts_username_or_oid(s: Setting) -> None:
    _officer_reads(s, s.hoks_id)
    browser = _oph(s)

    by_name = browser.get(LOKI, params={"kayttaja": OFFICER_USERNAME})
    by_oid = browser.get(LOKI, params={"kayttaja": OFFICER_OID})
    nobody = browser.get(LOKI, params={"kayttaja": "ei-ketaan"})

    assert len(_rows(by_name.text)) == 1 and OFFICER_USERNAME in _rows(by_name.text)[0]
    assert len(_rows(by_oid.text)) == 1
    assert "Tapahtumia löytyi: 0" in nobody.text and "<table" not in nobody.text


def test_search_by_hoks_operation_and_outcome(s: Setting) -> None:
    s.api_a.get(f"/hoks/{s.hoks_id}")
    s.api_b.get(f"/hoks/{s.hoks_id}")  # refused: another provider
    browser = _oph(s)

    everything = browser.get(LOKI, params={"hoks": str(s.hoks_id)})
    failed = browser.get(LOKI, params={"hoks": str(s.hoks_id), "tulos": "failed"})
    created = browser.get(LOKI, params={"hoks": str(s.hoks_id), "toiminto": "create"})

    assert len(_rows(everything.text)) == 3  # create, read, refused read
    [refused] = _rows(failed.text)
    assert "wilma-b" in refused and "Epäonnistui" in refused
    [create] = _rows(created.text)
    assert "primus-a" in create and "Luonti" in create
    assert 'value="create" selected' in created.text  # the form keeps the choice


def test_search_by_time_range(s: Setting, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "utcnow", lambda: datetime(2026, 3, 9, 22, 30, tzinfo=UTC))
    _officer_reads(s, s.hoks_id)  # 10 March 2026 in Finland
    monkeypatch.undo()
    browser = _oph(s)

    tenth = browser.get(LOKI, params={"alkaen": "2026-03-10", "asti": "2026-03-10"})
    ninth = browser.get(LOKI, params={"alkaen": "2026-03-09", "asti": "2026-03-09"})
    today = datetime.now(UTC).date().isoformat()
    since_today = browser.get(LOKI, params={"alkaen": today, "kayttaja": OFFICER_USERNAME})

    assert len(_rows(tenth.text)) == 1 and OFFICER_USERNAME in tenth.text
    assert _rows(ninth.text) == []
    assert _rows(since_today.text) == []


def test_results_are_paged(s: Setting) -> None:
    actor = Actor(kind=ActorKind.SYSTEM, oid="", username="ehoks")
    for number in range(55):
        audit.record(s.session, actor=actor, operation="read", target={"hoksId": 10_000 + number})
    s.session.commit()
    browser = _oph(s)

    first = browser.get(LOKI, params={"kayttaja": "ehoks"})
    second = browser.get(LOKI, params={"kayttaja": "ehoks", "sivu": "2"})

    assert len(_rows(first.text)) == 50 and len(_rows(second.text)) == 5
    assert "Sivu 1/2" in first.text and "Sivu 2/2" in second.text
    assert 'href="/ehoks-virkailija-ui/loki?kayttaja=ehoks&amp;sivu=2"' in first.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_invalid_filters_are_explained_and_nothing_is_searched(s: Setting) -> None:
    browser = _oph(s)
    before = len(s.events(operation="audit-search"))

    page = browser.get(LOKI, params={"hoks": "abc", "alkaen": "2026-02-30", "asti": ""})
    swedish = browser.get(LOKI, params={"alkaen": "2026-03-02", "asti": "2026-03-01", "lang": "sv"})

    assert page.status_code == 400
    assert 'class="error-summary"' in page.text
    assert 'href="#hoks"' in page.text and 'aria-invalid="true"' in page.text
    assert "HOKSin tunnisteen on oltava kokonaisluku." in page.text
    assert "Anna alkupäivä päivämääränä" in page.text
    assert swedish.status_code == 400
    assert "Startdagen får inte vara efter slutdagen." in swedish.text
    too_long = browser.get(LOKI, params={"oppija": "1." * 40 + "1", "kayttaja": "x" * 129})
    assert too_long.status_code == 400
    assert 'href="#oppija"' in too_long.text and 'href="#kayttaja"' in too_long.text
    assert "Ange studerandens OID med siffror och punkter" in too_long.text  # lang cookie
    assert len(s.events(operation="audit-search")) == before


def test_a_search_is_itself_audited_with_its_filters(s: Setting) -> None:
    browser = _oph(s)

    browser.get(LOKI, params={"oppija": s.student.oid, "alkaen": "2026-01-01", "tulos": "failed"})

    [event] = s.events(operation="audit-search")
    assert (event.actor_name, event.actor_kind, event.status) == (
        "oph-admin",
        "VIRKAILIJA",
        "succeeded",
    )
    assert event.actor_roles == [f"OPHPAAKAYTTAJA:{OPH_ROOT_OID}"]
    assert event.oppija_oid == s.student.oid
    assert event.target == {
        "oppijaOid": s.student.oid,
        "since": "2026-01-01",
        "auditStatus": "failed",
        "page": 1,
        "resultCount": 0,
    }


# --- CSV export ----------------------------------------------------------------------------


def _csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_downloads_the_matching_events_as_csv(s: Setting) -> None:
    _officer_reads(s, s.hoks_id)
    browser = _oph(s)

    response = browser.get(VIENTI, params={"oppija": s.student.oid, "toiminto": "read"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="ehoks-lokitiedot-\d{8}T\d{6}Z\.csv"',
        response.headers["content-disposition"],
    )
    [row] = _csv(response.text)
    assert row["operation"] == "read" and row["status"] == "succeeded"
    assert (row["actor_name"], row["actor_oid"]) == (OFFICER_USERNAME, OFFICER_OID)
    assert row["actor_roles"] == f"READ:{world.OPPILAITOS_A1}"
    assert row["organisation_oid"] == world.OPPILAITOS_A1
    assert (row["hoks_id"], row["oppija_oid"]) == (str(s.hoks_id), s.student.oid)
    assert (row["ip_address"], row["user_agent"]) == ("192.0.2.10", "Firefox")


def test_export_without_filters_has_every_event_oldest_first(s: Setting) -> None:
    browser = _oph(s)
    stored = [event.id for event in s.events()]

    rows = _csv(browser.get(VIENTI).text)

    assert [int(row["id"]) for row in rows][: len(stored)] == stored
    assert rows[-1]["operation"] == "audit-export"  # committed before the download began


def test_the_export_is_audited_and_refuses_invalid_filters(s: Setting) -> None:
    browser = _oph(s)

    bad = browser.get(VIENTI, params={"hoks": "-1"})
    good = browser.get(VIENTI, params={"hoks": str(s.hoks_id)})

    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]
    assert good.status_code == 200
    [event] = s.events(operation="audit-export")
    assert event.target == {"hoksId": s.hoks_id}
    assert event.hoks_id == s.hoks_id


# --- the student's own access log ------------------------------------------------------------


@pytest.fixture
def student_browser(s: Setting) -> TestClient:
    browser = s.browser()
    assert sign_in_student(browser, s.student.oid).status_code == 303
    return browser


def test_the_student_sees_organisations_and_roles_not_people(
    s: Setting, student_browser: TestClient
) -> None:
    _officer_reads(s, s.hoks_id)

    page = student_browser.get(KATSELULOKI)

    assert page.status_code == 200
    assert "Ammattiopisto A1 — katselija" in page.text  # the officer, by organisation and role
    assert (
        "Koulutuskuntayhtymä A — eHOKS-palvelukäyttäjä (opiskelijahallintojärjestelmä)" in page.text
    )  # the system that created the HOKS
    assert "Tallensi uusia tietoja" in page.text and "Katseli tietojasi" in page.text
    for private in (OFFICER_NAME, OFFICER_USERNAME, OFFICER_OID, "primus-a", "192.0.2.10"):
        assert private not in page.text
    assert "<caption>" in page.text and 'scope="col"' in page.text


def test_the_student_never_sees_another_students_events(
    s: Setting, student_browser: TestClient
) -> None:
    s.api_b.get(f"/hoks/{s.other_hoks_id}")

    page = student_browser.get(KATSELULOKI)

    assert "Koulutus B Oy" not in page.text  # only B's student's data was used by B
    assert "Ammattikoulu B1" not in page.text
    other = s.browser()
    sign_in_student(other, s.other.oid)
    theirs = other.get(KATSELULOKI)
    assert "Koulutus B Oy" in theirs.text and "Koulutuskuntayhtymä A" not in theirs.text


def test_opening_the_log_is_recorded_but_not_listed_to_the_student(
    s: Setting, student_browser: TestClient
) -> None:
    student_browser.get(KATSELULOKI)
    page = student_browser.get(KATSELULOKI)

    reads = [
        e for e in s.events(oppija_oid=s.student.oid, actor_kind="OPPIJA") if e.operation == "read"
    ]
    assert len(reads) == 2 and reads[0].target["resource"] == "katseluloki"
    assert "Opiskelija —" not in page.text
    rows = _rows(page.text)
    assert len(rows) == 1  # only the service user's create


def test_an_oph_search_about_the_student_is_shown_to_them(
    s: Setting, student_browser: TestClient
) -> None:
    _oph(s).get(LOKI, params={"oppija": s.student.oid})

    page = student_browser.get(KATSELULOKI)

    assert "Opetushallitus — ylläpitäjä" in page.text
    assert "Katsoi tätä tietojesi käyttölokia" in page.text
    assert "oph-admin" not in page.text and "Olli OPH" not in page.text


def test_the_log_groups_a_day_and_speaks_swedish(
    s: Setting, student_browser: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = datetime(2026, 4, 14, 7, 0, tzinfo=UTC)
    for minutes in (0, 30, 90):
        monkeypatch.setattr(audit, "utcnow", lambda m=minutes: day + timedelta(minutes=m))
        _officer_reads(s, s.hoks_id)
    monkeypatch.undo()

    page = student_browser.get(KATSELULOKI, params={"lang": "sv"})

    [viewed] = [row for row in _rows(page.text) if "läsare" in row]
    assert "Ammattiopisto A1 — läsare" in viewed
    assert "Tittade på dina uppgifter" in viewed
    assert "<td>3</td>" in viewed  # three views that day, one line
    assert 'datetime="2026-04-14"' in viewed


def test_a_student_without_uses_sees_an_empty_log(s: Setting) -> None:
    lonely = world.add_student(s.session, etunimet="Yksin")
    browser = s.browser()
    sign_in_student(browser, lonely.oid)

    page = browser.get(KATSELULOKI)

    assert page.status_code == 200
    assert "Kukaan muu ei ole vielä katsonut tai muuttanut tietojasi." in page.text
    assert "<table" not in page.text


def test_officers_cannot_open_the_student_log(s: Setting) -> None:
    assert _oph(s).get(KATSELULOKI).status_code == 403
