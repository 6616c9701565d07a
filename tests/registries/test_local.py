"""The registers' real payloads, imported as they are, read back through the local registers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from ehoks.registries.importer import ImportReport, import_documents
from ehoks.registries.koski.local import LocalKoskiRegistry
from ehoks.registries.onr.local import LocalOnrRegistry
from ehoks.registries.organisaatio.local import LocalOrganisaatioRegistry
from ehoks.settings import OPH_ROOT_OID
from tests.support.fixtures import REGISTRY_FIXTURES, load_registry

OPPIJA_OID = "1.2.246.562.24.44651722625"
OPPIJA_FILE = f"koski_api_oppija_{OPPIJA_OID}.json"
SURE_FILE = f"koski_api_sure_oids_{OPPIJA_OID}.json"
ORGANISAATIO_OID = "1.2.246.562.10.21122461771"
ORGANISAATIO_FILE = f"organisaatio-service_api_{ORGANISAATIO_OID}.json"
FINDBYOIDS_FILE = "organisaatio-service_api_findbyoids.json"

IMPORTABLE = sorted(
    path.name
    for path in REGISTRY_FIXTURES.glob("*.json")
    if path.name.startswith(("koski_", "organisaatio-service_"))
)


def test_the_fixture_set_is_the_expected_one() -> None:
    # Guards the parametrisation below against an empty or moved fixture directory.
    assert len(IMPORTABLE) == 7
    assert {OPPIJA_FILE, SURE_FILE, ORGANISAATIO_FILE, FINDBYOIDS_FILE} <= set(IMPORTABLE)


def _opiskeluoikeus_oids(document: object) -> list[str]:
    if isinstance(document, list):
        return [oid for element in document for oid in _opiskeluoikeus_oids(element)]
    assert isinstance(document, dict)
    if "opiskeluoikeudet" in document:
        return [str(oo["oid"]) for oo in document["opiskeluoikeudet"]]
    return [str(document["oid"])] if "tyyppi" in document else []


@pytest.mark.parametrize("name", IMPORTABLE)
def test_every_koski_and_organisaatio_payload_imports_as_is(session: Session, name: str) -> None:
    document = load_registry(name)

    report = import_documents(session, document)

    assert report.total > 0
    koski = LocalKoskiRegistry(session)
    for oid in _opiskeluoikeus_oids(document):
        opiskeluoikeus = koski.get_opiskeluoikeus(oid)
        assert opiskeluoikeus is not None, oid
        assert opiskeluoikeus.oid == oid
    assert report.opiskeluoikeudet == len(_opiskeluoikeus_oids(document))
    if name.startswith("organisaatio-service_"):
        oids = [
            element["oid"] for element in (document if isinstance(document, list) else [document])
        ]
        found = LocalOrganisaatioRegistry(session).find_by_oids(oids)
        assert sorted(org.oid for org in found) == sorted(oids)
        assert report.organisaatiot == len(oids)


def test_a_bare_opiskeluoikeus_is_served_by_its_oid(session: Session) -> None:
    import_documents(
        session, load_registry("koski_api_opiskeluoikeus_1.2.246.562.15.13312692646.json")
    )
    koski = LocalKoskiRegistry(session)

    opiskeluoikeus = koski.get_opiskeluoikeus("1.2.246.562.15.13312692646")

    assert opiskeluoikeus is not None
    assert opiskeluoikeus.oppilaitos is not None
    assert opiskeluoikeus.oppilaitos.oid == "1.2.246.562.10.32506551657"
    assert opiskeluoikeus.tyyppi_koodiarvo == "muukuinsaanneltykoulutus"
    assert koski.get_opiskeluoikeus("1.2.246.562.15.76811932037") is None


def test_a_bare_opiskeluoikeus_with_empty_organisation_references_is_served(
    session: Session,
) -> None:
    # KOSKI's payload has {} for oppilaitos, koulutustoimija, tila and the suoritus's
    # tyyppi and toimipiste: the model must read what the register really sends.
    import_documents(
        session, load_registry("koski_api_opiskeluoikeus_1.2.246.562.15.60063016194.json")
    )

    opiskeluoikeus = LocalKoskiRegistry(session).get_opiskeluoikeus("1.2.246.562.15.60063016194")

    assert opiskeluoikeus is not None
    assert opiskeluoikeus.tyyppi_koodiarvo == "ammatillinenkoulutus"


def test_the_oppija_document_gives_the_study_rights_and_the_person(session: Session) -> None:
    report = import_documents(session, load_registry(OPPIJA_FILE))

    assert report == ImportReport(opiskeluoikeudet=2, henkilot=1, organisaatiot=0)
    opiskeluoikeudet = LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OPPIJA_OID)
    assert [oo.oid for oo in opiskeluoikeudet] == [
        "1.2.246.562.15.10359275566",
        "1.2.246.562.15.76811932038",
    ]
    assert opiskeluoikeudet[0].oppilaitos is not None
    assert opiskeluoikeudet[0].oppilaitos.oid == "1.2.246.562.10.57057574493"
    henkilo = LocalOnrRegistry(session).get_henkilo(OPPIJA_OID)
    assert henkilo is not None
    assert henkilo.nimi == "Aarto Maurits Väisänen-perftest"
    assert henkilo.kutsumanimi == "Aarto"
    assert henkilo.hetu == "250103-5360"
    assert not henkilo.duplicate


def test_the_person_made_from_koski_has_the_onr_shape(session: Session) -> None:
    from ehoks.registries.storage import LocalHenkilo

    import_documents(session, load_registry(OPPIJA_FILE))

    row = session.get(LocalHenkilo, OPPIJA_OID)
    assert row is not None
    assert row.master_oid is None
    assert row.document == {
        "oidHenkilo": OPPIJA_OID,
        "etunimet": "Aarto Maurits",
        "kutsumanimi": "Aarto",
        "sukunimi": "Väisänen-perftest",
        "hetu": "250103-5360",
        "syntymaaika": "1903-01-25",
        "turvakielto": False,
    }


def test_the_sure_oids_document_names_the_student_of_each_study_right(session: Session) -> None:
    report = import_documents(session, load_registry(SURE_FILE))

    # Its henkilö has only an oid: no person is made from it.
    assert report == ImportReport(opiskeluoikeudet=5, henkilot=0, organisaatiot=0)
    assert LocalOnrRegistry(session).get_henkilo(OPPIJA_OID) is None
    oids = [oo.oid for oo in LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OPPIJA_OID)]
    assert oids == sorted(
        [
            "1.2.246.562.15.76811932029",
            "1.2.246.562.15.60063016194",
            "1.2.246.562.15.13312692646",
            "1.2.246.562.15.10359275566",
            "1.2.246.562.15.76811932025",
        ]
    )


def test_the_organisation_document_gives_the_hierarchy(session: Session) -> None:
    report = import_documents(session, load_registry(ORGANISAATIO_FILE))

    assert report == ImportReport(opiskeluoikeudet=0, henkilot=0, organisaatiot=1)
    organisaatio = LocalOrganisaatioRegistry(session).get_organisaatio(ORGANISAATIO_OID)
    assert organisaatio is not None
    assert organisaatio.ancestors == [
        OPH_ROOT_OID,
        "1.2.246.562.10.63964626889",
        "1.2.246.562.10.84189747029",
    ]
    assert organisaatio.parent_oid == "1.2.246.562.10.84189747029"
    assert organisaatio.tyypit == ["organisaatiotyyppi_03"]
    assert organisaatio.status == "AKTIIVINEN"


def test_the_findbyoids_summaries_give_names(session: Session) -> None:
    import_documents(session, load_registry(FINDBYOIDS_FILE))
    registry = LocalOrganisaatioRegistry(session)

    found = registry.find_by_oids(["1.2.246.562.10.12424158690", "1.2.246.562.10.99999999990"])

    assert [(org.oid, org.nimi) for org in found] == [
        ("1.2.246.562.10.12424158690", {"fi": "Testiorganisaatio 2"})
    ]
    organisaatio = registry.get_organisaatio("1.2.246.562.10.12944436166")
    assert organisaatio is not None
    assert organisaatio.nimi == {"fi": "Ammatillinen opettajakorkeakoulu, Jyväskylä"}
    assert organisaatio.ancestors == []


def test_all_payloads_together(session: Session) -> None:
    total = ImportReport()
    for name in IMPORTABLE:
        total += import_documents(session, load_registry(name))
    # Imported again after the sure/oids document named their student, bare ones keep it.
    bare = [name for name in IMPORTABLE if name.startswith("koski_api_opiskeluoikeus_")]
    for name in bare:
        import_documents(session, load_registry(name))

    koski = LocalKoskiRegistry(session)
    oids = {oo.oid for oo in koski.get_opiskeluoikeudet_of_oppija(OPPIJA_OID)}
    assert oids == {
        "1.2.246.562.15.10359275566",
        "1.2.246.562.15.13312692646",
        "1.2.246.562.15.60063016194",
        "1.2.246.562.15.76811932025",
        "1.2.246.562.15.76811932029",
        "1.2.246.562.15.76811932038",
    }
    # Not in any oppija document: still without a student.
    assert koski.get_opiskeluoikeus("1.2.246.562.15.76811932037") is not None
    assert total == ImportReport(opiskeluoikeudet=10, henkilot=1, organisaatiot=4)
