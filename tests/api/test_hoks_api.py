"""The data-transfer API through HTTP, with service users obtained through the CAS protocol."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import select

from ehoks.access.storage import AuditEvent
from ehoks.hoks.storage import Hoks
from tests.api.conftest import World
from tests.support import world
from tests.support.fixtures import load_hoks

VALID_AMMATILLINEN = ["hoksit", "anonymised-example-1", "anonymised-example-2"]
NEEDS_TUNNISTE = [
    "hoks_ainoastaan_ammatillisia",
    "hoks_ainoastaan_paikallisia",
    "hoks_ainoastaan_YTOja",
    "hoks_yksi_tutkinnonosa",
]
PART_ARRAYS = [
    "aiemmin-hankitut-ammat-tutkinnon-osat",
    "aiemmin-hankitut-paikalliset-tutkinnon-osat",
    "aiemmin-hankitut-yhteiset-tutkinnon-osat",
    "hankittavat-ammat-tutkinnon-osat",
    "hankittavat-paikalliset-tutkinnon-osat",
    "hankittavat-yhteiset-tutkinnon-osat",
    "hankittavat-koulutuksen-osat",
    "opiskeluvalmiuksia-tukevat-opinnot",
    "oppimisen-tuki",
]


def for_student(document: dict[str, Any], student: world.Student) -> dict[str, Any]:
    body = copy.deepcopy(document)
    body["oppija-oid"] = student.oid
    body["opiskeluoikeus-oid"] = student.oo
    return body


def minimal(student: world.Student, **extra: Any) -> dict[str, Any]:
    return {
        "oppija-oid": student.oid,
        "opiskeluoikeus-oid": student.oo,
        "ensikertainen-hyvaksyminen": "2024-08-15",
        "osaamisen-hankkimisen-tarve": True,
        **extra,
    }


def normalised(value: Any, key: str = "") -> Any:
    """The input as the service stores it: strings trimmed, instants in UTC seconds."""
    if isinstance(value, dict):
        return {k: normalised(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v, key) for v in value]
    if isinstance(value, str):
        if key in ("hyvaksytty", "paivitetty"):
            return value[:19] + "Z"
        return value.strip()
    if key == "opetus-ja-ohjaus-maara":
        return float(value)
    return value


def assert_contains(expected: Any, actual: Any, path: str = "") -> None:
    """Everything in ``expected`` is in ``actual``, arrays in the same order and length."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}/{key} lost"
            assert_contains(value, actual[key], f"{path}/{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            assert_contains(a, b, f"{path}/{index}")
    else:
        assert expected == actual and type(expected) is type(actual), (path, expected, actual)


@pytest.mark.parametrize("name", VALID_AMMATILLINEN)
def test_valid_fixture_round_trips(w: World, name: str) -> None:
    student = w.student()
    body = for_student(load_hoks(name), student)

    created = w.api_a.post("/hoks", body)

    assert created.status_code == 200, created.text
    hoks_id = created.json()["meta"]["id"]
    assert created.json() == {
        "data": {"uri": f"/ehoks-virkailija-backend/api/v1/hoks/{hoks_id}"},
        "meta": {"id": hoks_id},
    }
    got = w.api_a.get(f"/hoks/{hoks_id}")
    assert got.status_code == 200
    assert got.headers["cache-control"] == "no-cache, max-age=0"
    document = got.json()["data"]
    assert got.json()["meta"] == {}
    assert_contains(normalised(body), document)
    assert document["id"] == hoks_id
    assert len(document["eid"]) == 36
    assert document["manuaalisyotto"] is False
    for array in PART_ARRAYS:
        assert isinstance(document[array], list)
    for part in document["hankittavat-ammat-tutkinnon-osat"]:
        assert len(part["module-id"]) == 36
        for oht in part["osaamisen-hankkimistavat"]:
            assert len(oht["module-id"]) == 36
            assert "id" not in oht


def test_tuva_fixture_needs_a_tuva_study_right(w: World) -> None:
    tuva = w.student(
        opiskeluoikeudet=[
            world.opiskeluoikeus(
                world.new_oid("15"), tyyppi="tuva", suoritus="tuvakoulutuksensuoritus"
            )
        ]
    )
    ammatillinen = w.student()
    document = load_hoks("hoks_tuva")

    assert w.api_a.post("/hoks", for_student(document, tuva)).status_code == 200
    refused = w.api_a.post("/hoks", for_student(document, ammatillinen))

    assert refused.status_code == 400
    errors = refused.json()["errors"]["hankittavat-koulutuksen-osat"]
    assert "Ota koulutuksenosa pois, koska opiskeluoikeus ei ole TUVA." in errors[0]


@pytest.mark.parametrize("name", NEEDS_TUNNISTE)
def test_fixture_without_jakso_tunniste_is_refused(w: World, name: str) -> None:
    student = w.student()

    response = w.api_a.post("/hoks", for_student(load_hoks(name), student))

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "compojure.api.exception/request-validation"
    assert body["in"] == ["request", "body-params"]
    assert "Lisää työpaikkajaksoon yksilöivä tunniste." in str(body["errors"])
    assert w.session.scalar(select(Hoks.id)) is None


def test_minimal_create_and_get_skeleton(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]

    document = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]

    assert set(document) == {
        "id",
        "eid",
        "oppija-oid",
        "opiskeluoikeus-oid",
        "ensikertainen-hyvaksyminen",
        "osaamisen-hankkimisen-tarve",
        "manuaalisyotto",
        *PART_ARRAYS,
    }
    assert all(document[array] == [] for array in PART_ARRAYS)


def test_privilege_is_inherited_from_an_ancestor_organisation(w: World) -> None:
    student = w.student()  # study right at OPPILAITOS_A1, under KOULUTUSTOIMIJA_A

    created = w.api_a.post("/hoks", minimal(student))  # CRUD on the koulutustoimija

    assert created.status_code == 200
    hoks_id = created.json()["meta"]["id"]
    assert w.api_a1_read.get(f"/hoks/{hoks_id}").status_code == 200  # READ on the oppilaitos


@pytest.mark.parametrize("caller", ["api_b", "api_a2"])
def test_foreign_or_sibling_organisation_is_refused(w: World, caller: str) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]
    api = getattr(w, caller)
    no_access = {"error": "No access is allowed. Check Opintopolku privileges and 'opiskeluoikeus'"}

    create = api.post("/hoks", minimal(w.student()))
    read = api.get(f"/hoks/{hoks_id}")
    patch = api.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "versio": 3})

    assert (create.status_code, create.json()) == (401, no_access)
    assert (read.status_code, read.json()) == (401, no_access)
    assert (patch.status_code, patch.json()) == (401, no_access)


def test_read_privilege_does_not_allow_writes(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]

    assert w.api_a1_read.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "versio": 2}).status_code == 401
    assert w.api_a1_read.post("/hoks", minimal(w.student())).status_code == 401


def test_duplicate_study_right_is_refused(w: World) -> None:
    student = w.student()
    assert w.api_a.post("/hoks", minimal(student)).status_code == 200

    again = w.api_a.post("/hoks", minimal(student))

    assert again.status_code == 400
    assert again.json() == {"error": "HOKS with the same opiskeluoikeus-oid already exists"}


def test_archived_study_right_is_refused_with_its_own_message(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]
    hoks = w.session.get(Hoks, hoks_id)
    assert hoks is not None
    from ehoks.db.types import utcnow

    hoks.deleted_at = utcnow()
    w.session.commit()

    again = w.api_a.post("/hoks", minimal(student))

    assert again.status_code == 400
    assert again.json() == {
        "error": "Archived HOKS with given opiskeluoikeus oid found. Contact eHOKS support for "
        "more information."
    }
    assert w.api_a.get(f"/hoks/{hoks_id}").status_code == 404


def test_patch_changes_only_the_given_fields(w: World) -> None:
    student = w.student()
    body = for_student(load_hoks("hoksit"), student)
    hoks_id = w.api_a.post("/hoks", body).json()["meta"]["id"]
    before = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]

    response = w.api_a.patch(
        f"/hoks/{hoks_id}", {"id": hoks_id, "sahkoposti": " uusi@example.fi ", "versio": 7}
    )

    assert response.status_code == 204
    assert response.content == b""
    after = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]
    assert after == {**before, "sahkoposti": "uusi@example.fi", "versio": 7}


def test_patch_refuses_part_arrays_and_nulls(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]

    parts = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "oppimisen-tuki": []})
    null = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "versio": None})

    assert parts.status_code == 400
    assert parts.json()["errors"] == {"oppimisen-tuki": "disallowed-key"}
    assert null.status_code == 400
    assert null.json()["errors"] == {"versio": "(not (integer? nil))"}


def test_put_replaces_everything_and_clears_what_is_absent(w: World) -> None:
    student = w.student()
    body = for_student(load_hoks("hoksit"), student)
    hoks_id = w.api_a.post("/hoks", body).json()["meta"]["id"]

    replaced = w.api_a.put(
        f"/hoks/{hoks_id}",
        {
            "id": hoks_id,
            "ensikertainen-hyvaksyminen": "2024-09-01",
            "osaamisen-hankkimisen-tarve": False,
            "puhelinnumero": "040 123",
        },
    )

    assert replaced.status_code == 204
    after = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]
    assert after["ensikertainen-hyvaksyminen"] == "2024-09-01"
    assert after["oppija-oid"] == student.oid  # immutable ones are kept
    assert after["opiskeluoikeus-oid"] == student.oo
    for cleared in (
        "sahkoposti",
        "versio",
        "urasuunnitelma-koodi-uri",
        "hyvaksytty",
        "paivitetty",
        "osaamisen-saavuttamisen-pvm",
    ):
        assert cleared not in after
    assert all(after[array] == [] for array in PART_ARRAYS)


def test_put_keeps_echoed_module_ids_and_issues_new_ones(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), student)).json()["meta"]["id"]
    document = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]
    kept = document["hankittavat-ammat-tutkinnon-osat"][0]["module-id"]
    body = {k: v for k, v in copy.deepcopy(document).items() if k not in ("eid", "manuaalisyotto")}
    for part in body["hankittavat-ammat-tutkinnon-osat"][1:]:
        part.pop("module-id")

    assert w.api_a.put(f"/hoks/{hoks_id}", body).status_code == 204

    after = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]["hankittavat-ammat-tutkinnon-osat"]
    assert after[0]["module-id"] == kept
    assert after[1]["module-id"] != document["hankittavat-ammat-tutkinnon-osat"][1]["module-id"]


def test_put_refuses_a_module_id_of_another_hoks(w: World) -> None:
    first = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), w.student())).json()["meta"][
        "id"
    ]
    second_student = w.student()
    second = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), second_student)).json()["meta"][
        "id"
    ]
    foreign = w.api_a.get(f"/hoks/{first}").json()["data"]["hankittavat-ammat-tutkinnon-osat"][0]
    body = minimal(second_student, id=second)
    body.pop("oppija-oid")
    body["hankittavat-ammat-tutkinnon-osat"] = [foreign]

    response = w.api_a.put(f"/hoks/{second}", body)

    assert response.status_code == 400
    assert (
        response.json()["error"]
        == f"module-id `{foreign['module-id']}` does not belong to this HOKS"
    )


def test_put_failure_leaves_the_old_hoks_intact(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), student)).json()["meta"]["id"]
    before = w.api_a.get(f"/hoks/{hoks_id}").json()["data"]
    body = minimal(student, id=hoks_id)
    body["hankittavat-ammat-tutkinnon-osat"] = [
        {"tutkinnon-osa-koodi-uri": "tutkinnonosat_1", "tutkinnon-osa-koodi-versio": "x"}
    ]

    assert w.api_a.put(f"/hoks/{hoks_id}", body).status_code == 400
    assert w.api_a.get(f"/hoks/{hoks_id}").json()["data"] == before


def test_path_id_must_match_body_id(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]

    response = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id + 1, "versio": 2})

    assert response.status_code == 400
    assert "does not match" in response.json()["error"]


def test_opiskeluoikeus_oid_is_immutable(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]
    other = world.new_oid("15")

    same = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "opiskeluoikeus-oid": student.oo})
    changed = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "opiskeluoikeus-oid": other})

    assert same.status_code == 204
    assert changed.status_code == 400
    assert changed.json()["error"] == (
        f"Tried to update `opiskeluoikeus-oid` from `{student.oo}` to `{other}` but updating "
        "`opiskeluoikeus-oid` in HOKS is not allowed!"
    )


def test_oppija_oid_changes_only_to_the_master(w: World) -> None:
    from ehoks.registries.importer import import_documents

    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]
    master = world.new_oid("24")
    stranger = world.new_oid("24")
    import_documents(
        w.session,
        [
            {"oidHenkilo": master, "etunimet": "Master", "sukunimi": "Person"},
            {
                "oidHenkilo": student.oid,
                "etunimet": "Testi",
                "sukunimi": "Opiskelija",
                "duplicate": True,
                "masterOid": master,
            },
        ],
    )
    w.session.commit()

    refused = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "oppija-oid": stranger})
    moved = w.api_a.patch(f"/hoks/{hoks_id}", {"id": hoks_id, "oppija-oid": master})

    assert refused.status_code == 400
    assert refused.json()["error"] == (
        f"Tried to update `oppija-oid` from `{student.oid}` to `{stranger}` but updating "
        "`oppija-oid` in HOKS is only allowed with latest master oppija oid!"
    )
    assert moved.status_code == 204
    assert w.api_a.get(f"/hoks/{hoks_id}").json()["data"]["oppija-oid"] == master


def test_get_by_opiskeluoikeus_returns_the_top_level(w: World) -> None:
    student = w.student()
    assert w.api_a.get(f"/hoks/opiskeluoikeus/{student.oo}").status_code == 404
    hoks_id = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), student)).json()["meta"]["id"]

    response = w.api_a.get(f"/hoks/opiskeluoikeus/{student.oo}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == hoks_id
    assert not set(PART_ARRAYS) & set(data)
    bad = w.api_a.get("/hoks/opiskeluoikeus/1.2.246.562.15.41014330544")
    assert bad.status_code == 400
    assert bad.json()["in"] == ["request", "route-params"]


def test_study_right_must_exist_belong_to_the_student_and_not_be_linked(w: World) -> None:
    student = w.student()
    unknown = world.new_oid("15")
    other = w.student()
    main_oo = world.new_oid("15")
    linked_oo = world.new_oid("15")
    linked = w.student(
        opiskeluoikeudet=[
            world.opiskeluoikeus(main_oo),
            world.opiskeluoikeus(linked_oo, sisaltyy=main_oo),
        ]
    )

    missing = w.api_a.post("/hoks", {**minimal(student), "opiskeluoikeus-oid": unknown})
    not_own = w.api_a.post("/hoks", {**minimal(student), "opiskeluoikeus-oid": other.oo})
    sisaltyy = w.api_a.post("/hoks", {**minimal(linked), "opiskeluoikeus-oid": linked_oo})

    assert missing.json() == {"error": f"Opiskeluoikeus `{unknown}` not found in Koski"}
    assert not_own.json() == {
        "error": f"No opiskeluoikeus {other.oo} found for oppija {student.oid}"
    }
    assert sisaltyy.json() == {
        "error": f"Opiskeluoikeus `{linked_oo}` sisältyy toiseen opiskeluoikeuteen."
    }
    created = w.api_a.post("/hoks", {**minimal(linked), "opiskeluoikeus-oid": main_oo})
    assert created.status_code == 200
    hoks_id = created.json()["meta"]["id"]
    assert w.api_a.get(f"/hoks/{hoks_id}/hankintakoulutukset").json() == [linked_oo]


def test_student_unknown_to_the_person_register(w: World) -> None:
    student = w.student(in_onr=False)

    response = w.api_a.post("/hoks", minimal(student))

    assert response.status_code == 400
    assert response.json() == {
        "error": f"Oppija `{student.oid}` not found in Oppijanumerorekisteri"
    }


def test_ticket_and_headers_are_required(w: World) -> None:
    url = world.API + "/hoks/1"
    no_headers = w.client.get(url)
    bad_ticket = w.client.get(url, headers={"Caller-Id": "x", "ticket": "ST-nonsense"})

    assert no_headers.status_code == 400
    assert no_headers.json()["errors"]["caller-id"] == "missing-required-key"
    assert no_headers.json()["in"] == ["request", "headers"]
    assert bad_ticket.status_code == 401
    assert bad_ticket.json() == {"error": "User not found for given ticket. Ticket may be expired."}


def test_officer_ticket_is_not_a_service_user(w: World) -> None:
    from tests.support.cas import make_service_user

    make_service_user(
        w.session,
        "officer",
        [("CRUD", world.OPPILAITOS_A1)],
        password=world.PASSWORD,
        kayttajatyyppi="VIRKAILIJA",
    )
    api = world.Api(w.client, "officer", world.PASSWORD)

    response = api.get("/hoks/1")

    assert response.status_code == 403
    assert response.json() == {"error": "User type 'PALVELU' is required"}


def test_deprecated_part_routes_answer_410(w: World) -> None:
    hoks_id = w.api_a.post("/hoks", minimal(w.student())).json()["meta"]["id"]

    response = w.api_a.get(f"/hoks/{hoks_id}/hankittava-ammat-tutkinnon-osa/1")

    assert response.status_code == 410
    assert response.json() == {"message": "Route is deprected."}


def test_malformed_json_is_a_parsing_error(w: World) -> None:
    response = w.client.post(
        world.API + "/hoks",
        content=b"{not json",
        headers={**w.api_a.headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["type"] == "compojure.api.exception/request-parsing"


def test_validointi_stores_nothing(w: World) -> None:
    student = w.student()

    ok = w.api_a.post("/validointi", minimal(student))
    bad = w.api_a.post(
        "/validointi", {**minimal(student), "osaamisen-saavuttamisen-pvm": "2017-01-01"}
    )

    assert (ok.status_code, ok.json()) == (200, {"data": {}, "meta": {}})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["osaamisen-saavuttamisen-pvm"]
    assert w.session.scalar(select(Hoks.id)) is None


def test_paged_export_is_redacted_and_oph_only(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", for_student(load_hoks("hoksit"), student)).json()["meta"]["id"]

    refused = w.api_a.get("/hoks/paged")
    page = w.api_oph.get("/hoks/paged", params={"from-id": 0, "amount": 10})

    assert refused.status_code == 401
    data = page.json()["data"]
    assert data["last-id"] == hoks_id
    assert data["failed-ids"] == []
    exported = data["result"][0]
    assert "sahkoposti" not in exported
    oht = exported["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0]
    assert "jarjestajan-edustaja" not in oht
    tyopaikka = [
        o
        for part in exported["hankittavat-ammat-tutkinnon-osat"]
        for o in part["osaamisen-hankkimistavat"]
        if "tyopaikalla-jarjestettava-koulutus" in o
    ]
    assert tyopaikka and all(
        o["tyopaikalla-jarjestettava-koulutus"]["vastuullinen-tyopaikka-ohjaaja"] is True
        for o in tyopaikka
    )
    empty = w.api_oph.get("/hoks/paged", params={"from-id": hoks_id}).json()["data"]
    assert empty == {"last-id": hoks_id, "failed-ids": [], "result": []}


def test_reads_writes_and_refusals_are_audited(w: World) -> None:
    student = w.student()
    hoks_id = w.api_a.post("/hoks", minimal(student)).json()["meta"]["id"]
    w.api_a.get(f"/hoks/{hoks_id}")
    w.api_b.get(f"/hoks/{hoks_id}")

    events = w.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()

    assert [(e.operation, e.status) for e in events] == [
        ("create", "succeeded"),
        ("read", "succeeded"),
        ("read", "failed"),
    ]
    assert events[0].hoks_id == hoks_id and events[0].oppija_oid == student.oid
    assert events[0].changes[0]["path"] == ""
    assert events[2].target["hoksId"] == hoks_id
