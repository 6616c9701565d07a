"""``import_documents``: recognising registry documents and upserting them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ehoks.errors import InvalidRequest
from ehoks.identifiers import make_oid
from ehoks.registries.eperusteet.interface import tutkinnon_osan_laajuus
from ehoks.registries.eperusteet.local import LocalEperusteetRegistry
from ehoks.registries.importer import ImportReport, import_documents, rakenne_key_from_filename
from ehoks.registries.koodisto.local import LocalKoodistoRegistry
from ehoks.registries.koski.local import LocalKoskiRegistry
from ehoks.registries.onr.local import LocalOnrRegistry
from ehoks.registries.organisaatio.local import LocalOrganisaatioRegistry
from ehoks.registries.storage import LocalHenkilo, LocalOpiskeluoikeus, LocalOrganisaatio
from tests.support.fixtures import REGISTRY_FIXTURES, load_registry

OPPIJA_OID = "1.2.246.562.24.44651722625"
OTHER_OPPIJA_OID = "1.2.246.562.24.54450598189"
OPISKELUOIKEUS_OID = "1.2.246.562.15.76811932037"
OPISKELUOIKEUS_FILE = f"koski_api_opiskeluoikeus_{OPISKELUOIKEUS_OID}.json"
OPPIJA_FILE = f"koski_api_oppija_{OPPIJA_OID}.json"
SURE_FILE = f"koski_api_sure_oids_{OPPIJA_OID}.json"
ORGANISAATIO_OID = "1.2.246.562.10.21122461771"
ORGANISAATIO_FILE = f"organisaatio-service_api_{ORGANISAATIO_OID}.json"
MASTER_OID = make_oid("24", "1234567890")
SLAVE_OID = make_oid("24", "2345678901")


def _henkilo(oid: str, etunimet: str, **extra: Any) -> dict[str, Any]:
    return {
        "oidHenkilo": oid,
        "etunimet": etunimet,
        "kutsumanimi": etunimet.split()[0],
        "sukunimi": "Testinen",
        "hetu": None,
        "duplicate": False,
        "passivoitu": False,
        **extra,
    }


def _counts(session: Session) -> tuple[int, int, int]:
    session.flush()
    return (
        session.scalar(select(func.count()).select_from(LocalOpiskeluoikeus)) or 0,
        session.scalar(select(func.count()).select_from(LocalHenkilo)) or 0,
        session.scalar(select(func.count()).select_from(LocalOrganisaatio)) or 0,
    )


def _oppija_oid_of(session: Session, oid: str) -> str | None:
    row = session.get(LocalOpiskeluoikeus, oid)
    assert row is not None
    return row.oppija_oid


# -- re-import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [OPISKELUOIKEUS_FILE, OPPIJA_FILE, SURE_FILE, ORGANISAATIO_FILE])
def test_reimporting_the_same_document_changes_nothing(session: Session, name: str) -> None:
    import_documents(session, load_registry(name))
    session.commit()
    before = _counts(session)
    documents = {
        row.oid: (row.document, row.oppija_oid)
        for row in session.scalars(select(LocalOpiskeluoikeus))
    }

    import_documents(session, load_registry(name))
    session.commit()

    assert _counts(session) == before
    session.expire_all()
    assert {
        row.oid: (row.document, row.oppija_oid)
        for row in session.scalars(select(LocalOpiskeluoikeus))
    } == documents


def test_reimporting_a_changed_document_replaces_it(session: Session) -> None:
    document = load_registry(OPISKELUOIKEUS_FILE)
    import_documents(session, document)
    session.commit()
    changed = copy.deepcopy(document)
    changed["versionumero"] = 7
    changed["arvioituPäättymispäivä"] = "2030-05-31"

    report = import_documents(session, changed)
    session.commit()
    session.expire_all()

    assert report == ImportReport(opiskeluoikeudet=1)
    row = session.get(LocalOpiskeluoikeus, OPISKELUOIKEUS_OID)
    assert row is not None
    assert row.document["versionumero"] == 7
    opiskeluoikeus = LocalKoskiRegistry(session).get_opiskeluoikeus(OPISKELUOIKEUS_OID)
    assert opiskeluoikeus is not None
    assert str(opiskeluoikeus.arvioitu_paattymispaiva) == "2030-05-31"


def test_the_same_study_right_twice_in_one_import_is_one_row(session: Session) -> None:
    document = load_registry(OPISKELUOIKEUS_FILE)
    later = copy.deepcopy(document)
    later["versionumero"] = 2

    report = import_documents(session, [document, later])

    assert report.opiskeluoikeudet == 2
    assert _counts(session) == (1, 0, 0)
    row = session.get(LocalOpiskeluoikeus, OPISKELUOIKEUS_OID)
    assert row is not None
    assert row.document["versionumero"] == 2


# -- the student of a study right (--oppija) ----------------------------------------------------


def test_a_bare_study_right_has_no_student_without_oppija(session: Session) -> None:
    import_documents(session, load_registry(OPISKELUOIKEUS_FILE))

    assert _oppija_oid_of(session, OPISKELUOIKEUS_OID) is None
    assert LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OPPIJA_OID) == []


def test_oppija_names_the_student_of_a_bare_study_right(session: Session) -> None:
    import_documents(session, load_registry(OPISKELUOIKEUS_FILE), oppija_oid=OTHER_OPPIJA_OID)

    found = LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OTHER_OPPIJA_OID)
    assert [oo.oid for oo in found] == [OPISKELUOIKEUS_OID]


def test_a_bare_study_right_keeps_its_student_and_oppija_changes_it(session: Session) -> None:
    import_documents(session, load_registry(OPISKELUOIKEUS_FILE), oppija_oid=OPPIJA_OID)

    import_documents(session, load_registry(OPISKELUOIKEUS_FILE))
    assert _oppija_oid_of(session, OPISKELUOIKEUS_OID) == OPPIJA_OID

    import_documents(session, load_registry(OPISKELUOIKEUS_FILE), oppija_oid=OTHER_OPPIJA_OID)
    assert _oppija_oid_of(session, OPISKELUOIKEUS_OID) == OTHER_OPPIJA_OID


def test_an_oppija_document_names_its_own_student_whatever_oppija_says(session: Session) -> None:
    import_documents(session, load_registry(OPPIJA_FILE), oppija_oid=OTHER_OPPIJA_OID)

    assert _oppija_oid_of(session, "1.2.246.562.15.10359275566") == OPPIJA_OID
    assert LocalKoskiRegistry(session).get_opiskeluoikeudet_of_oppija(OTHER_OPPIJA_OID) == []


def test_oppija_must_be_a_person_oid(session: Session) -> None:
    with pytest.raises(InvalidRequest, match="not an oppija OID"):
        import_documents(session, load_registry(OPISKELUOIKEUS_FILE), oppija_oid=OPISKELUOIKEUS_OID)
    assert _counts(session) == (0, 0, 0)


# -- ONR ----------------------------------------------------------------------------------------


def test_an_onr_person_is_imported(session: Session) -> None:
    report = import_documents(session, _henkilo(MASTER_OID, "Maija Liisa"))

    assert report == ImportReport(henkilot=1)
    henkilo = LocalOnrRegistry(session).get_henkilo(MASTER_OID)
    assert henkilo is not None
    assert henkilo.nimi == "Maija Liisa Testinen"


def test_a_duplicate_with_master_oid_is_merged_into_its_master(session: Session) -> None:
    import_documents(
        session,
        [
            _henkilo(MASTER_OID, "Maija"),
            _henkilo(SLAVE_OID, "Maija", duplicate=True, masterOid=MASTER_OID),
        ],
    )
    onr = LocalOnrRegistry(session)

    master = onr.get_master(SLAVE_OID)
    assert master is not None
    assert master.oid == MASTER_OID
    own_master = onr.get_master(MASTER_OID)
    assert own_master is not None
    assert own_master.oid == MASTER_OID
    assert [slave.oid for slave in onr.get_slaves(MASTER_OID)] == [SLAVE_OID]
    assert onr.get_slaves(SLAVE_OID) == []
    slave = onr.get_henkilo(SLAVE_OID)
    assert slave is not None
    assert slave.duplicate


def test_master_oid_only_counts_on_a_duplicate_and_a_non_duplicate_clears_it(
    session: Session,
) -> None:
    import_documents(session, _henkilo(SLAVE_OID, "Maija", masterOid=MASTER_OID))
    assert LocalOnrRegistry(session).get_slaves(MASTER_OID) == []

    import_documents(session, _henkilo(SLAVE_OID, "Maija", duplicate=True, masterOid=MASTER_OID))
    assert [s.oid for s in LocalOnrRegistry(session).get_slaves(MASTER_OID)] == [SLAVE_OID]

    # A duplicate document without the extension keeps the master known before.
    import_documents(session, _henkilo(SLAVE_OID, "Maija", duplicate=True))
    assert [s.oid for s in LocalOnrRegistry(session).get_slaves(MASTER_OID)] == [SLAVE_OID]

    import_documents(session, _henkilo(SLAVE_OID, "Maija"))
    assert LocalOnrRegistry(session).get_slaves(MASTER_OID) == []


@pytest.mark.parametrize("master", [SLAVE_OID, "1.2.246.562.10.21122461771", 42])
def test_master_oid_must_be_another_person(session: Session, master: object) -> None:
    with pytest.raises(InvalidRequest, match="masterOid"):
        import_documents(session, _henkilo(SLAVE_OID, "Maija", duplicate=True, masterOid=master))


def test_a_person_from_koski_does_not_replace_the_onr_document(session: Session) -> None:
    import_documents(session, _henkilo(OPPIJA_OID, "Oikea Nimi"))

    report = import_documents(session, load_registry(OPPIJA_FILE))

    assert report == ImportReport(opiskeluoikeudet=2, henkilot=0)
    henkilo = LocalOnrRegistry(session).get_henkilo(OPPIJA_OID)
    assert henkilo is not None
    assert henkilo.nimi == "Oikea Nimi Testinen"


def test_the_onr_document_wins_over_koski_in_the_same_import(session: Session) -> None:
    report = import_documents(
        session, [load_registry(OPPIJA_FILE), _henkilo(OPPIJA_OID, "Oikea Nimi")]
    )

    assert report == ImportReport(opiskeluoikeudet=2, henkilot=1)
    henkilo = LocalOnrRegistry(session).get_henkilo(OPPIJA_OID)
    assert henkilo is not None
    assert henkilo.nimi == "Oikea Nimi Testinen"


# -- Organisaatiopalvelu ------------------------------------------------------------------------


def test_a_summary_does_not_erase_the_hierarchy(session: Session) -> None:
    import_documents(session, load_registry(ORGANISAATIO_FILE))

    import_documents(session, [{"oid": ORGANISAATIO_OID, "nimi": {"fi": "Uusi nimi"}}])

    organisaatio = LocalOrganisaatioRegistry(session).get_organisaatio(ORGANISAATIO_OID)
    assert organisaatio is not None
    assert organisaatio.nimi == {"fi": "Uusi nimi"}
    assert organisaatio.ancestors[-1] == "1.2.246.562.10.84189747029"
    row = session.get(LocalOrganisaatio, ORGANISAATIO_OID)
    assert row is not None
    assert row.parent_oid_path is not None
    assert row.parent_oid_path.endswith("|1.2.246.562.10.84189747029|")


def test_a_full_document_replaces_the_hierarchy(session: Session) -> None:
    document = load_registry(ORGANISAATIO_FILE)
    import_documents(session, document)
    moved = copy.deepcopy(document)
    moved["parentOidPath"] = "|1.2.246.562.10.00000000001|1.2.246.562.10.63964626889|"
    moved["parentOid"] = "1.2.246.562.10.63964626889"

    import_documents(session, moved)

    organisaatio = LocalOrganisaatioRegistry(session).get_organisaatio(ORGANISAATIO_OID)
    assert organisaatio is not None
    assert organisaatio.ancestors == [
        "1.2.246.562.10.00000000001",
        "1.2.246.562.10.63964626889",
    ]


def test_an_organisation_with_only_types_is_recognised(session: Session) -> None:
    oid = "1.2.246.562.10.00000000001"
    report = import_documents(session, {"oid": oid, "tyypit": ["organisaatiotyyppi_05"]})

    assert report == ImportReport(organisaatiot=1)


# -- mixed content ------------------------------------------------------------------------------


def test_a_mixed_array_is_taken_element_by_element(session: Session) -> None:
    documents = [
        load_registry(OPISKELUOIKEUS_FILE),
        load_registry(ORGANISAATIO_FILE),
        _henkilo(MASTER_OID, "Maija"),
        *load_registry(SURE_FILE),
        *load_registry("organisaatio-service_api_findbyoids.json"),
    ]

    report = import_documents(session, documents)

    assert report == ImportReport(opiskeluoikeudet=6, henkilot=1, organisaatiot=4)
    assert _counts(session) == (6, 1, 4)


def test_an_empty_array_imports_nothing(session: Session) -> None:
    assert import_documents(session, []) == ImportReport()


# -- refused content ----------------------------------------------------------------------------

# -- Koodisto and ePerusteet --------------------------------------------------------------------

CODE_FILES = sorted(
    path.name
    for path in REGISTRY_FIXTURES.glob("*.json")
    if path.name.startswith(("koodisto-", "eperusteet-service_"))
)
RAKENNE_FILE = "eperusteet-service_api_perusteet_3397335_suoritustavat_reformi_rakenne.json"


def _import_as_is(session: Session, name: str) -> ImportReport:
    """A fixture file as it is; a bare rakenne with the peruste its file name names."""
    key = rakenne_key_from_filename(name)
    if key is None:
        return import_documents(session, load_registry(name))
    return import_documents(session, load_registry(name), peruste_id=key[0], suoritustapa=key[1])


def test_every_koodisto_and_eperusteet_payload_is_there() -> None:
    assert len(CODE_FILES) == 7
    assert rakenne_key_from_filename(RAKENNE_FILE) == (3397335, "reformi")
    assert rakenne_key_from_filename("eperusteet-service_api_perusteet_diaari.json") is None


@pytest.mark.parametrize("name", CODE_FILES)
def test_every_koodisto_and_eperusteet_payload_imports_as_is(session: Session, name: str) -> None:
    report = _import_as_is(session, name)

    expected = {
        "koodisto-value.json": ImportReport(koodit=1),
        "koodisto-service_rest_codeelement_tutkinnonosat__100031.json": ImportReport(koodit=2),
        "koodisto-service_rest_json_urasuunnitelma_koodi.json": ImportReport(koodit=5),
        "eperusteet-service_api_tutkinnonosat.json": ImportReport(tutkinnon_osat=1),
        "eperusteet-service_api_tutkinnonosat_400014.json": ImportReport(tutkinnon_osat=5),
        "eperusteet-service_api_perusteet_diaari.json": ImportReport(perusteet=1),
        RAKENNE_FILE: ImportReport(rakenteet=1),
    }
    assert report == expected[name]
    # Importing again changes nothing.
    session.commit()
    assert _import_as_is(session, name) == report


def test_what_the_code_imports_wrote_is_served_locally(session: Session) -> None:
    for name in CODE_FILES:
        _import_as_is(session, name)
    koodisto = LocalKoodistoRegistry(session)
    eperusteet = LocalEperusteetRegistry(session)

    ravintola = koodisto.get_koodi("ravintolakokinatjarjestys_4")
    assert ravintola is not None
    assert ravintola.nimi == {"fi": "Fine dining ‑ruoanvalmistus"}
    assert [k.versio for k in koodisto.get_koodin_versiot("tutkinnonosat_100031")] == [1, 2]
    assert len(koodisto.get_koodit("urasuunnitelma")) == 5
    osa = eperusteet.find_tutkinnon_osa("tutkinnonosat_400014")
    assert osa is not None
    assert osa.id == 4319732
    peruste = eperusteet.find_peruste("OPH-2652-2017")
    assert peruste is not None
    assert peruste.id == 3397335
    rakenne = eperusteet.get_rakenne(3397335, "reformi")
    assert rakenne is not None
    assert rakenne.osaamispisteet == 180
    assert eperusteet.get_tutkinnon_osa_viitteet(3397335, "reformi") == []


def test_a_bare_rakenne_needs_its_peruste(session: Session) -> None:
    with pytest.raises(InvalidRequest, match="does not name its peruste"):
        import_documents(session, load_registry(RAKENNE_FILE))
    with pytest.raises(InvalidRequest, match="does not name its peruste"):
        import_documents(session, [{"id": 4209965, "laajuus": 9, "_tutkinnonOsa": "4319732"}])
    with pytest.raises(InvalidRequest, match="peruste id"):
        import_documents(session, load_registry(RAKENNE_FILE), peruste_id=0)
    with pytest.raises(InvalidRequest, match="suoritustapa"):
        import_documents(session, load_registry(RAKENNE_FILE), peruste_id=1, suoritustapa="../x")


def test_a_full_peruste_brings_its_rakenne_viitteet_and_tutkinnon_osat(session: Session) -> None:
    tutkinnon_osa = load_registry("eperusteet-service_api_tutkinnonosat.json")["data"][0]
    peruste = {
        **load_registry("eperusteet-service_api_perusteet_diaari.json"),
        "tutkinnonOsat": [tutkinnon_osa],
        "suoritustavat": [
            {
                "suoritustapakoodi": "reformi",
                "laajuusYksikko": "OSAAMISPISTE",
                "rakenne": load_registry(RAKENNE_FILE),
                "tutkinnonOsaViitteet": [
                    {"id": 3435694, "laajuus": 15, "_tutkinnonOsa": str(tutkinnon_osa["id"])}
                ],
            }
        ],
    }

    report = import_documents(session, peruste)

    assert report == ImportReport(
        perusteet=1, tutkinnon_osat=1, rakenteet=1, tutkinnon_osa_viitteet=1
    )
    eperusteet = LocalEperusteetRegistry(session)
    assert eperusteet.get_rakenne(3397335) is not None
    assert [viite.laajuus for viite in eperusteet.get_tutkinnon_osa_viitteet(3397335)] == [15]
    assert tutkinnon_osan_laajuus(eperusteet, 3397335, "tutkinnonosat_100054") == 15
    assert "rakenteet" in report.describe()


def test_viitteet_are_merged_by_id(session: Session) -> None:
    first = {"id": 1, "laajuus": 5, "_tutkinnonOsa": "10"}
    second = {"id": 2, "laajuus": 10, "_tutkinnonOsa": "20"}
    import_documents(session, [first, second], peruste_id=7)

    import_documents(session, [{**first, "laajuus": 6}], peruste_id=7)

    viitteet = LocalEperusteetRegistry(session).get_tutkinnon_osa_viitteet(7)
    assert [(viite.id, viite.laajuus) for viite in viitteet] == [(1, 6), (2, 10)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {"koodiUri": "x_1", "koodiArvo": "1", "versio": 1, "metadata": [{"nimi": "X"}]},
            "malformed Koodisto code element: metadata.0.kieli",
        ),
        ({"data": [{"id": 1}], "sivu": 0}, "data[0]: not an ePerusteet tutkinnon osa or peruste"),
        (
            {"id": 1, "diaarinumero": "OPH-1-2020", "suoritustavat": [{}]},
            "malformed ePerusteet peruste: suoritustavat.0.suoritustapakoodi",
        ),
    ],
)
def test_malformed_code_documents_are_refused(session: Session, content: Any, message: str) -> None:
    with pytest.raises(InvalidRequest) as raised:
        import_documents(session, content)

    assert message in raised.value.message


@pytest.mark.parametrize(
    ("content", "seen"),
    [
        ({"foo": 1, "bar": 2}, "an object and keys [bar, foo]"),
        ("1.2.246.562.15.76811932037", "a string"),
        (42, "a number"),
        (None, "null"),
        ([[]], "element 0 of the array: unrecognised content: an array of 0 elements"),
        # A study right without its type: the oid alone does not make a KOSKI document.
        (
            {"oid": OPISKELUOIKEUS_OID, "versionumero": 1},
            f"an object with oid '{OPISKELUOIKEUS_OID}' and keys [oid, versionumero]",
        ),
        # The oppilaitos reference inside a KOSKI document is not an organisation document.
        (
            {"oid": "1.2.246.562.10.84189747029", "nimi": {"fi": "X"}, "oppilaitosnumero": {}},
            "with oid '1.2.246.562.10.84189747029'",
        ),
        # An organisation needs a name, a type or a path besides its oid.
        ({"oid": ORGANISAATIO_OID}, f"with oid '{ORGANISAATIO_OID}' and keys [oid]"),
        ({"oid": "1.2.246.562.24.44651722625", "nimi": {"fi": "X"}}, "keys [nimi, oid]"),
    ],
)
def test_unknown_content_is_refused_naming_what_was_seen(
    session: Session, content: Any, seen: str
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        import_documents(session, content)

    assert "unrecognised content" in raised.value.message
    assert seen in raised.value.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"henkilö": {"oid": OPPIJA_OID}}, "needs an object 'henkilö' and an array"),
        ({"henkilö": {}, "opiskeluoikeudet": []}, "henkilö.oid None is not an oppija OID"),
        (
            {"henkilö": {"oid": OPPIJA_OID}, "opiskeluoikeudet": [{"oid": "x"}]},
            "opiskeluoikeudet[0] of oppija 1.2.246.562.24.44651722625 is not a KOSKI",
        ),
        ({"oidHenkilo": "1.2.246.562.15.76811932037"}, "oidHenkilo"),
    ],
)
def test_malformed_registry_documents_are_refused(
    session: Session, content: Any, message: str
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        import_documents(session, content)

    assert message in raised.value.message


def test_a_refused_array_writes_nothing(session: Session) -> None:
    documents = [
        load_registry(OPISKELUOIKEUS_FILE),
        load_registry(ORGANISAATIO_FILE),
        _henkilo(MASTER_OID, "Maija"),
        {"koodiUri": "urasuunnitelma_0001"},
    ]

    with pytest.raises(InvalidRequest, match="element 3 of the array"):
        import_documents(session, documents)

    assert _counts(session) == (0, 0, 0)
