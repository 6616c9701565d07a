"""The data-transfer API with KOSKI and Oppijanumerorekisteri over HTTP (fake registers on
loopback): every register fault gives the original's status and message, leaves the database
as it was, and the service recovers when the register comes back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehoks.access.cas import CasUser
from ehoks.app import create_app
from ehoks.hoks.storage import Hoks, OpiskeluoikeusIndex, Oppija
from ehoks.settings import Settings
from tests.support import world
from tests.support.fake_cas import FakeCas
from tests.support.fake_koski import KOSKI_PASSWORD, KOSKI_USERNAME, FakeKoski, serve_koski
from tests.support.fake_onr import FakeOnr, serve_onr
from tests.support.fake_registers import FakeRegister, Fault, fake_register

API = "/ehoks-virkailija-backend/api/v1"
CALLER = {"Caller-Id": "1.2.246.562.10.00000000001.primus"}
EHOKS_CAS_ACCOUNT = ("ehoks-service", "ehoks-cas-password-1")
PALVELU_A = CasUser(
    "primus-a", world.new_oid("24"), "PALVELU", (f"ROLE_APP_EHOKS_CRUD_{world.KOULUTUSTOIMIJA_A}",)
)


@dataclass
class Registers:
    client: TestClient
    settings: Settings
    cas: FakeCas
    koski_register: FakeRegister
    onr_register: FakeRegister
    koski: FakeKoski
    onr: FakeOnr

    def headers(self) -> dict[str, str]:
        return {
            **CALLER,
            "ticket": self.cas.issue(PALVELU_A, self.settings.service_ticket_service_url),
        }

    def post(self, body: dict[str, Any]) -> Any:
        return self.client.post(f"{API}/hoks", json=body, headers=self.headers())

    def student(self) -> tuple[str, str]:
        """A person known to KOSKI (one study right at OPPILAITOS_A1) and to ONR."""
        oppija, oo = world.new_oid("24"), world.new_oid("15")
        self.koski.opiskeluoikeudet_by_oppija[oppija] = [world.opiskeluoikeus(oo)]
        self.onr.add({"oidHenkilo": oppija, "etunimet": "Aino Maria", "sukunimi": "Virta"})
        return oppija, oo


@pytest.fixture
def registers(settings: Settings, fake_cas: FakeCas, session: Session) -> Iterator[Registers]:
    world.add_organisations(session)  # Organisaatiopalvelu stays local here
    fake_cas.add_account(
        CasUser(EHOKS_CAS_ACCOUNT[0], world.new_oid("24"), "PALVELU", ()), EHOKS_CAS_ACCOUNT[1]
    )
    with fake_register("koski") as koski_register, fake_register("onr") as onr_register:
        http_settings = Settings(
            **{
                **settings.model_dump(),
                "cas_url": fake_cas.url,
                "cas_username": EHOKS_CAS_ACCOUNT[0],
                "cas_password": EHOKS_CAS_ACCOUNT[1],
                "koski_url": koski_register.url,
                "koski_username": KOSKI_USERNAME,
                "koski_password": KOSKI_PASSWORD,
                "onr_url": onr_register.url,
                "register_read_timeout_seconds": 0.5,
                "register_retries": 1,
                "register_retry_backoff_seconds": 0,
                # No caching, so a healed register is asked again at once.
                "koski_opiskeluoikeus_cache_ttl_millis": 0,
                "koski_oppija_cache_ttl_millis": 0,
                "ext_cache_lifetime_minutes": 0,
            }
        )
        koski = serve_koski(koski_register, {})
        onr = serve_onr(onr_register, fake_cas, [])
        with TestClient(create_app(http_settings)) as client:
            yield Registers(
                client, http_settings, fake_cas, koski_register, onr_register, koski, onr
            )


def hoks_body(oppija: str, oo: str) -> dict[str, Any]:
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
    }


def database_counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    counts = (
        session.scalar(select(func.count()).select_from(Hoks)) or 0,
        session.scalar(select(func.count()).select_from(Oppija)) or 0,
        session.scalar(select(func.count()).select_from(OpiskeluoikeusIndex)) or 0,
    )
    session.rollback()  # end the read (SQLite transactions take the write lock)
    return counts


def test_a_hoks_is_created_with_the_registers_over_http(
    registers: Registers, session: Session
) -> None:
    oppija, oo = registers.student()
    created = registers.post(hoks_body(oppija, oo))
    assert created.status_code == 200, created.text
    assert database_counts(session) == (1, 1, 1)
    assert session.get(Oppija, oppija).nimi == "Aino Maria Virta"  # type: ignore[union-attr]
    session.rollback()
    # KOSKI was asked with basic auth and Caller-Id; ONR with a CAS service ticket.
    koski_calls = registers.koski_register.calls
    assert {call.path for call in koski_calls} == {
        f"/koski/api/opiskeluoikeus/{oo}",
        "/koski/api/sure/oids",
    }
    assert all(call.headers["authorization"].startswith("Basic ") for call in koski_calls)
    assert all(call.headers["caller-id"] == registers.settings.caller_id for call in koski_calls)
    onr_calls = registers.onr_register.calls
    assert [call.path for call in onr_calls] == [f"/oppijanumerorekisteri-service/henkilo/{oppija}"]
    assert onr_calls[0].query["ticket"][0].startswith("ST-")


KOSKI_CONTACT = "Error while contacting Koski: "


@pytest.mark.parametrize(
    ("fault", "message_start"),
    [
        (Fault.DOWN, KOSKI_CONTACT),
        (Fault.SLOW, KOSKI_CONTACT),
        (Fault.UNAVAILABLE_503, KOSKI_CONTACT),
        (Fault.MALFORMED_JSON, KOSKI_CONTACT),
        (
            Fault.ERROR_500,
            "Error while fetching opiskeluoikeus `{oo}` from Koski. Got response with HTTP "
            "status 500",
        ),
    ],
)
def test_koski_faults_on_create(
    registers: Registers, session: Session, fault: Fault, message_start: str
) -> None:
    oppija, oo = registers.student()
    registers.koski_register.slow_seconds = 1.5
    registers.koski_register.fault = fault

    response = registers.post(hoks_body(oppija, oo))

    assert response.status_code == 500
    assert response.json()["error"].startswith(message_start.format(oo=oo))
    assert database_counts(session) == (0, 0, 0)

    registers.koski_register.heal()
    recovered = registers.post(hoks_body(oppija, oo))
    assert recovered.status_code == 200, recovered.text
    assert database_counts(session) == (1, 1, 1)


def test_a_study_right_koski_does_not_know_is_the_original_400(
    registers: Registers, session: Session
) -> None:
    oppija, _oo = registers.student()
    unknown = world.new_oid("15")
    response = registers.post(hoks_body(oppija, unknown))
    assert response.status_code == 400
    assert response.json() == {"error": f"Opiskeluoikeus `{unknown}` not found in Koski"}
    assert database_counts(session) == (0, 0, 0)


def test_koski_failing_after_the_study_right_was_read_leaves_nothing(
    registers: Registers, session: Session
) -> None:
    """The single study right answers; the person's study rights (sure/oids) then fail."""
    oppija, oo = registers.student()

    def drop(_request: Any, _match: Any) -> Any:
        raise ConnectionAbortedError

    registers.koski_register.route("POST", "/koski/api/sure/oids", drop)
    response = registers.post(hoks_body(oppija, oo))
    assert response.status_code == 500
    assert response.json()["error"].startswith(KOSKI_CONTACT)
    assert database_counts(session) == (0, 0, 0)


@pytest.mark.parametrize("fault", [Fault.DOWN, Fault.ERROR_500, Fault.SLOW])
def test_onr_faults_on_create(registers: Registers, session: Session, fault: Fault) -> None:
    oppija, oo = registers.student()
    registers.onr_register.slow_seconds = 1.5
    registers.onr_register.fault = fault

    response = registers.post(hoks_body(oppija, oo))

    assert response.status_code == 500
    assert response.json() == {
        "error": f"Error while fetching oppija `{oppija}` from Oppijanumerorekisteri"
    }
    assert database_counts(session) == (0, 0, 0)
    registers.onr_register.heal()
    assert registers.post(hoks_body(oppija, oo)).status_code == 200


def test_a_person_onr_does_not_know_is_the_original_400(
    registers: Registers, session: Session
) -> None:
    oppija, oo = registers.student()
    del registers.onr.henkilot[oppija]
    response = registers.post(hoks_body(oppija, oo))
    assert response.status_code == 400
    assert response.json() == {"error": f"Oppija `{oppija}` not found in Oppijanumerorekisteri"}
    assert database_counts(session) == (0, 0, 0)


def test_koski_down_during_put_leaves_the_old_hoks(registers: Registers, session: Session) -> None:
    oppija, oo = registers.student()
    hoks_id = registers.post(hoks_body(oppija, oo)).json()["meta"]["id"]
    before = registers.client.get(f"{API}/hoks/{hoks_id}", headers=registers.headers()).json()

    registers.koski_register.fault = Fault.DOWN
    replaced = registers.client.put(
        f"{API}/hoks/{hoks_id}",
        json={**hoks_body(oppija, oo), "ensikertainen-hyvaksyminen": "2025-01-01"},
        headers=registers.headers(),
    )
    assert replaced.status_code == 500
    assert replaced.json()["error"].startswith(KOSKI_CONTACT)

    registers.koski_register.heal()
    after = registers.client.get(f"{API}/hoks/{hoks_id}", headers=registers.headers()).json()
    assert after == before
