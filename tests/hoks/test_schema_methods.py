"""Per-method presence, closed objects, types and the cleaned values (ehoks-backend.md §0.3-0.4,
§2.1-§2.8, §3.5), and the upstream fixture documents.

Each case compares the complete error tree: the failing path and the explain string at its leaf.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from ehoks.errors import SchemaError
from ehoks.hoks.schema import Method, validate_hoks
from ehoks.hoks.validation import RuleContext
from ehoks.registries.koski.interface import Opiskeluoikeus, parse_opiskeluoikeus
from tests.support import world
from tests.support.fixtures import load_hoks

TODAY = date(2025, 3, 10)
OPPIJA_OID = "1.2.246.562.24.44651722625"
OO_OID = "1.2.246.562.15.76811932037"
ORG_OID = "1.2.246.562.10.92214483247"
MODULE_ID = "0b0c9d1c-3e8a-4f1e-9d55-2a4c6f3e7b10"

MISSING = "missing-required-key"
DISALLOWED = "disallowed-key"
MAP = "a-clojure.lang.PersistentArrayMap"
VECTOR = "a-clojure.lang.PersistentVector"

TUNNISTE_RULE = (
    '(not ("Lisää työpaikkajaksoon yksilöivä tunniste." a-clojure.lang.PersistentArrayMap))'
)
OIKEIN_PAIN_RULE = (
    '(not ("Korjaa alku- ja loppupäivämäärä oikein päin." a-clojure.lang.PersistentArrayMap))'
)
TUTKINNON_OSA_TUVA_RULE = (
    '(not ("Ota tutkinnonosa pois, koska opiskeluoikeus on TUVA." '
    "a-clojure.lang.PersistentArrayMap))"
)
OPPIMISEN_TUKI_RULE = (
    '(not ("Määritä alku- ja loppupvm sekä tutkinnonosan tyyppi jos ja vain jos kyseessä on '
    'tukiopetus." a-clojure.lang.PersistentArrayMap))'
)


def pr(value: Any) -> str:
    """Clojure ``pr-str`` of a JSON scalar."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
        return '"' + "".join(escapes.get(char, char) for char in value) + '"'
    if isinstance(value, dict):
        return MAP
    if isinstance(value, list):
        return VECTOR
    return repr(value)


def not_(predicate: str, value: Any) -> str:
    return f"(not ({predicate} {pr(value)}))"


def opiskeluoikeus(tyyppi: str = "ammatillinenkoulutus", **kwargs: Any) -> Opiskeluoikeus:
    return parse_opiskeluoikeus(world.opiskeluoikeus(OO_OID, tyyppi=tyyppi, **kwargs))


AMMATILLINEN = opiskeluoikeus(alkamispaiva="2019-08-01", arvioitu_paattymispaiva="2026-07-31")
TUVA = opiskeluoikeus("tuva", suoritus="tuvakoulutuksensuoritus")


def context(oo: Opiskeluoikeus | None = AMMATILLINEN, *, virkailija: bool = False) -> RuleContext:
    return RuleContext(opiskeluoikeus=oo, today=TODAY, virkailija=virkailija)


def errors_of(body: Any, method: Method = Method.POST, ctx: RuleContext | None = None) -> Any:
    try:
        validate_hoks(body, method, ctx if ctx is not None else context())
    except SchemaError as error:
        value, errors = error.value, error.errors
    else:
        return None
    assert value is body  # the whole input is reported with the errors
    return errors


def cleaned(body: Any, method: Method = Method.POST, ctx: RuleContext | None = None) -> Any:
    try:
        return validate_hoks(body, method, ctx if ctx is not None else context())
    except SchemaError as error:  # pragma: no cover - a failing test shows the tree
        pytest.fail(f"expected valid, got {error.errors}")


def clone(document: Any) -> Any:
    return json.loads(json.dumps(document))


def set_in(document: Any, path: tuple[str | int, ...], value: Any) -> Any:
    result = clone(document)
    target = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return result


def get_in(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def tree(document: Any, path: tuple[str | int, ...], leaf: Any) -> Any:
    if not path:
        return leaf
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        errors: list[Any] = [None] * len(document)
        errors[step] = tree(document[step], rest, leaf)
        return errors
    return {step: tree(document.get(step) if isinstance(document, dict) else None, rest, leaf)}


# --- documents ----------------------------------------------------------------------------

POST_MINIMAL: dict[str, Any] = {
    "oppija-oid": OPPIJA_OID,
    "opiskeluoikeus-oid": OO_OID,
    "ensikertainen-hyvaksyminen": "2024-01-02",
    "osaamisen-hankkimisen-tarve": True,
}
PUT_MINIMAL: dict[str, Any] = {
    "id": 1,
    "ensikertainen-hyvaksyminen": "2024-01-02",
    "osaamisen-hankkimisen-tarve": True,
}
PATCH_MINIMAL: dict[str, Any] = {"id": 1}
MINIMAL = {Method.POST: POST_MINIMAL, Method.PUT: PUT_MINIMAL, Method.PATCH: PATCH_MINIMAL}

JAKSO: dict[str, Any] = {
    "alku": "2024-01-08",
    "loppu": "2024-05-31",
    "yksiloiva-tunniste": "jakso-1",
    "ajanjakson-tarkenne": "Maanantaisin",
    "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
    "osaamisen-hankkimistapa-koodi-versio": 1,
    "osa-aikaisuustieto": 80,
    "jarjestajan-edustaja": {"nimi": "Olli Opettaja", "oppilaitos-oid": ORG_OID},
    "tyopaikalla-jarjestettava-koulutus": {
        "vastuullinen-tyopaikka-ohjaaja": {
            "nimi": "Tiina Työpaikkaohjaaja",
            "puhelinnumero": "040 1",
        },
        "tyopaikan-nimi": "Ravintola Oy",
        "tyopaikan-y-tunnus": "1234567-1",
        "keskeiset-tyotehtavat": ["Asiakaspalvelu", "Ruoanvalmistus"],
    },
    "muut-oppimisymparistot": [
        {
            "oppimisymparisto-koodi-uri": "oppimisymparistot_0002",
            "oppimisymparisto-koodi-versio": 1,
            "alku": "2024-02-01",
            "loppu": "2024-02-05",
        }
    ],
    "keskeytymisajanjaksot": [{"alku": "2024-03-01", "loppu": "2024-03-10"}],
}
NAYTTO: dict[str, Any] = {
    "jarjestaja": {"oppilaitos-oid": ORG_OID},
    "osa-alueet": [{"koodi-uri": "ammatillisenoppiaineet_ku", "koodi-versio": 1}],
    "nayttoymparisto": {"nimi": "Ravintola Oy", "y-tunnus": "1234567-1"},
    "sisallon-kuvaus": ["Asiakkaiden palveleminen"],
    "alku": "2024-05-01",
    "loppu": "2024-05-02",
    "koulutuksen-jarjestaja-osaamisen-arvioijat": [
        {"nimi": "Aino Arvioija", "organisaatio": {"oppilaitos-oid": ORG_OID}}
    ],
    "tyoelama-osaamisen-arvioijat": [
        {"nimi": "Ville Arvioija", "organisaatio": {"nimi": "Ravintola Oy"}}
    ],
}
PARTS: dict[str, Any] = {
    "hankittavat-ammat-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_300268",
            "tutkinnon-osa-koodi-versio": 1,
            "opetus-ja-ohjaus-maara": 10,
            "osaamisen-hankkimistavat": [JAKSO],
            "osaamisen-osoittaminen": [NAYTTO],
        }
    ],
    "hankittavat-paikalliset-tutkinnon-osat": [
        {"nimi": "Paikallinen osa", "laajuus": 5, "osaamisen-hankkimistavat": [JAKSO]}
    ],
    "hankittavat-yhteiset-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_106727",
            "tutkinnon-osa-koodi-versio": 1,
            "osa-alueet": [
                {
                    "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai22",
                    "osa-alue-koodi-versio": 1,
                    "osaamisen-hankkimistavat": [JAKSO],
                    "osaamisen-osoittaminen": [NAYTTO],
                }
            ],
        }
    ],
    "aiemmin-hankitut-ammat-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_300269",
            "tutkinnon-osa-koodi-versio": 1,
            "tarkentavat-tiedot-naytto": [NAYTTO],
            "tarkentavat-tiedot-osaamisen-arvioija": {
                "lahetetty-arvioitavaksi": "2023-05-01",
                "aiemmin-hankitun-osaamisen-arvioijat": [
                    {"nimi": "Aino Arvioija", "organisaatio": {"oppilaitos-oid": ORG_OID}}
                ],
            },
        }
    ],
    "aiemmin-hankitut-paikalliset-tutkinnon-osat": [
        {
            "nimi": "Aiempi osa",
            "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_2",
            "valittu-todentamisen-prosessi-koodi-versio": 1,
        }
    ],
    "aiemmin-hankitut-yhteiset-tutkinnon-osat": [
        {
            "tutkinnon-osa-koodi-uri": "tutkinnonosat_106728",
            "tutkinnon-osa-koodi-versio": 1,
            "osa-alueet": [
                {
                    "osa-alue-koodi-uri": "ammatillisenoppiaineet_ku",
                    "osa-alue-koodi-versio": 1,
                    "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_1",
                    "valittu-todentamisen-prosessi-koodi-versio": 1,
                }
            ],
        }
    ],
    "opiskeluvalmiuksia-tukevat-opinnot": [
        {"nimi": "Opiskelutaidot", "kuvaus": "Kuvaus", "alku": "2024-01-10", "loppu": "2024-02-10"}
    ],
    "oppimisen-tuki": [
        {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_02"}
    ],
}
KOULUTUKSEN_OSAT: list[dict[str, Any]] = [
    {
        "koulutuksen-osa-koodi-uri": "koulutuksenosattuva_104",
        "koulutuksen-osa-koodi-versio": 1,
        "alku": "2024-01-10",
        "loppu": "2024-03-01",
        "laajuus": 5,
    }
]
PART_ARRAY_NAMES = [*PARTS, "hankittavat-koulutuksen-osat"]
FULL_POST: dict[str, Any] = {**POST_MINIMAL, **PARTS}
FULL_PUT: dict[str, Any] = {**PUT_MINIMAL, **PARTS}

HATO0: tuple[str | int, ...] = ("hankittavat-ammat-tutkinnon-osat", 0)
JAKSO0 = (*HATO0, "osaamisen-hankkimistavat", 0)
TJK0 = (*JAKSO0, "tyopaikalla-jarjestettava-koulutus")
OHJAAJA0 = (*TJK0, "vastuullinen-tyopaikka-ohjaaja")
NAYTTO0 = (*HATO0, "osaamisen-osoittaminen", 0)
HPTO0: tuple[str | int, ...] = ("hankittavat-paikalliset-tutkinnon-osat", 0)
HYTO0: tuple[str | int, ...] = ("hankittavat-yhteiset-tutkinnon-osat", 0)
HYTO_OSA_ALUE0 = (*HYTO0, "osa-alueet", 0)
AHATO0: tuple[str | int, ...] = ("aiemmin-hankitut-ammat-tutkinnon-osat", 0)
AHPTO0: tuple[str | int, ...] = ("aiemmin-hankitut-paikalliset-tutkinnon-osat", 0)
AHYTO0: tuple[str | int, ...] = ("aiemmin-hankitut-yhteiset-tutkinnon-osat", 0)
AHYTO_OSA_ALUE0 = (*AHYTO0, "osa-alueet", 0)
OTO0: tuple[str | int, ...] = ("opiskeluvalmiuksia-tukevat-opinnot", 0)
TUKI0: tuple[str | int, ...] = ("oppimisen-tuki", 0)

# Every part that carries a module-id (§2.4-§2.7).
MODULE_PATHS: list[tuple[str | int, ...]] = [
    HATO0,
    JAKSO0,
    NAYTTO0,
    HPTO0,
    HYTO0,
    HYTO_OSA_ALUE0,
    (*HYTO_OSA_ALUE0, "osaamisen-hankkimistavat", 0),
    (*HYTO_OSA_ALUE0, "osaamisen-osoittaminen", 0),
    AHATO0,
    (*AHATO0, "tarkentavat-tiedot-naytto", 0),
    AHPTO0,
    AHYTO0,
    AHYTO_OSA_ALUE0,
]


def path_id(path: tuple[str | int, ...]) -> str:
    return ".".join(map(str, path)) or "top"


@pytest.mark.parametrize("method", [Method.POST, Method.PUT])
def test_full_documents_are_valid(method: Method) -> None:
    body = FULL_POST if method is Method.POST else FULL_PUT
    assert errors_of(body, method) is None
    assert errors_of(body, method, RuleContext(today=TODAY)) is None


# --- presence per method ------------------------------------------------------------------


def test_post_requires_four_keys() -> None:
    assert errors_of({}) == {
        "oppija-oid": MISSING,
        "opiskeluoikeus-oid": MISSING,
        "ensikertainen-hyvaksyminen": MISSING,
        "osaamisen-hankkimisen-tarve": MISSING,
    }


@pytest.mark.parametrize("key", list(POST_MINIMAL))
def test_post_each_required_key(key: str) -> None:
    body = {k: v for k, v in POST_MINIMAL.items() if k != key}
    assert errors_of(body) == {key: MISSING}


def test_put_requires_three_keys() -> None:
    assert errors_of({}, Method.PUT) == {
        "id": MISSING,
        "ensikertainen-hyvaksyminen": MISSING,
        "osaamisen-hankkimisen-tarve": MISSING,
    }


@pytest.mark.parametrize("key", list(PUT_MINIMAL))
def test_put_each_required_key(key: str) -> None:
    body = {k: v for k, v in PUT_MINIMAL.items() if k != key}
    assert errors_of(body, Method.PUT) == {key: MISSING}


def test_patch_requires_only_id() -> None:
    assert errors_of({}, Method.PATCH) == {"id": MISSING}
    assert errors_of(PATCH_MINIMAL, Method.PATCH) is None


TOP_LEVEL_SCALARS: dict[str, Any] = {
    "oppija-oid": OPPIJA_OID,
    "opiskeluoikeus-oid": OO_OID,
    "tuva-opiskeluoikeus-oid": "1.2.246.562.15.41024330544",
    "sahkoposti": "oppija@example.com",
    "puhelinnumero": "040 123",
    "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
    "urasuunnitelma-koodi-versio": 1,
    "versio": 3,
    "ensikertainen-hyvaksyminen": "2024-01-02",
    "hyvaksytty": "2024-01-02T10:00:00.000Z",
    "paivitetty": "2024-01-03T10:00:00Z",
    "osaamisen-saavuttamisen-pvm": "2024-06-01",
    "osaamisen-hankkimisen-tarve": False,
}


@pytest.mark.parametrize("method", [Method.POST, Method.PUT, Method.PATCH])
@pytest.mark.parametrize("key", list(TOP_LEVEL_SCALARS))
def test_every_top_level_scalar_is_accepted(method: Method, key: str) -> None:
    body = {**MINIMAL[method], key: TOP_LEVEL_SCALARS[key]}
    assert errors_of(body, method) is None


@pytest.mark.parametrize("method", [Method.POST, Method.PUT, Method.PATCH])
def test_all_top_level_scalars_together(method: Method) -> None:
    body = {**MINIMAL[method], **TOP_LEVEL_SCALARS}
    assert errors_of(body, method) is None


@pytest.mark.parametrize("method", [Method.POST, Method.PUT, Method.PATCH])
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("eid", "7b7f9d9e-4c51-4b3e-8b5d-1b7a0c1d2e3f"),
        ("manuaalisyotto", False),
        ("poistettu", "2024-01-02T10:00:00Z"),
    ],
)
def test_server_fields_are_excluded_on_write(method: Method, key: str, value: Any) -> None:
    body = {**MINIMAL[method], key: value}
    assert errors_of(body, method) == {key: DISALLOWED}


def test_post_excludes_id() -> None:
    assert errors_of({**POST_MINIMAL, "id": 1}) == {"id": DISALLOWED}


def test_excluded_key_is_reported_whatever_its_value() -> None:
    assert errors_of({**POST_MINIMAL, "id": None, "eid": 5}) == {
        "id": DISALLOWED,
        "eid": DISALLOWED,
    }


def test_put_does_not_need_the_oids() -> None:
    assert errors_of(PUT_MINIMAL, Method.PUT) is None
    assert (
        errors_of(
            {**PUT_MINIMAL, "oppija-oid": OPPIJA_OID, "opiskeluoikeus-oid": OO_OID}, Method.PUT
        )
        is None
    )


@pytest.mark.parametrize("path", MODULE_PATHS, ids=path_id)
def test_post_excludes_module_id_in_parts(path: tuple[str | int, ...]) -> None:
    body = set_in(FULL_POST, (*path, "module-id"), MODULE_ID)
    assert errors_of(body) == tree(body, (*path, "module-id"), DISALLOWED)


@pytest.mark.parametrize("path", MODULE_PATHS, ids=path_id)
@pytest.mark.parametrize("method", [Method.POST, Method.PUT])
def test_part_ids_are_excluded(path: tuple[str | int, ...], method: Method) -> None:
    document = FULL_POST if method is Method.POST else FULL_PUT
    body = set_in(document, (*path, "id"), 7)
    assert errors_of(body, method) == tree(body, (*path, "id"), DISALLOWED)


@pytest.mark.parametrize("path", MODULE_PATHS, ids=path_id)
def test_put_accepts_module_id_in_parts(path: tuple[str | int, ...]) -> None:
    body = set_in(FULL_PUT, (*path, "module-id"), MODULE_ID)
    assert errors_of(body, Method.PUT) is None
    assert get_in(cleaned(body, Method.PUT), path)["module-id"] == MODULE_ID


@pytest.mark.parametrize("value", ["abc", "0b0c9d1c3e8a4f1e9d552a4c6f3e7b10x", 5, None])
def test_put_module_id_must_be_a_uuid(value: Any) -> None:
    path = (*HATO0, "module-id")
    body = set_in(FULL_PUT, path, value)
    assert errors_of(body, Method.PUT) == tree(body, path, not_("instance? java.util.UUID", value))


def test_tukevat_opinnot_id_is_excluded_on_post_and_accepted_on_put() -> None:
    path = (*OTO0, "id")
    assert errors_of(set_in(FULL_POST, path, 3)) == tree(FULL_POST, path, DISALLOWED)
    body = set_in(FULL_PUT, path, 3)
    assert errors_of(body, Method.PUT) is None


@pytest.mark.parametrize(
    "path",
    [
        (*OHJAAJA0, "id"),
        (*TJK0, "id"),
        (*JAKSO0, "jarjestajan-edustaja", "id"),
        (*JAKSO0, "muut-oppimisymparistot", 0, "id"),
        (*JAKSO0, "keskeytymisajanjaksot", 0, "id"),
        (*NAYTTO0, "jarjestaja", "id"),
        (*NAYTTO0, "nayttoymparisto", "id"),
        (*NAYTTO0, "osa-alueet", 0, "id"),
        (*NAYTTO0, "koulutuksen-jarjestaja-osaamisen-arvioijat", 0, "id"),
        (*NAYTTO0, "tyoelama-osaamisen-arvioijat", 0, "id"),
    ],
    ids=path_id,
)
def test_nested_ids_are_accepted_but_not_kept(path: tuple[str | int, ...]) -> None:
    body = set_in(FULL_POST, path, 12)
    result = cleaned(body)
    assert "id" not in get_in(result, path[:-1])
    assert errors_of(set_in(FULL_POST, path, "x")) == tree(body, path, not_("integer?", "x"))


@pytest.mark.parametrize("array", PART_ARRAY_NAMES)
@pytest.mark.parametrize("value", [[], "full"])
def test_patch_refuses_every_part_array(array: str, value: Any) -> None:
    elements = (
        value if value == [] else {**PARTS, "hankittavat-koulutuksen-osat": KOULUTUKSEN_OSAT}[array]
    )
    assert errors_of({**PATCH_MINIMAL, array: elements}, Method.PATCH) == {array: DISALLOWED}


def test_patch_with_a_whole_document_reports_every_part_array() -> None:
    body = {**FULL_PUT, "sahkoposti": "a@b.fi"}
    assert errors_of(body, Method.PATCH) == dict.fromkeys(PARTS, DISALLOWED)


# --- closed objects -----------------------------------------------------------------------

UNKNOWN_KEY_PATHS: list[tuple[str | int, ...]] = [
    (),
    HATO0,
    JAKSO0,
    TJK0,
    OHJAAJA0,
    (*JAKSO0, "jarjestajan-edustaja"),
    (*JAKSO0, "muut-oppimisymparistot", 0),
    (*JAKSO0, "keskeytymisajanjaksot", 0),
    NAYTTO0,
    (*NAYTTO0, "jarjestaja"),
    (*NAYTTO0, "nayttoymparisto"),
    (*NAYTTO0, "osa-alueet", 0),
    (*NAYTTO0, "koulutuksen-jarjestaja-osaamisen-arvioijat", 0),
    (*NAYTTO0, "koulutuksen-jarjestaja-osaamisen-arvioijat", 0, "organisaatio"),
    (*NAYTTO0, "tyoelama-osaamisen-arvioijat", 0, "organisaatio"),
    HPTO0,
    HYTO0,
    HYTO_OSA_ALUE0,
    AHATO0,
    (*AHATO0, "tarkentavat-tiedot-osaamisen-arvioija"),
    AHPTO0,
    AHYTO0,
    AHYTO_OSA_ALUE0,
    OTO0,
    TUKI0,
]


@pytest.mark.parametrize("method", [Method.POST, Method.PUT])
@pytest.mark.parametrize("path", UNKNOWN_KEY_PATHS, ids=path_id)
@pytest.mark.parametrize("key", ["tuntematon", "oppijaOid", "alku "])
def test_unknown_keys_are_disallowed_anywhere(
    method: Method, path: tuple[str | int, ...], key: str
) -> None:
    document = FULL_POST if method is Method.POST else FULL_PUT
    body = set_in(document, (*path, key), "arvo") if path else {**document, key: "arvo"}
    assert errors_of(body, method) == tree(body, (*path, key), DISALLOWED)


def test_unknown_key_in_koulutuksen_osa() -> None:
    body = {**POST_MINIMAL, "hankittavat-koulutuksen-osat": [{**KOULUTUKSEN_OSAT[0], "x": 1}]}
    assert errors_of(body, ctx=context(TUVA)) == {
        "hankittavat-koulutuksen-osat": [{"x": DISALLOWED}]
    }


def test_unknown_keys_on_patch() -> None:
    assert errors_of({"id": 1, "tuntematon": 1}, Method.PATCH) == {"tuntematon": DISALLOWED}


def test_unknown_and_missing_keys_are_reported_together() -> None:
    body = {"oppija-oid": OPPIJA_OID, "tuntematon": True}
    assert errors_of(body) == {
        "tuntematon": DISALLOWED,
        "opiskeluoikeus-oid": MISSING,
        "ensikertainen-hyvaksyminen": MISSING,
        "osaamisen-hankkimisen-tarve": MISSING,
    }


@pytest.mark.parametrize(
    ("path", "key"),
    [
        (JAKSO0, "alku"),
        (JAKSO0, "osaamisen-hankkimistapa-koodi-versio"),
        (TJK0, "vastuullinen-tyopaikka-ohjaaja"),
        (TJK0, "keskeiset-tyotehtavat"),
        (OHJAAJA0, "nimi"),
        ((*JAKSO0, "jarjestajan-edustaja"), "oppilaitos-oid"),
        (NAYTTO0, "nayttoymparisto"),
        (NAYTTO0, "sisallon-kuvaus"),
        ((*NAYTTO0, "tyoelama-osaamisen-arvioijat", 0, "organisaatio"), "nimi"),
        (HYTO0, "osa-alueet"),
        (AHYTO0, "osa-alueet"),
        (AHPTO0, "valittu-todentamisen-prosessi-koodi-uri"),
        (AHYTO_OSA_ALUE0, "valittu-todentamisen-prosessi-koodi-versio"),
        (OTO0, "kuvaus"),
        (TUKI0, "oppimisen-tuen-tyyppi-koodi-uri"),
    ],
    ids=lambda v: v if isinstance(v, str) else path_id(v),
)
def test_nested_required_keys(path: tuple[str | int, ...], key: str) -> None:
    body = clone(FULL_POST)
    del get_in(body, path)[key]
    assert errors_of(body) == tree(body, (*path, key), MISSING)


def test_prosessi_is_optional_for_ahato_and_ahyto() -> None:
    body = clone(FULL_POST)
    body["aiemmin-hankitut-ammat-tutkinnon-osat"][0].pop(
        "valittu-todentamisen-prosessi-koodi-uri", None
    )
    body["aiemmin-hankitut-yhteiset-tutkinnon-osat"][0].pop(
        "valittu-todentamisen-prosessi-koodi-uri", None
    )
    assert errors_of(body) is None


# --- null and types -----------------------------------------------------------------------

NULL_CASES: list[tuple[Method, tuple[str | int, ...], str]] = [
    (Method.POST, ("versio",), "(not (integer? nil))"),
    (Method.POST, ("urasuunnitelma-koodi-versio",), "(not (integer? nil))"),
    (Method.PUT, ("id",), "(not (integer? nil))"),
    (Method.PATCH, ("id",), "(not (integer? nil))"),
    (Method.POST, ("sahkoposti",), "(not (instance? java.lang.String nil))"),
    (Method.POST, ("puhelinnumero",), "(not (instance? java.lang.String nil))"),
    (Method.POST, ("osaamisen-hankkimisen-tarve",), "(not (instance? java.lang.Boolean nil))"),
    (Method.PATCH, ("osaamisen-hankkimisen-tarve",), "(not (instance? java.lang.Boolean nil))"),
    (Method.POST, ("ensikertainen-hyvaksyminen",), "(not (instance? java.time.LocalDate nil))"),
    (Method.PATCH, ("osaamisen-saavuttamisen-pvm",), "(not (instance? java.time.LocalDate nil))"),
    (Method.POST, ("hyvaksytty",), "(not (instance? java.time.Instant nil))"),
    (Method.PATCH, ("paivitetty",), "(not (instance? java.time.Instant nil))"),
    (Method.POST, ("hankittavat-ammat-tutkinnon-osat",), "(not (sequential? nil))"),
    (Method.PUT, ("oppimisen-tuki",), "(not (sequential? nil))"),
    (Method.POST, (*HATO0, "opetus-ja-ohjaus-maara"), "(not (instance? java.lang.Number nil))"),
    (Method.POST, (*HATO0, "olennainen-seikka"), "(not (instance? java.lang.Boolean nil))"),
    (Method.POST, (*JAKSO0, "osa-aikaisuustieto"), "(not (integer? nil))"),
    (Method.POST, (*JAKSO0, "loppu"), "(not (instance? java.time.LocalDate nil))"),
    (Method.POST, (*JAKSO0, "ajanjakson-tarkenne"), "(not (instance? java.lang.String nil))"),
    (Method.POST, TJK0, "(not (map? nil))"),
    (Method.POST, (*JAKSO0, "keskeytymisajanjaksot"), "(not (sequential? nil))"),
    (Method.POST, (*TJK0, "keskeiset-tyotehtavat", 1), "(not (instance? java.lang.String nil))"),
    (Method.POST, (*OHJAAJA0, "puhelinnumero"), "(not (instance? java.lang.String nil))"),
    (Method.POST, (*NAYTTO0, "nayttoymparisto"), "(not (map? nil))"),
    (Method.POST, (*HATO0, "osaamisen-osoittaminen", 0), "(not (map? nil))"),
    (Method.PUT, (*HATO0, "module-id"), "(not (instance? java.util.UUID nil))"),
    (Method.POST, (*HPTO0, "laajuus"), "(not (integer? nil))"),
]


@pytest.mark.parametrize(
    ("method", "path", "leaf"),
    [pytest.param(m, p, leaf, id=f"{m.value}-{path_id(p)}") for m, p, leaf in NULL_CASES],
)
def test_null_is_refused_for_every_type(
    method: Method, path: tuple[str | int, ...], leaf: str
) -> None:
    document = {Method.POST: FULL_POST, Method.PUT: FULL_PUT, Method.PATCH: PATCH_MINIMAL}[method]
    body = set_in(document, path, None)
    assert errors_of(body, method) == tree(body, path, leaf)


# Plumatic's regex schema checks ``string?`` first: a non-string in a regex-typed field
# explains as (not (string? nil)) (schema.core: (spec/simple-precondition this string?)).
@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("urasuunnitelma-koodi-uri",), None),
        (("oppija-oid",), None),
        (("opiskeluoikeus-oid",), 15),
        ((*TJK0, "tyopaikan-y-tunnus"), None),
        ((*HATO0, "tutkinnon-osa-koodi-uri"), 5),
    ],
    ids=lambda v: path_id(v) if isinstance(v, tuple) else repr(v),
)
def test_non_string_in_a_regex_field(path: tuple[str | int, ...], value: Any) -> None:
    body = set_in(FULL_POST, path, value)
    assert errors_of(body) == tree(body, path, not_("string?", value))


def test_non_string_in_a_regex_field_is_refused_at_its_path() -> None:
    path = (*TJK0, "tyopaikan-y-tunnus")
    body = set_in(FULL_POST, path, None)
    errors = errors_of(body)
    assert get_in(errors, path).startswith("(not (")
    assert get_in(errors, path).endswith(" nil))")


@pytest.mark.parametrize(
    ("path", "value", "leaf"),
    [
        (("versio",), "5", '(not (integer? "5"))'),
        (("versio",), 5.5, "(not (integer? 5.5))"),
        (("versio",), True, "(not (integer? true))"),
        (("versio",), [5], f"(not (integer? {VECTOR}))"),
        (("urasuunnitelma-koodi-versio",), "1", '(not (integer? "1"))'),
        (("osaamisen-hankkimisen-tarve",), "true", '(not (instance? java.lang.Boolean "true"))'),
        (("osaamisen-hankkimisen-tarve",), 1, "(not (instance? java.lang.Boolean 1))"),
        (("osaamisen-hankkimisen-tarve",), 0, "(not (instance? java.lang.Boolean 0))"),
        (("sahkoposti",), 5, "(not (instance? java.lang.String 5))"),
        (("sahkoposti",), False, "(not (instance? java.lang.String false))"),
        ((*HATO0, "opetus-ja-ohjaus-maara"), "10", '(not (instance? java.lang.Number "10"))'),
        ((*HATO0, "opetus-ja-ohjaus-maara"), True, "(not (instance? java.lang.Number true))"),
        ((*HATO0, "tutkinnon-osa-koodi-versio"), "1", '(not (integer? "1"))'),
        ((*HPTO0, "laajuus"), 2.5, "(not (integer? 2.5))"),
        ((*JAKSO0, "osa-aikaisuustieto"), "80", '(not (integer? "80"))'),
        ((*JAKSO0, "osa-aikaisuustieto"), 80.5, "(not (integer? 80.5))"),
        ((*HATO0, "olennainen-seikka"), "false", '(not (instance? java.lang.Boolean "false"))'),
        (
            ("hankittavat-ammat-tutkinnon-osat",),
            PARTS["hankittavat-ammat-tutkinnon-osat"][0],
            f"(not (sequential? {MAP}))",
        ),
        (TJK0, ["a list with a long enough element"], f"(not (map? {VECTOR}))"),
        (
            (*TJK0, "keskeiset-tyotehtavat"),
            "Asiakaspalvelu",
            '(not (sequential? "Asiakaspalvelu"))',
        ),
    ],
    ids=lambda v: path_id(v) if isinstance(v, tuple) else None,
)
def test_type_errors(path: tuple[str | int, ...], value: Any, leaf: str) -> None:
    body = set_in(FULL_POST, path, value)
    assert errors_of(body) == tree(body, path, leaf)


def test_a_body_that_is_not_an_object() -> None:
    assert errors_of([POST_MINIMAL]) == f"(not (map? {VECTOR}))"
    assert errors_of("hoks") == '(not (map? "hoks"))'
    assert errors_of(None) == "(not (map? nil))"


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("versio",), 5.0, 5),
        (("versio",), 0, 0),
        (("urasuunnitelma-koodi-versio",), 2.0, 2),
        ((*JAKSO0, "osa-aikaisuustieto"), 80.0, 80),
        ((*HPTO0, "laajuus"), 5.0, 5),
    ],
    ids=lambda v: path_id(v) if isinstance(v, tuple) else None,
)
def test_zero_fraction_floats_are_integers(
    path: tuple[str | int, ...], value: float, expected: int
) -> None:
    body = set_in(FULL_POST, path, value)
    result = get_in(cleaned(body), path)
    assert result == expected
    assert type(result) is int


def test_numbers_may_be_fractional() -> None:
    body = set_in(FULL_POST, (*HATO0, "opetus-ja-ohjaus-maara"), 12.5)
    assert get_in(cleaned(body), (*HATO0, "opetus-ja-ohjaus-maara")) == 12.5
    tuva = {
        **POST_MINIMAL,
        "hankittavat-koulutuksen-osat": [{**KOULUTUKSEN_OSAT[0], "laajuus": 5.5}],
    }
    assert cleaned(tuva, ctx=context(TUVA))["hankittavat-koulutuksen-osat"][0]["laajuus"] == 5.5


# --- strings: plain ones are trimmed, regex ones are not ----------------------------------


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("sahkoposti",), " oppija@example.com ", "oppija@example.com"),
        (("puhelinnumero",), "\t040 123\n", "040 123"),
        (("sahkoposti",), "   ", ""),
        ((*HPTO0, "nimi"), " nimi ", "nimi"),
        ((*OHJAAJA0, "nimi"), "  Tiina  ", "Tiina"),
        ((*OHJAAJA0, "puhelinnumero"), " 040 1 ", "040 1"),
        ((*TJK0, "keskeiset-tyotehtavat", 0), " Asiakaspalvelu ", "Asiakaspalvelu"),
        ((*TJK0, "tyopaikan-nimi"), "Ravintola Oy ", "Ravintola Oy"),
        ((*JAKSO0, "yksiloiva-tunniste"), " jakso-1 ", "jakso-1"),
        ((*JAKSO0, "ajanjakson-tarkenne"), " Maanantaisin", "Maanantaisin"),
        ((*NAYTTO0, "sisallon-kuvaus", 0), " kuvaus ", "kuvaus"),
        ((*NAYTTO0, "nayttoymparisto", "nimi"), " Ravintola ", "Ravintola"),
        (
            (*NAYTTO0, "osa-alueet", 0, "koodi-uri"),
            " ammatillisenoppiaineet_ku ",
            "ammatillisenoppiaineet_ku",
        ),
        ((*OTO0, "nimi"), " Opiskelutaidot ", "Opiskelutaidot"),
        ((*NAYTTO0, "sisallon-kuvaus", 0), "sisäinen  väli säilyy", "sisäinen  väli säilyy"),
    ],
    ids=lambda v: path_id(v) if isinstance(v, tuple) else None,
)
def test_plain_strings_are_trimmed(path: tuple[str | int, ...], value: str, expected: str) -> None:
    body = set_in(FULL_POST, path, value)
    assert get_in(cleaned(body), path) == expected


@pytest.mark.parametrize(
    ("path", "value", "regex"),
    [
        (("oppija-oid",), OPPIJA_OID + " ", r"^1\.2\.246\.562\.(24|[12]?98)\.[1-9]\d{9}(\d|10)$"),
        (("opiskeluoikeus-oid",), " " + OO_OID, r"^1\.2\.246\.562\.15\.[1-9]\d{9}(\d|10)$"),
        (("urasuunnitelma-koodi-uri",), "urasuunnitelma_0001 ", r"^urasuunnitelma_\d{4}$"),
        ((*HATO0, "tutkinnon-osa-koodi-uri"), " tutkinnonosat_300268", r"^tutkinnonosat_\d+$"),
        ((*TJK0, "tyopaikan-y-tunnus"), "1234567-1 ", r"^[0-9]{7}-[0-9]$"),
        (
            (*JAKSO0, "jarjestajan-edustaja", "oppilaitos-oid"),
            ORG_OID + " ",
            r"^1\.2\.246\.562\.(10|[12]?99)\.([1-9]\d{9}(\d|10)|0{10}1|201[34]\d{18})$",
        ),
    ],
    ids=lambda v: path_id(v) if isinstance(v, tuple) else None,
)
def test_regex_strings_are_not_trimmed(path: tuple[str | int, ...], value: str, regex: str) -> None:
    body = set_in(FULL_POST, path, value)
    assert errors_of(body) == tree(body, path, f'(not (re-find #"{regex}" {pr(value)}))')


# --- dates and instants -------------------------------------------------------------------

BAD_DATES: list[Any] = [
    "2020-1-1",
    "2020-02-30",
    "20200101",
    "2020-13-01",
    "2020/01/01",
    "01.01.2020",
    "2020-01-01T00:00:00",
    "2020-01-01T00:00:00Z",
    " 2020-01-01",
    "2020-01-01 ",
    "2020-01-01\n",
    "",
    "+2020-01-01",
    20200101,
]


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(
    "path",
    [
        ("ensikertainen-hyvaksyminen",),
        (*JAKSO0, "alku"),
        (*OTO0, "loppu"),
        (*JAKSO0, "keskeytymisajanjaksot", 0, "alku"),
    ],
    ids=path_id,
)
def test_dates_must_be_yyyy_mm_dd(path: tuple[str | int, ...], value: Any) -> None:
    body = set_in(FULL_POST, path, value)
    assert errors_of(body) == tree(body, path, not_("instance? java.time.LocalDate", value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-02-29", date(2020, 2, 29)),
        ("2024-12-31", date(2024, 12, 31)),
        ("2018-01-02", date(2018, 1, 2)),
    ],
)
def test_valid_dates_are_parsed(value: str, expected: date) -> None:
    body = {**POST_MINIMAL, "ensikertainen-hyvaksyminen": value}
    assert cleaned(body)["ensikertainen-hyvaksyminen"] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-01-02T10:20:30.000Z", datetime(2019, 1, 2, 10, 20, 30, tzinfo=UTC)),
        ("2019-01-02T10:20:30Z", datetime(2019, 1, 2, 10, 20, 30, tzinfo=UTC)),
        ("2018-10-27T21:00:00.000Z", datetime(2018, 10, 27, 21, 0, 0, tzinfo=UTC)),
        ("2019-01-02T10:20:30+02:00", datetime(2019, 1, 2, 8, 20, 30, tzinfo=UTC)),
        ("2019-01-02T10:20:30.123-05:00", datetime(2019, 1, 2, 15, 20, 30, 123000, tzinfo=UTC)),
        ("2019-01-02T00:20:30+03:00", datetime(2019, 1, 1, 21, 20, 30, tzinfo=UTC)),
    ],
)
@pytest.mark.parametrize("key", ["hyvaksytty", "paivitetty"])
def test_instants_accept_iso_8601(key: str, value: str, expected: datetime) -> None:
    result = cleaned({**POST_MINIMAL, key: value})[key]
    assert result == expected
    assert result.utcoffset() is not None
    assert result.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "value", ["2019-01-02", "2019-01-02T25:00:00Z", "2019-13-02T10:00:00Z", "eilen", "", 1546424430]
)
def test_bad_instants(value: Any) -> None:
    body = {**POST_MINIMAL, "hyvaksytty": value}
    assert errors_of(body) == {"hyvaksytty": not_("instance? java.time.Instant", value)}


# --- arrays and object rules --------------------------------------------------------------


def test_array_errors_have_none_at_valid_positions() -> None:
    path = (*TJK0, "keskeiset-tyotehtavat")
    body = set_in(FULL_POST, path, ["a", 5, "b", None])
    assert errors_of(body) == tree(
        body,
        path,
        [
            None,
            "(not (instance? java.lang.String 5))",
            None,
            "(not (instance? java.lang.String nil))",
        ],
    )


def test_part_array_errors_have_none_at_valid_positions() -> None:
    valid = PARTS["hankittavat-paikalliset-tutkinnon-osat"][0]
    body = {
        **POST_MINIMAL,
        "hankittavat-paikalliset-tutkinnon-osat": [
            valid,
            {**valid, "laajuus": "x"},
            valid,
            {"tuntematon": 1},
        ],
    }
    assert errors_of(body) == {
        "hankittavat-paikalliset-tutkinnon-osat": [
            None,
            {"laajuus": '(not (integer? "x"))'},
            None,
            {"tuntematon": DISALLOWED},
        ]
    }


def test_errors_in_several_places_are_all_reported() -> None:
    body = set_in(FULL_POST, (*JAKSO0, "osaamisen-hankkimistapa-koodi-versio"), "1")
    body = set_in(body, (*AHPTO0, "nimi"), 5)
    body["versio"] = "v"
    assert errors_of(body) == {
        "versio": '(not (integer? "v"))',
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": [
            {"nimi": "(not (instance? java.lang.String 5))"}
        ],
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "osaamisen-hankkimistavat": [
                    {"osaamisen-hankkimistapa-koodi-versio": '(not (integer? "1"))'}
                ]
            }
        ],
    }


REVERSED = {"alku": "2024-06-01", "loppu": "2024-05-31"}


def test_object_rule_runs_only_when_the_fields_are_valid() -> None:
    jakso = {**JAKSO, **REVERSED, "osaamisen-hankkimistapa-koodi-versio": "1"}
    body = set_in(FULL_POST, JAKSO0, jakso)
    assert errors_of(body) == tree(
        body, (*JAKSO0, "osaamisen-hankkimistapa-koodi-versio"), '(not (integer? "1"))'
    )
    body = set_in(FULL_POST, JAKSO0, {**jakso, "osaamisen-hankkimistapa-koodi-versio": 1})
    assert errors_of(body) == tree(body, JAKSO0, OIKEIN_PAIN_RULE)


def test_object_rule_waits_for_nested_fields_too() -> None:
    jakso = clone({**JAKSO, **REVERSED})
    jakso["tyopaikalla-jarjestettava-koulutus"]["tuntematon"] = 1
    body = set_in(FULL_POST, JAKSO0, jakso)
    assert errors_of(body) == tree(body, (*TJK0, "tuntematon"), DISALLOWED)


def test_parent_object_rule_waits_for_its_children() -> None:
    """On a TUVA study right a tutkinnon osa whose jakso fails reports the jakso, not TUVA."""
    hato = clone(PARTS["hankittavat-ammat-tutkinnon-osat"][0])
    hato["osaamisen-hankkimistavat"] = [JAKSO, {**JAKSO, **REVERSED}]
    body = {**POST_MINIMAL, "hankittavat-ammat-tutkinnon-osat": [hato]}
    assert errors_of(body, ctx=context(TUVA)) == {
        "hankittavat-ammat-tutkinnon-osat": [{"osaamisen-hankkimistavat": [None, OIKEIN_PAIN_RULE]}]
    }
    hato["osaamisen-hankkimistavat"] = [JAKSO]
    assert errors_of(body, ctx=context(TUVA)) == {
        "hankittavat-ammat-tutkinnon-osat": [TUTKINNON_OSA_TUVA_RULE]
    }


def test_oppimisen_tuki_rule_waits_for_its_fields() -> None:
    element = {
        "oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_04",
        "alku": "1.1.2024",
    }
    body = {**POST_MINIMAL, "oppimisen-tuki": [element]}
    assert errors_of(body) == {
        "oppimisen-tuki": [{"alku": '(not (instance? java.time.LocalDate "1.1.2024"))'}]
    }
    body = {**POST_MINIMAL, "oppimisen-tuki": [{**element, "alku": "2024-01-01"}]}
    assert errors_of(body) == {"oppimisen-tuki": [OPPIMISEN_TUKI_RULE]}


def test_cleaned_document_drops_nothing_but_ignored_ids() -> None:
    result = cleaned(FULL_POST)
    assert set(result) == set(FULL_POST)
    assert result["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0][
        "alku"
    ] == date(2024, 1, 8)
    assert result["oppija-oid"] == OPPIJA_OID


# --- upstream fixtures --------------------------------------------------------------------

VALID_AMMATILLINEN = ["hoksit", "anonymised-example-1", "anonymised-example-2"]
NEEDS_TUNNISTE = [
    "hoks_ainoastaan_ammatillisia",
    "hoks_ainoastaan_paikallisia",
    "hoks_ainoastaan_YTOja",
    "hoks_yksi_tutkinnonosa",
]
TYOPAIKKAJAKSO = {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}


def fixture_context(
    document: dict[str, Any], tyyppi: str, *, virkailija: bool = False
) -> RuleContext:
    """A study right in tila lasna without alkamispäivä / arvioitu päättymispäivä."""
    oo = parse_opiskeluoikeus(world.opiskeluoikeus(document["opiskeluoikeus-oid"], tyyppi=tyyppi))
    assert oo.alkamispaiva is None
    assert oo.arvioitu_paattymispaiva is None
    return RuleContext(opiskeluoikeus=oo, today=TODAY, virkailija=virkailija)


def as_put(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "id": 1}


@pytest.mark.parametrize("name", VALID_AMMATILLINEN)
@pytest.mark.parametrize("virkailija", [False, True])
def test_valid_ammatillinen_fixtures(name: str, virkailija: bool) -> None:
    document = load_hoks(name)
    ctx = fixture_context(document, "ammatillinenkoulutus", virkailija=virkailija)
    assert errors_of(document, Method.POST, ctx) is None
    assert errors_of(as_put(document), Method.PUT, ctx) is None


@pytest.mark.parametrize("virkailija", [False, True])
def test_tuva_fixture(virkailija: bool) -> None:
    document = load_hoks("hoks_tuva")
    assert (
        errors_of(document, Method.POST, fixture_context(document, "tuva", virkailija=virkailija))
        is None
    )
    assert errors_of(as_put(document), Method.PUT, fixture_context(document, "tuva")) is None
    # its koulutuksen osat are refused on a vocational study right
    errors = errors_of(document, Method.POST, fixture_context(document, "ammatillinenkoulutus"))
    text = "Ota koulutuksenosa pois, koska opiskeluoikeus ei ole TUVA."
    assert errors == {
        "hankittavat-koulutuksen-osat": [f'(not ("{text}" {MAP}))']
        * len(document["hankittavat-koulutuksen-osat"])
    }


def jaksot_without_tunniste(
    value: Any, path: tuple[str | int, ...] = ()
) -> set[tuple[str | int, ...]]:
    """Paths of the työpaikkajaksot that lack ``yksiloiva-tunniste``."""
    found: set[tuple[str | int, ...]] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "osaamisen-hankkimistavat" and isinstance(child, list):
                for index, oht in enumerate(child):
                    if (
                        oht["osaamisen-hankkimistapa-koodi-uri"] in TYOPAIKKAJAKSO
                        and "yksiloiva-tunniste" not in oht
                    ):
                        found.add((*path, key, index))
            found |= jaksot_without_tunniste(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found |= jaksot_without_tunniste(child, (*path, index))
    return found


def error_leaves(errors: Any, path: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], str]:
    if isinstance(errors, dict):
        return {
            p: v
            for key, child in errors.items()
            for p, v in error_leaves(child, (*path, key)).items()
        }
    if isinstance(errors, list):
        return {
            p: v
            for index, child in enumerate(errors)
            if child is not None
            for p, v in error_leaves(child, (*path, index)).items()
        }
    return {path: errors}


@pytest.mark.parametrize("name", NEEDS_TUNNISTE)
@pytest.mark.parametrize("method", [Method.POST, Method.PUT])
def test_fixtures_without_yksiloiva_tunniste(name: str, method: Method) -> None:
    document = load_hoks(name)
    body = document if method is Method.POST else as_put(document)
    expected_paths = jaksot_without_tunniste(document)
    assert expected_paths, "the fixture should have a työpaikkajakso without a tunniste"
    errors = errors_of(body, method, fixture_context(document, "ammatillinenkoulutus"))
    assert error_leaves(errors) == dict.fromkeys(expected_paths, TUNNISTE_RULE)
    virkailija = fixture_context(document, "ammatillinenkoulutus", virkailija=True)
    assert errors_of(body, method, virkailija) is None
