"""Benchmark two PostgreSQL storage designs for a HOKS.

Design A ("document"): one ``hoks`` row per HOKS holding the whole validated document as JSONB,
every version in ``hoks_version``, plus two small projection tables (``hoks_module`` for every part
that carries a ``module-id`` and ``hoks_tyopaikkajakso`` for workplace periods).

Design B ("normalised"): the running service's layout (reference §7.1): one table per part type,
join tables between a tutkinnon osa / osa-alue and its osaamisen hankkimistavat and näytöt,
and every nested array element in a row of its own.

The script creates its own database, bulk-loads ``--count`` HOKSes generated from the upstream
fixtures into both designs (COPY), then measures on a warm cache:

* POST: ``--posts`` further hoksit.json-sized HOKSes, one transaction each;
* GET: ``--gets`` random ids (and the posted, hoksit.json-sized ones), reassembled to a dict;
* disk: ``pg_total_relation_size`` summed per design.

Usage::

    .venv/bin/python bench/storage_designs.py --count 2000            # quick run
    .venv/bin/python bench/storage_designs.py --output bench/results/storage_designs.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import random
import shlex
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.numeric import FloatLoader
from psycopg.types.string import TextLoader

Json = dict[str, Any]
Row = tuple[Any, ...]

DEFAULT_DSN = "host=127.0.0.1 port=5432 user=postgres"
DEFAULT_DB = "ehoks_bench_storage"
DEFAULT_FIXTURES = Path("/work/shared/fixtures/upstream/hoks")
SCHEMA_A = "design_a"
SCHEMA_B = "design_b"

# Share of each fixture in the generated population. The two anonymised production examples
# dominate; the synthetic test documents supply the long tail (small, TUVA, everything-at-once).
MIX: dict[str, int] = {
    "anonymised-example-1.json": 30,
    "anonymised-example-2.json": 30,
    "hoksit.json": 10,
    "hoks_ainoastaan_YTOja.json": 8,
    "hoks_ainoastaan_paikallisia.json": 7,
    "hoks_yksi_tutkinnonosa.json": 7,
    "hoks_ainoastaan_ammatillisia.json": 5,
    "hoks_tuva.json": 3,
}
POST_FIXTURE = "hoksit.json"

TOP_ARRAYS = (
    "aiemmin-hankitut-ammat-tutkinnon-osat",
    "aiemmin-hankitut-paikalliset-tutkinnon-osat",
    "aiemmin-hankitut-yhteiset-tutkinnon-osat",
    "hankittavat-ammat-tutkinnon-osat",
    "hankittavat-paikalliset-tutkinnon-osat",
    "hankittavat-yhteiset-tutkinnon-osat",
    "hankittavat-koulutuksen-osat",
    "opiskeluvalmiuksia-tukevat-opinnot",
    "oppimisen-tuki",
)
TYOPAIKKAJAKSO = frozenset(
    {"osaamisenhankkimistapa_koulutussopimus", "osaamisenhankkimistapa_oppisopimus"}
)
OHTS = "osaamisen-hankkimistavat"
NAYTOT = "osaamisen-osoittaminen"
TT_NAYTOT = "tarkentavat-tiedot-naytto"
TT_ARVIOIJA = "tarkentavat-tiedot-osaamisen-arvioija"
AH_ARVIOIJAT = "aiemmin-hankitun-osaamisen-arvioijat"


# --------------------------------------------------------------------------------------------
# Documents: fixtures normalised to the stored (GET) shape, module-ids, projections
# --------------------------------------------------------------------------------------------


def _normalise_oht(oht: Json) -> None:
    oht.setdefault("muut-oppimisymparistot", [])
    oht.setdefault("keskeytymisajanjaksot", [])


def _normalise_naytto(naytto: Json) -> None:
    for key in (
        "osa-alueet",
        "koulutuksen-jarjestaja-osaamisen-arvioijat",
        "tyoelama-osaamisen-arvioijat",
        "yksilolliset-kriteerit",
        "sisallon-kuvaus",
    ):
        naytto.setdefault(key, [])


def _normalise_hankittava(part: Json) -> None:
    for oht in part.setdefault(OHTS, []):
        _normalise_oht(oht)
    for naytto in part.setdefault(NAYTOT, []):
        _normalise_naytto(naytto)


def _normalise_aiemmin(part: Json) -> None:
    for naytto in part.setdefault(TT_NAYTOT, []):
        _normalise_naytto(naytto)
    part.setdefault(TT_ARVIOIJA, {}).setdefault(AH_ARVIOIJAT, [])


def normalise(doc: Json) -> Json:
    """Bring a POST body to the shape a validated, stored HOKS has (all GET-present arrays)."""
    doc.setdefault("manuaalisyotto", False)
    for key in TOP_ARRAYS:
        doc.setdefault(key, [])
    for part in (
        doc["hankittavat-ammat-tutkinnon-osat"] + doc["hankittavat-paikalliset-tutkinnon-osat"]
    ):
        _normalise_hankittava(part)
    for part in doc["hankittavat-yhteiset-tutkinnon-osat"]:
        for osa_alue in part.setdefault("osa-alueet", []):
            _normalise_hankittava(osa_alue)
    for part in (
        doc["aiemmin-hankitut-ammat-tutkinnon-osat"]
        + doc["aiemmin-hankitut-paikalliset-tutkinnon-osat"]
        + doc["aiemmin-hankitut-yhteiset-tutkinnon-osat"]
    ):
        _normalise_aiemmin(part)
    for part in doc["aiemmin-hankitut-yhteiset-tutkinnon-osat"]:
        for osa_alue in part.setdefault("osa-alueet", []):
            _normalise_aiemmin(osa_alue)
    return doc


ModuleRow = tuple[str, str, str]  # module_id, kind, path
JaksoRow = tuple[str, str | None, str, str]  # module_id, ohjaaja_email, alku, loppu


def assign_module_ids(doc: Json) -> tuple[list[ModuleRow], list[JaksoRow]]:
    """Give every part that has a module-id a fresh UUID; return the design-A projection rows."""
    modules: list[ModuleRow] = []
    jaksot: list[JaksoRow] = []

    def mark(part: Json, kind: str, path: str) -> str:
        module_id = str(uuid.uuid4())
        part["module-id"] = module_id
        modules.append((module_id, kind, path))
        return module_id

    def naytot(items: list[Json], path: str) -> None:
        for i, naytto in enumerate(items):
            mark(naytto, "osaamisen-osoittaminen", f"{path}/{i}")

    def ohts(items: list[Json], path: str) -> None:
        for i, oht in enumerate(items):
            module_id = mark(oht, "osaamisen-hankkimistapa", f"{path}/{i}")
            if oht["osaamisen-hankkimistapa-koodi-uri"] in TYOPAIKKAJAKSO:
                tjk = oht.get("tyopaikalla-jarjestettava-koulutus") or {}
                ohjaaja = tjk.get("vastuullinen-tyopaikka-ohjaaja") or {}
                jaksot.append((module_id, ohjaaja.get("sahkoposti"), oht["alku"], oht["loppu"]))

    def hankittava(part: Json, kind: str, path: str) -> None:
        mark(part, kind, path)
        ohts(part[OHTS], f"{path}/{OHTS}")
        naytot(part[NAYTOT], f"{path}/{NAYTOT}")

    def aiemmin(part: Json, kind: str, path: str) -> None:
        mark(part, kind, path)
        naytot(part[TT_NAYTOT], f"{path}/{TT_NAYTOT}")

    for key, kind in (
        ("hankittavat-ammat-tutkinnon-osat", "hato"),
        ("hankittavat-paikalliset-tutkinnon-osat", "hpto"),
    ):
        for i, part in enumerate(doc[key]):
            hankittava(part, kind, f"{key}/{i}")
    key = "hankittavat-yhteiset-tutkinnon-osat"
    for i, part in enumerate(doc[key]):
        mark(part, "hyto", f"{key}/{i}")
        for j, osa_alue in enumerate(part["osa-alueet"]):
            hankittava(osa_alue, "hyto-osa-alue", f"{key}/{i}/osa-alueet/{j}")
    for key, kind in (
        ("aiemmin-hankitut-ammat-tutkinnon-osat", "ahato"),
        ("aiemmin-hankitut-paikalliset-tutkinnon-osat", "ahpto"),
        ("aiemmin-hankitut-yhteiset-tutkinnon-osat", "ahyto"),
    ):
        for i, part in enumerate(doc[key]):
            aiemmin(part, kind, f"{key}/{i}")
    key = "aiemmin-hankitut-yhteiset-tutkinnon-osat"
    for i, part in enumerate(doc[key]):
        for j, osa_alue in enumerate(part["osa-alueet"]):
            aiemmin(osa_alue, "ahyto-osa-alue", f"{key}/{i}/osa-alueet/{j}")
    return modules, jaksot


def dump_json(doc: Json) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Template:
    name: str
    text: str  # normalised document, no module-ids, serialised once


def load_templates(fixtures: Path) -> dict[str, Template]:
    templates = {}
    for name in MIX:
        doc = normalise(json.loads((fixtures / name).read_text(encoding="utf-8")))
        templates[name] = Template(name, dump_json(doc))
    return templates


def oid(prefix: int, n: int) -> str:
    return f"1.2.246.562.{prefix}.{n:011d}"


# --------------------------------------------------------------------------------------------
# Design B metadata: tables, their columns and where each column sits in the document
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    col: str
    typ: str
    key: str | None  # JSON key; None = the array element itself (arrays of strings)
    group: str | None = None  # nested JSON object holding ``key``


def fields(spec: str) -> tuple[Field, ...]:
    """Parse ``json/path type [column]`` lines; ``a/b`` nests key b under object a."""
    out = []
    for line in spec.strip().splitlines():
        words = line.split()
        if not words:
            continue
        path, typ = words[0], words[1]
        if path == "$":
            out.append(Field(words[2], typ, None))
            continue
        col = words[2] if len(words) > 2 else path.replace("/", "_").replace("-", "_")
        group, _, key = path.rpartition("/")
        out.append(Field(col, typ, key, group or None))
    return tuple(out)


@dataclass(frozen=True)
class Table:
    name: str
    fields: tuple[Field, ...] = ()
    # Columns written before the fields: (column, type, referenced table or None).
    lead: tuple[tuple[str, str, str | None], ...] = ()
    has_id: bool = True
    module: str | None = None  # "own": module-id from the document; "default": gen_random_uuid()
    extra_ddl: tuple[str, ...] = ()

    @property
    def insert_cols(self) -> list[str]:
        cols = ["id"] if self.has_id else []
        if self.module == "own":
            cols.append("module_id")
        return cols + [c for c, _, _ in self.lead] + [f.col for f in self.fields]

    @property
    def fk_positions(self) -> list[tuple[int, str]]:
        base = int(self.has_id) + int(self.module == "own")
        return [(base + i, ref) for i, (_, _, ref) in enumerate(self.lead) if ref]

    def values(self, part: Any) -> list[Any]:
        out: list[Any] = []
        for f in self.fields:
            if f.key is None:
                out.append(part)
            elif f.group is None:
                out.append(part.get(f.key))
            else:
                group = part.get(f.group)
                out.append(group.get(f.key) if group else None)
        return out


def fk(col: str, ref: str) -> tuple[str, str, str | None]:
    return (col, "bigint", ref)


HOKSIT = Table(
    "hoksit",
    fields(
        """
        oppija-oid text
        opiskeluoikeus-oid text
        tuva-opiskeluoikeus-oid text
        sahkoposti text
        puhelinnumero text
        urasuunnitelma-koodi-uri text
        urasuunnitelma-koodi-versio integer
        versio integer
        ensikertainen-hyvaksyminen date
        hyvaksytty timestamptz
        paivitetty timestamptz
        osaamisen-saavuttamisen-pvm date
        osaamisen-hankkimisen-tarve boolean
        manuaalisyotto boolean
        """
    ),
    lead=(("eid", "uuid", None),),
    extra_ddl=("palaute_handled_at timestamptz",),
)
LISATIEDOT = Table("todennettu_arviointi_lisatiedot", fields("lahetetty-arvioitavaksi date"))
KJ_ARVIOIJAT = Table(
    "koulutuksen_jarjestaja_osaamisen_arvioijat",
    fields("nimi text\norganisaatio/oppilaitos-oid text oppilaitos_oid"),
)
LISATIEDOT_ARVIOIJAT = Table(
    "todennettu_arviointi_arvioijat",
    lead=(
        fk("todennettu_arviointi_lisatiedot_id", LISATIEDOT.name),
        fk("koulutuksen_jarjestaja_osaamisen_arvioija_id", KJ_ARVIOIJAT.name),
    ),
    has_id=False,
)
_HANKITTAVA_COMMON = """
    vaatimuksista-tai-tavoitteista-poikkeaminen text
    koulutuksen-jarjestaja-oid text
    olennainen-seikka boolean
    opetus-ja-ohjaus-maara double_precision
"""
HATO = Table(
    "hankittavat_ammat_tutkinnon_osat",
    fields(
        """
        tutkinnon-osa-koodi-uri text
        tutkinnon-osa-koodi-versio integer
        tutkinnon-osan-perusteen-diaarinro text
        """
        + _HANKITTAVA_COMMON
    ),
    lead=(fk("hoks_id", "hoksit"),),
    module="own",
)
HPTO = Table(
    "hankittavat_paikalliset_tutkinnon_osat",
    fields(
        """
        amosaa-tunniste text
        nimi text
        laajuus integer
        tavoitteet-ja-sisallot text
        """
        + _HANKITTAVA_COMMON
    ),
    lead=(fk("hoks_id", "hoksit"),),
    module="own",
)
HYTO = Table(
    "hankittavat_yhteiset_tutkinnon_osat",
    fields(
        """
        tutkinnon-osa-koodi-uri text
        tutkinnon-osa-koodi-versio integer
        koulutuksen-jarjestaja-oid text
        """
    ),
    lead=(fk("hoks_id", "hoksit"),),
    module="own",
)
YTO_OSA_ALUEET = Table(
    "yhteisen_tutkinnon_osan_osa_alueet",
    fields(
        """
        osa-alue-koodi-uri text
        osa-alue-koodi-versio integer
        """
        + _HANKITTAVA_COMMON
    ),
    lead=(fk("yhteinen_tutkinnon_osa_id", HYTO.name),),
    module="own",
)
HKO = Table(
    "hankittavat_koulutuksen_osat",
    fields(
        """
        koulutuksen-osa-koodi-uri text
        koulutuksen-osa-koodi-versio integer
        alku date
        loppu date
        laajuus numeric
        """
    ),
    lead=(fk("hoks_id", "hoksit"),),
)
_VALITTU = """
    valittu-todentamisen-prosessi-koodi-uri text
    valittu-todentamisen-prosessi-koodi-versio integer
"""
_TT_FK = fk("tarkentavat_tiedot_osaamisen_arvioija_id", LISATIEDOT.name)
AHATO = Table(
    "aiemmin_hankitut_ammat_tutkinnon_osat",
    fields(
        """
        tutkinnon-osa-koodi-uri text
        tutkinnon-osa-koodi-versio integer
        tutkinnon-osan-perusteen-diaarinro text
        koulutuksen-jarjestaja-oid text
        olennainen-seikka boolean
        """
        + _VALITTU
    ),
    lead=(fk("hoks_id", "hoksit"), _TT_FK),
    module="own",
)
AHPTO = Table(
    "aiemmin_hankitut_paikalliset_tutkinnon_osat",
    fields(
        """
        amosaa-tunniste text
        nimi text
        laajuus integer
        tavoitteet-ja-sisallot text
        vaatimuksista-tai-tavoitteista-poikkeaminen text
        koulutuksen-jarjestaja-oid text
        olennainen-seikka boolean
        """
        + _VALITTU
    ),
    lead=(fk("hoks_id", "hoksit"), _TT_FK),
    module="own",
    extra_ddl=("lahetetty_arvioitavaksi date",),
)
AHYTO = Table(
    "aiemmin_hankitut_yhteiset_tutkinnon_osat",
    fields(
        """
        tutkinnon-osa-koodi-uri text
        tutkinnon-osa-koodi-versio integer
        koulutuksen-jarjestaja-oid text
        """
        + _VALITTU
    ),
    lead=(fk("hoks_id", "hoksit"), _TT_FK),
    module="own",
    extra_ddl=("lahetetty_arvioitavaksi date",),
)
AHYTO_OSA_ALUEET = Table(
    "aiemmin_hankitut_yto_osa_alueet",
    fields(
        """
        osa-alue-koodi-uri text
        osa-alue-koodi-versio integer
        koulutuksen-jarjestaja-oid text
        vaatimuksista-tai-tavoitteista-poikkeaminen text
        olennainen-seikka boolean
        """
        + _VALITTU
    ),
    lead=(fk("aiemmin_hankittu_yhteinen_tutkinnon_osa_id", AHYTO.name), _TT_FK),
    module="own",
)
OTO = Table(
    "opiskeluvalmiuksia_tukevat_opinnot",
    fields("nimi text\nkuvaus text\nalku date\nloppu date"),
    lead=(fk("hoks_id", "hoksit"),),
)
OPPIMISEN_TUKI = Table(
    "oppimisen_tuki",
    fields(
        """
        oppimisen-tuen-tyyppi-koodi-uri text
        alku date
        loppu date
        tutkinnon-osan-tyyppi-koodi-uri text
        """
    ),
    lead=(fk("hoks_id", "hoksit"),),
)
TJK = Table(
    "tyopaikalla_jarjestettavat_koulutukset",
    fields(
        """
        tyopaikan-nimi text
        tyopaikan-y-tunnus text
        vastuullinen-tyopaikka-ohjaaja/nimi text
        vastuullinen-tyopaikka-ohjaaja/sahkoposti text
        vastuullinen-tyopaikka-ohjaaja/puhelinnumero text
        """
    ),
)
TYOTEHTAVAT = Table(
    "tyopaikalla_jarjestettavan_koulutuksen_tyotehtavat",
    fields("$ text tyotehtava"),
    lead=(fk("tyopaikalla_jarjestettava_koulutus_id", TJK.name),),
)
OHT = Table(
    "osaamisen_hankkimistavat",
    fields(
        """
        alku date
        loppu date
        yksiloiva-tunniste text
        ajanjakson-tarkenne text
        osaamisen-hankkimistapa-koodi-uri text
        osaamisen-hankkimistapa-koodi-versio integer
        jarjestajan-edustaja/nimi text
        jarjestajan-edustaja/rooli text
        jarjestajan-edustaja/oppilaitos-oid text
        hankkijan-edustaja/nimi text
        hankkijan-edustaja/rooli text
        hankkijan-edustaja/oppilaitos-oid text
        osa-aikaisuustieto integer
        oppisopimuksen-perusta-koodi-uri text
        oppisopimuksen-perusta-koodi-versio integer
        """
    ),
    lead=(fk("tyopaikalla_jarjestettava_koulutus_id", TJK.name),),
    module="own",
    extra_ddl=("tep_kasitelty boolean DEFAULT false", "teprah_kasitelty boolean DEFAULT false"),
)
MUUT = Table(
    "muut_oppimisymparistot",
    fields(
        """
        oppimisymparisto-koodi-uri text
        oppimisymparisto-koodi-versio integer
        alku date
        loppu date
        """
    ),
    lead=(fk("osaamisen_hankkimistapa_id", OHT.name),),
)
KESKEYTYMISET = Table(
    "keskeytymisajanjaksot",
    fields("alku date\nloppu date"),
    lead=(fk("osaamisen_hankkimistapa_id", OHT.name),),
)


def link_table(name: str, parent_col: str, parent: str, child_col: str, child: str) -> Table:
    module = "default" if child == "osaamisen_osoittamiset" or "osa_alueen" in name else None
    return Table(
        name, lead=(fk(parent_col, parent), fk(child_col, child)), has_id=False, module=module
    )


HATO_OHT = link_table(
    "hankittavan_ammat_tutkinnon_osan_osaamisen_hankkimistavat",
    "hankittava_ammat_tutkinnon_osa_id",
    HATO.name,
    "osaamisen_hankkimistapa_id",
    OHT.name,
)
HPTO_OHT = link_table(
    "hankittavan_paikallisen_tutkinnon_osan_osaamisen_hankkimistavat",
    "hankittava_paikallinen_tutkinnon_osa_id",
    HPTO.name,
    "osaamisen_hankkimistapa_id",
    OHT.name,
)
YTO_OA_OHT = link_table(
    "yhteisen_tutkinnon_osan_osa_alueen_osaamisen_hankkimistavat",
    "yhteisen_tutkinnon_osan_osa_alue_id",
    YTO_OSA_ALUEET.name,
    "osaamisen_hankkimistapa_id",
    OHT.name,
)
NAYTTOYMPARISTOT = Table("nayttoymparistot", fields("nimi text\ny-tunnus text\nkuvaus text"))
NAYTOT_T = Table(
    "osaamisen_osoittamiset",
    fields(
        """
        jarjestaja/oppilaitos-oid text
        alku date
        loppu date
        vaatimuksista-tai-tavoitteista-poikkeaminen text
        """
    ),
    lead=(fk("nayttoymparisto_id", NAYTTOYMPARISTOT.name),),
    module="own",
)
SISALLOT = Table(
    "osaamisen_osoittamisen_sisallot",
    fields("$ text sisallon_kuvaus"),
    lead=(fk("osaamisen_osoittaminen_id", NAYTOT_T.name),),
)
KRITEERIT = Table(
    "osaamisen_osoittamisen_yksilolliset_kriteerit",
    fields("$ text yksilollinen_kriteeri"),
    lead=(fk("osaamisen_osoittaminen_id", NAYTOT_T.name),),
)
KOODISTO_KOODIT = Table("koodisto_koodit", fields("koodi-uri text\nkoodi-versio integer"))
NAYTTO_OSA_ALUEET = Table(
    "osaamisen_osoittamisen_osa_alueet",
    lead=(
        fk("osaamisen_osoittaminen_id", NAYTOT_T.name),
        fk("koodisto_koodi_id", KOODISTO_KOODIT.name),
    ),
    has_id=False,
)
NAYTTO_KJ = Table(
    "osaamisen_osoittamisen_koulutuksen_jarjestaja_arvioija",
    lead=(
        fk("osaamisen_osoittaminen_id", NAYTOT_T.name),
        fk("koulutuksen_jarjestaja_osaamisen_arvioija_id", KJ_ARVIOIJAT.name),
    ),
    has_id=False,
)
TE_ARVIOIJAT = Table(
    "tyoelama_osaamisen_arvioijat",
    fields("nimi text\norganisaatio/nimi text\norganisaatio/y-tunnus text"),
)
NAYTTO_TE = Table(
    "osaamisen_osoittamisen_tyoelama_arvioija",
    lead=(
        fk("osaamisen_osoittaminen_id", NAYTOT_T.name),
        fk("tyoelama_arvioija_id", TE_ARVIOIJAT.name),
    ),
    has_id=False,
)
_N = NAYTOT_T.name
_NC = "osaamisen_osoittaminen_id"
HATO_NAYTTO = link_table(
    "hankittavan_ammat_tutkinnon_osan_naytto",
    "hankittava_ammat_tutkinnon_osa_id",
    HATO.name,
    _NC,
    _N,
)
HPTO_NAYTTO = link_table(
    "hankittavan_paikallisen_tutkinnon_osan_naytto",
    "hankittava_paikallinen_tutkinnon_osa_id",
    HPTO.name,
    _NC,
    _N,
)
YTO_OA_NAYTTO = link_table(
    "yhteisen_tutkinnon_osan_osa_alueen_naytot",
    "yhteisen_tutkinnon_osan_osa_alue_id",
    YTO_OSA_ALUEET.name,
    _NC,
    _N,
)
AHATO_NAYTTO = link_table(
    "aiemmin_hankitun_ammat_tutkinnon_osan_naytto",
    "aiemmin_hankittu_ammat_tutkinnon_osa_id",
    AHATO.name,
    _NC,
    _N,
)
AHPTO_NAYTTO = link_table(
    "aiemmin_hankitun_paikallisen_tutkinnon_osan_naytto",
    "aiemmin_hankittu_paikallinen_tutkinnon_osa_id",
    AHPTO.name,
    _NC,
    _N,
)
AHYTO_NAYTTO = link_table(
    "aiemmin_hankitun_yhteisen_tutkinnon_osan_naytto",
    "aiemmin_hankittu_yhteinen_tutkinnon_osa_id",
    AHYTO.name,
    _NC,
    _N,
)
AHYTO_OA_NAYTTO = link_table(
    "aiemmin_hankitun_yto_osa_alueen_naytto",
    "aiemmin_hankittu_yto_osa_alue_id",
    AHYTO_OSA_ALUEET.name,
    _NC,
    _N,
)

# Topological order: every table comes after the tables it references.
TABLES: tuple[Table, ...] = (
    HOKSIT,
    LISATIEDOT,
    KJ_ARVIOIJAT,
    LISATIEDOT_ARVIOIJAT,
    HATO,
    HPTO,
    HYTO,
    YTO_OSA_ALUEET,
    HKO,
    AHATO,
    AHPTO,
    AHYTO,
    AHYTO_OSA_ALUEET,
    OTO,
    OPPIMISEN_TUKI,
    TJK,
    TYOTEHTAVAT,
    OHT,
    MUUT,
    KESKEYTYMISET,
    HATO_OHT,
    HPTO_OHT,
    YTO_OA_OHT,
    NAYTTOYMPARISTOT,
    NAYTOT_T,
    SISALLOT,
    KRITEERIT,
    KOODISTO_KOODIT,
    NAYTTO_OSA_ALUEET,
    NAYTTO_KJ,
    TE_ARVIOIJAT,
    NAYTTO_TE,
    HATO_NAYTTO,
    HPTO_NAYTTO,
    YTO_OA_NAYTTO,
    AHATO_NAYTTO,
    AHPTO_NAYTTO,
    AHYTO_NAYTTO,
    AHYTO_OA_NAYTTO,
)
OHT_LINKS = ((HATO_OHT, HATO), (HPTO_OHT, HPTO), (YTO_OA_OHT, YTO_OSA_ALUEET))
NAYTTO_LINKS = (
    (HATO_NAYTTO, HATO),
    (HPTO_NAYTTO, HPTO),
    (YTO_OA_NAYTTO, YTO_OSA_ALUEET),
    (AHATO_NAYTTO, AHATO),
    (AHPTO_NAYTTO, AHPTO),
    (AHYTO_NAYTTO, AHYTO),
    (AHYTO_OA_NAYTTO, AHYTO_OSA_ALUEET),
)


# --------------------------------------------------------------------------------------------
# Design B: document -> rows
# --------------------------------------------------------------------------------------------


class RowSink:
    """Collects the rows of one or more HOKSes per table; ids come from ``alloc``."""

    def __init__(self, alloc: Callable[[str], int]) -> None:
        self.alloc = alloc
        self.rows: dict[str, list[Row]] = defaultdict(list)

    def add(self, table: Table, part: Any, *lead: Any) -> int:
        row_id = self.alloc(table.name)
        if table.module == "own":
            row = (row_id, part["module-id"], *lead, *table.values(part))
        else:
            row = (row_id, *lead, *table.values(part))
        self.rows[table.name].append(row)
        return row_id

    def link(self, table: Table, *lead: Any) -> None:
        self.rows[table.name].append(lead)


class Counters:
    """Id allocator handing out 1, 2, 3, ... per table."""

    def __init__(self) -> None:
        self.last: dict[str, int] = defaultdict(int)

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def _b_lisatiedot(sink: RowSink, part: Json) -> int:
    tt = part[TT_ARVIOIJA]
    tt_id = sink.add(LISATIEDOT, tt)
    for arvioija in tt[AH_ARVIOIJAT]:
        sink.link(LISATIEDOT_ARVIOIJAT, tt_id, sink.add(KJ_ARVIOIJAT, arvioija))
    return tt_id


def _b_oht(sink: RowSink, oht: Json) -> int:
    tjk = oht.get("tyopaikalla-jarjestettava-koulutus")
    tjk_id = None
    if tjk:
        tjk_id = sink.add(TJK, tjk)
        for tehtava in tjk.get("keskeiset-tyotehtavat", ()):
            sink.add(TYOTEHTAVAT, tehtava, tjk_id)
    oht_id = sink.add(OHT, oht, tjk_id)
    for muu in oht["muut-oppimisymparistot"]:
        sink.add(MUUT, muu, oht_id)
    for jakso in oht["keskeytymisajanjaksot"]:
        sink.add(KESKEYTYMISET, jakso, oht_id)
    return oht_id


def _b_naytto(sink: RowSink, naytto: Json) -> int:
    ymparisto_id = sink.add(NAYTTOYMPARISTOT, naytto["nayttoymparisto"])
    naytto_id = sink.add(NAYTOT_T, naytto, ymparisto_id)
    for text in naytto["sisallon-kuvaus"]:
        sink.add(SISALLOT, text, naytto_id)
    for text in naytto["yksilolliset-kriteerit"]:
        sink.add(KRITEERIT, text, naytto_id)
    for koodi in naytto["osa-alueet"]:
        sink.link(NAYTTO_OSA_ALUEET, naytto_id, sink.add(KOODISTO_KOODIT, koodi))
    for arvioija in naytto["koulutuksen-jarjestaja-osaamisen-arvioijat"]:
        sink.link(NAYTTO_KJ, naytto_id, sink.add(KJ_ARVIOIJAT, arvioija))
    for arvioija in naytto["tyoelama-osaamisen-arvioijat"]:
        sink.link(NAYTTO_TE, naytto_id, sink.add(TE_ARVIOIJAT, arvioija))
    return naytto_id


def _b_hankittava(
    sink: RowSink, table: Table, part: Json, parent_id: int, ohts: Table, naytot: Table
) -> int:
    part_id = sink.add(table, part, parent_id)
    for oht in part[OHTS]:
        sink.link(ohts, part_id, _b_oht(sink, oht))
    for naytto in part[NAYTOT]:
        sink.link(naytot, part_id, _b_naytto(sink, naytto))
    return part_id


def _b_aiemmin(sink: RowSink, table: Table, part: Json, parent_id: int, naytot: Table) -> int:
    part_id = sink.add(table, part, parent_id, _b_lisatiedot(sink, part))
    for naytto in part[TT_NAYTOT]:
        sink.link(naytot, part_id, _b_naytto(sink, naytto))
    return part_id


def b_decompose(sink: RowSink, doc: Json, eid: str) -> int:
    hoks_id = sink.add(HOKSIT, doc, eid)
    for part in doc["hankittavat-ammat-tutkinnon-osat"]:
        _b_hankittava(sink, HATO, part, hoks_id, HATO_OHT, HATO_NAYTTO)
    for part in doc["hankittavat-paikalliset-tutkinnon-osat"]:
        _b_hankittava(sink, HPTO, part, hoks_id, HPTO_OHT, HPTO_NAYTTO)
    for part in doc["hankittavat-yhteiset-tutkinnon-osat"]:
        yto_id = sink.add(HYTO, part, hoks_id)
        for osa_alue in part["osa-alueet"]:
            _b_hankittava(sink, YTO_OSA_ALUEET, osa_alue, yto_id, YTO_OA_OHT, YTO_OA_NAYTTO)
    for part in doc["hankittavat-koulutuksen-osat"]:
        sink.add(HKO, part, hoks_id)
    for part in doc["aiemmin-hankitut-ammat-tutkinnon-osat"]:
        _b_aiemmin(sink, AHATO, part, hoks_id, AHATO_NAYTTO)
    for part in doc["aiemmin-hankitut-paikalliset-tutkinnon-osat"]:
        _b_aiemmin(sink, AHPTO, part, hoks_id, AHPTO_NAYTTO)
    for part in doc["aiemmin-hankitut-yhteiset-tutkinnon-osat"]:
        yto_id = _b_aiemmin(sink, AHYTO, part, hoks_id, AHYTO_NAYTTO)
        for osa_alue in part["osa-alueet"]:
            _b_aiemmin(sink, AHYTO_OSA_ALUEET, osa_alue, yto_id, AHYTO_OA_NAYTTO)
    for part in doc["opiskeluvalmiuksia-tukevat-opinnot"]:
        sink.add(OTO, part, hoks_id)
    for part in doc["oppimisen-tuki"]:
        sink.add(OPPIMISEN_TUKI, part, hoks_id)
    return hoks_id


def remap(table: Table, rows: list[Row], ids: dict[str, list[int]]) -> list[Row]:
    """Replace per-transaction local ids (1-based) by real ids."""
    own = ids.get(table.name)
    fks = table.fk_positions
    out = []
    for row in rows:
        new = list(row)
        if own is not None:
            new[0] = own[row[0] - 1]
        for pos, ref in fks:
            value = row[pos]
            if value is not None:
                new[pos] = ids[ref][value - 1]
        out.append(tuple(new))
    return out


# --------------------------------------------------------------------------------------------
# DDL
# --------------------------------------------------------------------------------------------


def a_create_ddl() -> list[str]:
    return [
        """CREATE TABLE hoks (
            id bigserial, eid uuid NOT NULL, oppija_oid text NOT NULL,
            opiskeluoikeus_oid text NOT NULL, oppilaitos_oid text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            deleted_at timestamptz, version integer NOT NULL DEFAULT 1,
            document jsonb NOT NULL)""",
        """CREATE TABLE hoks_version (
            hoks_id bigint NOT NULL, version integer NOT NULL, document jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""",
        """CREATE TABLE hoks_module (
            module_id uuid NOT NULL, hoks_id bigint NOT NULL, kind text NOT NULL,
            path text NOT NULL)""",
        """CREATE TABLE hoks_tyopaikkajakso (
            hoks_id bigint NOT NULL, module_id uuid NOT NULL, ohjaaja_email text,
            alku date NOT NULL, loppu date NOT NULL)""",
    ]


def a_index_ddl() -> list[str]:
    return [
        "ALTER TABLE hoks ADD PRIMARY KEY (id)",
        "ALTER TABLE hoks ADD UNIQUE (eid)",
        "ALTER TABLE hoks ADD UNIQUE (opiskeluoikeus_oid)",
        "CREATE INDEX ON hoks (oppija_oid)",
        "CREATE INDEX ON hoks (oppilaitos_oid)",
        "ALTER TABLE hoks_version ADD PRIMARY KEY (hoks_id, version)",
        "ALTER TABLE hoks_module ADD PRIMARY KEY (module_id)",
        "CREATE INDEX ON hoks_module (hoks_id)",
        "ALTER TABLE hoks_tyopaikkajakso ADD PRIMARY KEY (module_id)",
        "CREATE INDEX ON hoks_tyopaikkajakso (hoks_id)",
        "CREATE INDEX ON hoks_tyopaikkajakso (ohjaaja_email)",
        "CREATE INDEX ON hoks_tyopaikkajakso (loppu)",
        "ALTER TABLE hoks_version ADD FOREIGN KEY (hoks_id) REFERENCES hoks (id)"
        " ON DELETE CASCADE NOT VALID",
        "ALTER TABLE hoks_module ADD FOREIGN KEY (hoks_id) REFERENCES hoks (id)"
        " ON DELETE CASCADE NOT VALID",
        "ALTER TABLE hoks_tyopaikkajakso ADD FOREIGN KEY (hoks_id) REFERENCES hoks (id)"
        " ON DELETE CASCADE NOT VALID",
        "ALTER TABLE hoks_tyopaikkajakso ADD FOREIGN KEY (module_id)"
        " REFERENCES hoks_module (module_id) ON DELETE CASCADE NOT VALID",
    ]


def b_create_ddl() -> list[str]:
    out = []
    for t in TABLES:
        cols = ["id bigserial"] if t.has_id else []
        if t.module == "own":
            cols.append("module_id uuid NOT NULL")
        elif t.module == "default":
            cols.append("module_id uuid DEFAULT gen_random_uuid()")
        cols += [f"{c} {typ}" for c, typ, _ in t.lead]
        cols += [f"{f.col} {f.typ.replace('_', ' ')}" for f in t.fields]
        cols += list(t.extra_ddl)
        cols += [
            "created_at timestamptz NOT NULL DEFAULT now()",
            "updated_at timestamptz NOT NULL DEFAULT now()",
            "deleted_at timestamptz",
        ]
        out.append(f"CREATE TABLE {t.name} ({', '.join(cols)})")
    return out


def b_index_ddl() -> list[str]:
    out = []
    for t in TABLES:
        if t.has_id:
            out.append(f"ALTER TABLE {t.name} ADD PRIMARY KEY (id)")
            out += [f"CREATE INDEX ON {t.name} ({c})" for c, _, ref in t.lead if ref]
        else:
            first, second = t.lead[0][0], t.lead[1][0]
            out.append(f"ALTER TABLE {t.name} ADD PRIMARY KEY ({first}, {second})")
            out.append(f"CREATE INDEX ON {t.name} ({second})")
        if t.module:
            out.append(f"ALTER TABLE {t.name} ADD UNIQUE (module_id)")
        out += [
            f"ALTER TABLE {t.name} ADD FOREIGN KEY ({c}) REFERENCES {ref} (id)"
            " ON DELETE CASCADE NOT VALID"
            for c, _, ref in t.lead
            if ref
        ]
    out += [
        "ALTER TABLE hoksit ADD UNIQUE (eid)",
        "ALTER TABLE hoksit ADD UNIQUE (opiskeluoikeus_oid)",
        "CREATE INDEX ON hoksit (oppija_oid, eid, opiskeluoikeus_oid)",
        "CREATE INDEX ON hoksit (deleted_at, updated_at)",
        "CREATE INDEX ON osaamisen_hankkimistavat (osaamisen_hankkimistapa_koodi_uri, loppu)",
        "CREATE INDEX ON osaamisen_hankkimistavat (yksiloiva_tunniste)",
    ]
    return out


# Where a parent part lives and how it reaches its HOKS (alias ``par``).
PARENT_FROM: dict[str, tuple[str, str]] = {
    t.name: (f"{t.name} par", "par.hoks_id") for t in (HATO, HPTO, HYTO, AHATO, AHPTO, AHYTO)
}
PARENT_FROM[YTO_OSA_ALUEET.name] = (
    f"{YTO_OSA_ALUEET.name} par JOIN {HYTO.name} gp ON gp.id = par.yhteinen_tutkinnon_osa_id",
    "gp.hoks_id",
)
PARENT_FROM[AHYTO_OSA_ALUEET.name] = (
    f"{AHYTO_OSA_ALUEET.name} par JOIN {AHYTO.name} gp"
    " ON gp.id = par.aiemmin_hankittu_yhteinen_tutkinnon_osa_id",
    "gp.hoks_id",
)


def _union(selects: Iterable[str]) -> str:
    return "\n UNION ALL ".join(selects)


def b_view_ddl() -> list[str]:
    def via_links(links: Sequence[tuple[Table, Table]], child_col: str, alias: str) -> str:
        selects = []
        for jt, parent in links:
            frm, hoks = PARENT_FROM[parent.name]
            selects.append(
                f"SELECT {hoks} AS hoks_id, j.{child_col} AS {alias} FROM {frm}"
                f" JOIN {jt.name} j ON j.{jt.lead[0][0]} = par.id"
            )
        return _union(selects)

    lisatiedot = _union(
        f"SELECT {PARENT_FROM[t.name][1]} AS hoks_id,"
        f" par.tarkentavat_tiedot_osaamisen_arvioija_id AS lisatiedot_id"
        f" FROM {PARENT_FROM[t.name][0]}"
        for t in (AHATO, AHPTO, AHYTO, AHYTO_OSA_ALUEET)
    )
    return [
        "CREATE VIEW v_hoks_oht AS " + via_links(OHT_LINKS, "osaamisen_hankkimistapa_id", "oht_id"),
        "CREATE VIEW v_hoks_naytto AS "
        + via_links(NAYTTO_LINKS, "osaamisen_osoittaminen_id", "naytto_id"),
        "CREATE VIEW v_hoks_lisatiedot AS " + lisatiedot,
    ]


# --------------------------------------------------------------------------------------------
# Design B: rows -> document, one query per table (the original's approach, minus its N+1)
# --------------------------------------------------------------------------------------------


def sel(table: Table, alias: str) -> str:
    return ", ".join(f"{alias}.{f.col}" for f in table.fields)


def build(table: Table, row: Row, start: int) -> Json:
    """Document object from a slice of a result row: NULLs omitted, groups nested."""
    out: Json = {}
    for i, f in enumerate(table.fields):
        value = row[start + i]
        if value is None:
            continue
        if f.group is None:
            out[f.key or ""] = value
        else:
            out.setdefault(f.group, {})[f.key] = value
    return out


def b_queries() -> dict[str, str]:
    q: dict[str, str] = {
        HOKSIT.name: f"SELECT h.id, h.eid, {sel(HOKSIT, 'h')} FROM hoksit h"
        " WHERE h.id = %s AND h.deleted_at IS NULL"
    }
    for t in (HATO, HPTO, HYTO):
        q[t.name] = (
            f"SELECT x.id, x.module_id, {sel(t, 'x')} FROM {t.name} x"
            " WHERE x.hoks_id = %s ORDER BY x.id"
        )
    for t in (HKO, OTO, OPPIMISEN_TUKI):
        q[t.name] = f"SELECT x.id, {sel(t, 'x')} FROM {t.name} x WHERE x.hoks_id = %s ORDER BY x.id"
    # Row layout: id, module_id, parent id, [lisatiedot id,] fields, [lisatiedot fields].
    for t in (AHATO, AHPTO, AHYTO, YTO_OSA_ALUEET, AHYTO_OSA_ALUEET):
        frm, hoks = PARENT_FROM[t.name]
        cols = f"par.id, par.module_id, par.{t.lead[0][0]}"
        if t is YTO_OSA_ALUEET:
            cols += f", {sel(t, 'par')}"
        else:
            cols += f", par.{_TT_FK[0]}, {sel(t, 'par')}, {sel(LISATIEDOT, 'l')}"
            frm += f" JOIN {LISATIEDOT.name} l ON l.id = par.{_TT_FK[0]}"
        q[t.name] = f"SELECT {cols} FROM {frm} WHERE {hoks} = %s ORDER BY par.id"
    for jt, parent in OHT_LINKS:
        frm, hoks = PARENT_FROM[parent.name]
        q[jt.name] = (
            f"SELECT j.{jt.lead[0][0]}, o.id, o.module_id, {sel(OHT, 'o')}, t.id, {sel(TJK, 't')}"
            f" FROM {frm} JOIN {jt.name} j ON j.{jt.lead[0][0]} = par.id"
            f" JOIN {OHT.name} o ON o.id = j.osaamisen_hankkimistapa_id"
            f" LEFT JOIN {TJK.name} t ON t.id = o.tyopaikalla_jarjestettava_koulutus_id"
            f" WHERE {hoks} = %s ORDER BY o.id"
        )
    for jt, parent in NAYTTO_LINKS:
        frm, hoks = PARENT_FROM[parent.name]
        q[jt.name] = (
            f"SELECT j.{jt.lead[0][0]}, o.id, o.module_id, {sel(NAYTOT_T, 'o')},"
            f" {sel(NAYTTOYMPARISTOT, 'n')}"
            f" FROM {frm} JOIN {jt.name} j ON j.{jt.lead[0][0]} = par.id"
            f" JOIN {NAYTOT_T.name} o ON o.id = j.osaamisen_osoittaminen_id"
            f" JOIN {NAYTTOYMPARISTOT.name} n ON n.id = o.nayttoymparisto_id"
            f" WHERE {hoks} = %s ORDER BY o.id"
        )
    q[LISATIEDOT_ARVIOIJAT.name] = (
        f"SELECT ta.todennettu_arviointi_lisatiedot_id, {sel(KJ_ARVIOIJAT, 'k')}"
        " FROM v_hoks_lisatiedot v JOIN todennettu_arviointi_arvioijat ta"
        " ON ta.todennettu_arviointi_lisatiedot_id = v.lisatiedot_id"
        f" JOIN {KJ_ARVIOIJAT.name} k ON k.id = ta.koulutuksen_jarjestaja_osaamisen_arvioija_id"
        " WHERE v.hoks_id = %s ORDER BY k.id"
    )
    for t in (MUUT, KESKEYTYMISET):
        q[t.name] = (
            f"SELECT m.osaamisen_hankkimistapa_id, {sel(t, 'm')} FROM v_hoks_oht v"
            f" JOIN {t.name} m ON m.osaamisen_hankkimistapa_id = v.oht_id"
            " WHERE v.hoks_id = %s ORDER BY m.id"
        )
    q[TYOTEHTAVAT.name] = (
        f"SELECT o.id, tt.tyotehtava FROM v_hoks_oht v JOIN {OHT.name} o ON o.id = v.oht_id"
        f" JOIN {TYOTEHTAVAT.name} tt"
        " ON tt.tyopaikalla_jarjestettava_koulutus_id = o.tyopaikalla_jarjestettava_koulutus_id"
        " WHERE v.hoks_id = %s ORDER BY tt.id"
    )
    for t in (SISALLOT, KRITEERIT):
        q[t.name] = (
            f"SELECT s.{_NC}, s.{t.fields[0].col} FROM v_hoks_naytto v"
            f" JOIN {t.name} s ON s.{_NC} = v.naytto_id WHERE v.hoks_id = %s ORDER BY s.id"
        )
    for jt, target in (
        (NAYTTO_OSA_ALUEET, KOODISTO_KOODIT),
        (NAYTTO_KJ, KJ_ARVIOIJAT),
        (NAYTTO_TE, TE_ARVIOIJAT),
    ):
        q[jt.name] = (
            f"SELECT j.{_NC}, {sel(target, 'k')} FROM v_hoks_naytto v"
            f" JOIN {jt.name} j ON j.{_NC} = v.naytto_id"
            f" JOIN {target.name} k ON k.id = j.{jt.lead[1][0]}"
            " WHERE v.hoks_id = %s ORDER BY k.id"
        )
    return q


B_QUERIES = b_queries()


def b_assemble(res: dict[str, list[Row]]) -> Json | None:
    if not res[HOKSIT.name]:
        return None
    top = res[HOKSIT.name][0]
    doc = build(HOKSIT, top, 2)
    doc["id"] = top[0]
    doc["eid"] = top[1]
    for key in ("hyvaksytty", "paivitetty"):
        if key in doc:
            doc[key] = doc[key].isoformat()

    naytot: dict[int, Json] = {}
    naytot_of: dict[tuple[str, int], list[Json]] = defaultdict(list)
    width = len(NAYTOT_T.fields)
    for jt, parent in NAYTTO_LINKS:
        for r in res[jt.name]:
            naytto = build(NAYTOT_T, r, 3)
            naytto["module-id"] = r[2]
            naytto["nayttoymparisto"] = build(NAYTTOYMPARISTOT, r, 3 + width)
            for key in (
                "sisallon-kuvaus",
                "yksilolliset-kriteerit",
                "osa-alueet",
                "koulutuksen-jarjestaja-osaamisen-arvioijat",
                "tyoelama-osaamisen-arvioijat",
            ):
                naytto[key] = []
            naytot[r[1]] = naytto
            naytot_of[(parent.name, r[0])].append(naytto)
    for r in res[SISALLOT.name]:
        naytot[r[0]]["sisallon-kuvaus"].append(r[1])
    for r in res[KRITEERIT.name]:
        naytot[r[0]]["yksilolliset-kriteerit"].append(r[1])
    for jt, target, key in (
        (NAYTTO_OSA_ALUEET, KOODISTO_KOODIT, "osa-alueet"),
        (NAYTTO_KJ, KJ_ARVIOIJAT, "koulutuksen-jarjestaja-osaamisen-arvioijat"),
        (NAYTTO_TE, TE_ARVIOIJAT, "tyoelama-osaamisen-arvioijat"),
    ):
        for r in res[jt.name]:
            naytot[r[0]][key].append(build(target, r, 1))

    ohts: dict[int, Json] = {}
    ohts_of: dict[tuple[str, int], list[Json]] = defaultdict(list)
    tjk_at = 3 + len(OHT.fields)
    for jt, parent in OHT_LINKS:
        for r in res[jt.name]:
            oht = build(OHT, r, 3)
            oht["module-id"] = r[2]
            if r[tjk_at] is not None:
                tjk = build(TJK, r, tjk_at + 1)
                tjk["keskeiset-tyotehtavat"] = []
                oht["tyopaikalla-jarjestettava-koulutus"] = tjk
            oht["muut-oppimisymparistot"] = []
            oht["keskeytymisajanjaksot"] = []
            ohts[r[1]] = oht
            ohts_of[(parent.name, r[0])].append(oht)
    for r in res[TYOTEHTAVAT.name]:
        ohts[r[0]]["tyopaikalla-jarjestettava-koulutus"]["keskeiset-tyotehtavat"].append(r[1])
    for t, key in ((MUUT, "muut-oppimisymparistot"), (KESKEYTYMISET, "keskeytymisajanjaksot")):
        for r in res[t.name]:
            ohts[r[0]][key].append(build(t, r, 1))

    arvioijat: dict[int, list[Json]] = defaultdict(list)
    for r in res[LISATIEDOT_ARVIOIJAT.name]:
        arvioijat[r[0]].append(build(KJ_ARVIOIJAT, r, 1))

    def hankittava(t: Table, r: Row, start: int) -> Json:
        part = build(t, r, start)
        part["module-id"] = r[1]
        part[OHTS] = ohts_of.get((t.name, r[0]), [])
        part[NAYTOT] = naytot_of.get((t.name, r[0]), [])
        return part

    def aiemmin(t: Table, r: Row) -> Json:
        part = build(t, r, 4)
        part["module-id"] = r[1]
        part[TT_NAYTOT] = naytot_of.get((t.name, r[0]), [])
        tt = build(LISATIEDOT, r, 4 + len(t.fields))
        tt[AH_ARVIOIJAT] = arvioijat.get(r[3], [])
        part[TT_ARVIOIJA] = tt
        return part

    osa_alueet: dict[int, list[Json]] = defaultdict(list)
    for r in res[YTO_OSA_ALUEET.name]:
        osa_alueet[r[2]].append(hankittava(YTO_OSA_ALUEET, r, 3))
    ah_osa_alueet: dict[int, list[Json]] = defaultdict(list)
    for r in res[AHYTO_OSA_ALUEET.name]:
        ah_osa_alueet[r[2]].append(aiemmin(AHYTO_OSA_ALUEET, r))

    doc["hankittavat-ammat-tutkinnon-osat"] = [hankittava(HATO, r, 2) for r in res[HATO.name]]
    doc["hankittavat-paikalliset-tutkinnon-osat"] = [hankittava(HPTO, r, 2) for r in res[HPTO.name]]
    hytos = []
    for r in res[HYTO.name]:
        part = build(HYTO, r, 2)
        part["module-id"] = r[1]
        part["osa-alueet"] = osa_alueet.get(r[0], [])
        hytos.append(part)
    doc["hankittavat-yhteiset-tutkinnon-osat"] = hytos
    doc["aiemmin-hankitut-ammat-tutkinnon-osat"] = [aiemmin(AHATO, r) for r in res[AHATO.name]]
    doc["aiemmin-hankitut-paikalliset-tutkinnon-osat"] = [
        aiemmin(AHPTO, r) for r in res[AHPTO.name]
    ]
    ahytos = []
    for r in res[AHYTO.name]:
        part = aiemmin(AHYTO, r)
        part["osa-alueet"] = ah_osa_alueet.get(r[0], [])
        ahytos.append(part)
    doc["aiemmin-hankitut-yhteiset-tutkinnon-osat"] = ahytos
    for t, key in (
        (HKO, "hankittavat-koulutuksen-osat"),
        (OTO, "opiskeluvalmiuksia-tukevat-opinnot"),
        (OPPIMISEN_TUKI, "oppimisen-tuki"),
    ):
        doc[key] = [build(t, r, 1) for r in res[t.name]]
    return doc


# --------------------------------------------------------------------------------------------
# Design B: the whole document in one SQL statement (nested json_agg)
# --------------------------------------------------------------------------------------------

_aliases = itertools.count(1)


def _alias(prefix: str) -> str:
    return f"{prefix}{next(_aliases)}"


def jpairs(table: Table, alias: str) -> list[str]:
    out = []
    groups: dict[str, list[Field]] = {}
    for f in table.fields:
        if f.group is None:
            out.append(f"'{f.key}', {alias}.{f.col}")
        else:
            groups.setdefault(f.group, []).append(f)
    for group, members in groups.items():
        all_null = " AND ".join(f"{alias}.{f.col} IS NULL" for f in members)
        inner = ", ".join(f"'{f.key}', {alias}.{f.col}" for f in members)
        out.append(f"'{group}', CASE WHEN {all_null} THEN NULL ELSE json_build_object({inner}) END")
    return out


def jobj(pairs: Sequence[str]) -> str:
    return f"json_build_object({', '.join(pairs)})"


def jarr(expr: str, rest: str, order: str) -> str:
    return f"COALESCE((SELECT json_agg({expr} ORDER BY {order}) {rest}), '[]'::json)"


def _j_values(table: Table, parent_col: str, parent_ref: str) -> str:
    a = _alias("s")
    return jarr(
        f"{a}.{table.fields[0].col}",
        f"FROM {table.name} {a} WHERE {a}.{parent_col} = {parent_ref}",
        f"{a}.id",
    )


def _j_linked(link: Table, target: Table, parent_ref: str) -> str:
    j, k = _alias("j"), _alias("k")
    return jarr(
        jobj(jpairs(target, k)),
        f"FROM {link.name} {j} JOIN {target.name} {k} ON {k}.id = {j}.{link.lead[1][0]}"
        f" WHERE {j}.{link.lead[0][0]} = {parent_ref}",
        f"{k}.id",
    )


def j_naytot(link: Table, parent_ref: str) -> str:
    j, o, n = _alias("j"), _alias("o"), _alias("n")
    pairs = [
        f"'module-id', {o}.module_id",
        *jpairs(NAYTOT_T, o),
        f"'nayttoymparisto', {jobj(jpairs(NAYTTOYMPARISTOT, n))}",
        f"'sisallon-kuvaus', {_j_values(SISALLOT, _NC, f'{o}.id')}",
        f"'yksilolliset-kriteerit', {_j_values(KRITEERIT, _NC, f'{o}.id')}",
        f"'osa-alueet', {_j_linked(NAYTTO_OSA_ALUEET, KOODISTO_KOODIT, f'{o}.id')}",
        "'koulutuksen-jarjestaja-osaamisen-arvioijat', "
        + _j_linked(NAYTTO_KJ, KJ_ARVIOIJAT, f"{o}.id"),
        f"'tyoelama-osaamisen-arvioijat', {_j_linked(NAYTTO_TE, TE_ARVIOIJAT, f'{o}.id')}",
    ]
    return jarr(
        jobj(pairs),
        f"FROM {link.name} {j} JOIN {NAYTOT_T.name} {o} ON {o}.id = {j}.{_NC}"
        f" JOIN {NAYTTOYMPARISTOT.name} {n} ON {n}.id = {o}.nayttoymparisto_id"
        f" WHERE {j}.{link.lead[0][0]} = {parent_ref}",
        f"{o}.id",
    )


def j_ohts(link: Table, parent_ref: str) -> str:
    j, o, t = _alias("j"), _alias("o"), _alias("t")
    tjk = jobj(
        [
            *jpairs(TJK, t),
            "'keskeiset-tyotehtavat', "
            + _j_values(TYOTEHTAVAT, "tyopaikalla_jarjestettava_koulutus_id", f"{t}.id"),
        ]
    )
    pairs = [
        f"'module-id', {o}.module_id",
        *jpairs(OHT, o),
        f"'tyopaikalla-jarjestettava-koulutus', CASE WHEN {t}.id IS NULL THEN NULL ELSE {tjk} END",
    ]
    for table, key in ((MUUT, "muut-oppimisymparistot"), (KESKEYTYMISET, "keskeytymisajanjaksot")):
        m = _alias("m")
        pairs.append(
            f"'{key}', "
            + jarr(
                jobj(jpairs(table, m)),
                f"FROM {table.name} {m} WHERE {m}.osaamisen_hankkimistapa_id = {o}.id",
                f"{m}.id",
            )
        )
    return jarr(
        jobj(pairs),
        f"FROM {link.name} {j} JOIN {OHT.name} {o} ON {o}.id = {j}.osaamisen_hankkimistapa_id"
        f" LEFT JOIN {TJK.name} {t} ON {t}.id = {o}.tyopaikalla_jarjestettava_koulutus_id"
        f" WHERE {j}.{link.lead[0][0]} = {parent_ref}",
        f"{o}.id",
    )


def j_lisatiedot(tt_ref: str) -> str:
    lt = _alias("l")
    arvioijat = _j_linked(LISATIEDOT_ARVIOIJAT, KJ_ARVIOIJAT, f"{lt}.id")
    pairs = [*jpairs(LISATIEDOT, lt), f"'{AH_ARVIOIJAT}', {arvioijat}"]
    return f"(SELECT {jobj(pairs)} FROM {LISATIEDOT.name} {lt} WHERE {lt}.id = {tt_ref})"


def j_parts(
    table: Table, parent_col: str, parent_ref: str, extra: Callable[[str], list[str]]
) -> str:
    p = _alias("p")
    pairs = [f"'module-id', {p}.module_id", *jpairs(table, p), *extra(p)]
    return jarr(
        jobj(pairs), f"FROM {table.name} {p} WHERE {p}.{parent_col} = {parent_ref}", f"{p}.id"
    )


def b_json_query() -> str:
    def hankittava(ohts: Table, naytot: Table) -> Callable[[str], list[str]]:
        return lambda p: [
            f"'{OHTS}', {j_ohts(ohts, f'{p}.id')}",
            f"'{NAYTOT}', {j_naytot(naytot, f'{p}.id')}",
        ]

    def aiemmin(naytot: Table) -> Callable[[str], list[str]]:
        return lambda p: [
            f"'{TT_NAYTOT}', {j_naytot(naytot, f'{p}.id')}",
            f"'{TT_ARVIOIJA}', {j_lisatiedot(f'{p}.{_TT_FK[0]}')}",
        ]

    def hyto(p: str) -> list[str]:
        osa_alueet = j_parts(
            YTO_OSA_ALUEET,
            "yhteinen_tutkinnon_osa_id",
            f"{p}.id",
            hankittava(YTO_OA_OHT, YTO_OA_NAYTTO),
        )
        return [f"'osa-alueet', {osa_alueet}"]

    def ahyto(p: str) -> list[str]:
        osa_alueet = j_parts(
            AHYTO_OSA_ALUEET,
            "aiemmin_hankittu_yhteinen_tutkinnon_osa_id",
            f"{p}.id",
            aiemmin(AHYTO_OA_NAYTTO),
        )
        return [*aiemmin(AHYTO_NAYTTO)(p), f"'osa-alueet', {osa_alueet}"]

    def plain(table: Table) -> str:
        x = _alias("x")
        return jarr(
            jobj(jpairs(table, x)), f"FROM {table.name} {x} WHERE {x}.hoks_id = h.id", f"{x}.id"
        )

    parts = {
        "hankittavat-ammat-tutkinnon-osat": j_parts(
            HATO, "hoks_id", "h.id", hankittava(HATO_OHT, HATO_NAYTTO)
        ),
        "hankittavat-paikalliset-tutkinnon-osat": j_parts(
            HPTO, "hoks_id", "h.id", hankittava(HPTO_OHT, HPTO_NAYTTO)
        ),
        "hankittavat-yhteiset-tutkinnon-osat": j_parts(HYTO, "hoks_id", "h.id", hyto),
        "aiemmin-hankitut-ammat-tutkinnon-osat": j_parts(
            AHATO, "hoks_id", "h.id", aiemmin(AHATO_NAYTTO)
        ),
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": j_parts(
            AHPTO, "hoks_id", "h.id", aiemmin(AHPTO_NAYTTO)
        ),
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": j_parts(AHYTO, "hoks_id", "h.id", ahyto),
        "hankittavat-koulutuksen-osat": plain(HKO),
        "opiskeluvalmiuksia-tukevat-opinnot": plain(OTO),
        "oppimisen-tuki": plain(OPPIMISEN_TUKI),
    }
    pairs = ["'id', h.id", "'eid', h.eid", *jpairs(HOKSIT, "h")]
    pairs += [f"'{key}', {expr}" for key, expr in parts.items()]
    return (
        f"SELECT json_strip_nulls({jobj(pairs)}) FROM {HOKSIT.name} h"
        " WHERE h.id = %s AND h.deleted_at IS NULL"
    )


B_JSON_QUERY = b_json_query()


# --------------------------------------------------------------------------------------------
# Operations: POST and GET for both designs
# --------------------------------------------------------------------------------------------

# The hoks row and its version 1 in one statement: the document is sent and parsed once.
# (Not "INSERT INTO hoks_version SELECT ... WHERE id = currval(...)": currval() is volatile,
# so that WHERE cannot use the primary key and scans the whole hoks table on every POST.)
A_INSERT_HOKS = (
    "WITH h AS (INSERT INTO hoks"
    " (eid, oppija_oid, opiskeluoikeus_oid, oppilaitos_oid, version, document)"
    " VALUES (%s, %s, %s, %s, 1, %s) RETURNING id, version, document)"
    " INSERT INTO hoks_version (hoks_id, version, document)"
    " SELECT id, version, document FROM h RETURNING hoks_id"
)
# Same session, same transaction: currval() is the id just assigned to the hoks row.
A_INSERT_MODULE = (
    "INSERT INTO hoks_module (module_id, hoks_id, kind, path)"
    f" VALUES (%s, currval('{SCHEMA_A}.hoks_id_seq'), %s, %s)"
)
A_INSERT_JAKSO = (
    "INSERT INTO hoks_tyopaikkajakso (hoks_id, module_id, ohjaaja_email, alku, loppu)"
    f" VALUES (currval('{SCHEMA_A}.hoks_id_seq'), %s, %s, %s, %s)"
)
A_GET = "SELECT id, eid, document FROM hoks WHERE id = %s AND deleted_at IS NULL"


def a_post(conn: psycopg.Connection[Any], doc: Json, oppilaitos_oid: str) -> int:
    """One transaction, one round trip: the hoks row, its projections and version 1."""
    modules, jaksot = assign_module_ids(doc)
    text = dump_json(doc)
    eid = str(uuid.uuid4())
    with conn.pipeline(), conn.transaction():
        cur = conn.cursor()
        cur.execute(
            A_INSERT_HOKS, (eid, doc["oppija-oid"], doc["opiskeluoikeus-oid"], oppilaitos_oid, text)
        )
        conn.cursor().executemany(A_INSERT_MODULE, modules)
        if jaksot:
            conn.cursor().executemany(A_INSERT_JAKSO, jaksot)
    row = cur.fetchone()
    assert row is not None
    return int(row[0])


def a_get(conn: psycopg.Connection[Any], hoks_id: int) -> Json | None:
    row = conn.execute(A_GET, (hoks_id,)).fetchone()
    if row is None:
        return None
    doc: Json = row[2]
    doc["id"] = row[0]
    doc["eid"] = str(row[1])
    return doc


def _insert_sql(table: Table, with_id: bool) -> str:
    cols = table.insert_cols if with_id else [c for c in table.insert_cols if c != "id"]
    values = ", ".join(["%s"] * len(cols))
    returning = " RETURNING id" if table.has_id and not with_id else ""
    return f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({values}){returning}"


B_INSERT_WITH_ID = {t.name: _insert_sql(t, True) for t in TABLES}
B_INSERT_RETURNING = {t.name: _insert_sql(t, False) for t in TABLES}


def _b_local_rows(doc: Json) -> dict[str, list[Row]]:
    assign_module_ids(doc)
    sink = RowSink(Counters())
    b_decompose(sink, doc, str(uuid.uuid4()))
    return sink.rows


def b_post_prealloc(conn: psycopg.Connection[Any], doc: Json) -> int:
    """Ids for every row from one nextval() round trip, then all INSERTs pipelined."""
    rows = _b_local_rows(doc)
    with_ids = [t for t in TABLES if t.has_id and rows.get(t.name)]
    arrays = ", ".join(
        f"ARRAY(SELECT nextval('{SCHEMA_B}.{t.name}_id_seq') FROM generate_series(1, %s))"
        for t in with_ids
    )
    with conn.transaction():
        got = conn.execute(f"SELECT {arrays}", [len(rows[t.name]) for t in with_ids]).fetchone()
        assert got is not None
        ids = {t.name: list(a) for t, a in zip(with_ids, got, strict=True)}
        with conn.pipeline():
            cur = conn.cursor()
            for t in TABLES:
                if rows.get(t.name):
                    cur.executemany(B_INSERT_WITH_ID[t.name], remap(t, rows[t.name], ids))
    return ids[HOKSIT.name][0]


def b_post_returning(conn: psycopg.Connection[Any], doc: Json) -> int:
    """Table by table in FK order, each an executemany ... RETURNING id (ids feed children)."""
    rows = _b_local_rows(doc)
    ids: dict[str, list[int]] = {}
    with conn.transaction():
        cur = conn.cursor()
        for t in TABLES:
            table_rows = rows.get(t.name)
            if not table_rows:
                continue
            mapped = remap(t, table_rows, ids)
            if t.has_id:
                cur.executemany(B_INSERT_RETURNING[t.name], [r[1:] for r in mapped], returning=True)
                new_ids = []
                while True:
                    got = cur.fetchone()
                    assert got is not None
                    new_ids.append(got[0])
                    if not cur.nextset():
                        break
                ids[t.name] = new_ids
            else:
                cur.executemany(B_INSERT_RETURNING[t.name], mapped)
    return ids[HOKSIT.name][0]


def b_get_per_table(conn: psycopg.Connection[Any], hoks_id: int) -> Json | None:
    """One query per table, one round trip each (what the original does, minus its N+1)."""
    res = {name: conn.execute(q, (hoks_id,)).fetchall() for name, q in B_QUERIES.items()}
    return b_assemble(res)


def b_get_pipelined(conn: psycopg.Connection[Any], hoks_id: int) -> Json | None:
    """The same queries sent in one pipeline: one network round trip."""
    with conn.pipeline():
        curs = {}
        for name, q in B_QUERIES.items():
            cur = conn.cursor()
            cur.execute(q, (hoks_id,))
            curs[name] = cur
    return b_assemble({name: cur.fetchall() for name, cur in curs.items()})


def b_get_json(conn: psycopg.Connection[Any], hoks_id: int) -> Json | None:
    row = conn.execute(B_JSON_QUERY, (hoks_id,)).fetchone()
    return None if row is None else dict(row[0])


# --------------------------------------------------------------------------------------------
# Database setup and bulk load
# --------------------------------------------------------------------------------------------


def connect(dsn: str, dbname: str, schema: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(f"{dsn} dbname={dbname}", autocommit=True)
    conn.execute(f"SET search_path = {schema}, public")
    conn.execute("SET TimeZone = 'UTC'")
    if schema == SCHEMA_B:
        # A repository would read dates/uuids as strings straight into the JSON document.
        for name in ("date", "uuid"):
            conn.adapters.register_loader(name, TextLoader)
        conn.adapters.register_loader("numeric", FloatLoader)
    return conn


def recreate_database(dsn: str, dbname: str) -> None:
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.execute(f"CREATE DATABASE \"{dbname}\" ENCODING 'UTF8' TEMPLATE template0")


def drop_database(dsn: str, dbname: str) -> None:
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def create_schemas(dsn: str, dbname: str) -> None:
    with psycopg.connect(f"{dsn} dbname={dbname}", autocommit=True) as conn:
        for schema, ddl in ((SCHEMA_A, a_create_ddl()), (SCHEMA_B, b_create_ddl())):
            conn.execute(f"CREATE SCHEMA {schema}")
            conn.execute(f"SET search_path = {schema}")
            for stmt in ddl:
                conn.execute(stmt)


def finish_schema(conn: psycopg.Connection[Any], schema: str, ddl: list[str]) -> None:
    conn.execute(f"SET search_path = {schema}, public")
    conn.execute("SET maintenance_work_mem = '512MB'")
    for stmt in ddl:
        conn.execute(stmt)
    seqs = conn.execute(
        "SELECT c.relname, t.relname FROM pg_class c JOIN pg_depend d ON d.objid = c.oid"
        " JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'S' AND n.nspname = %s",
        (schema,),
    ).fetchall()
    for seq, table in seqs:
        conn.execute(
            f"SELECT setval('{schema}.{seq}', GREATEST((SELECT max(id) FROM {schema}.{table}), 1))"
        )


@dataclass
class LoadStats:
    generate_s: float = 0.0
    a_copy_s: float = 0.0
    b_copy_s: float = 0.0
    a_index_s: float = 0.0
    b_index_s: float = 0.0
    doc_bytes: int = 0
    b_rows: int = 0
    a_module_rows: int = 0
    a_jakso_rows: int = 0


def bulk_load(
    conn: psycopg.Connection[Any],
    templates: dict[str, Template],
    count: int,
    rng: random.Random,
    oppilaitokset: list[str],
) -> tuple[LoadStats, list[str]]:
    """Generate ``count`` HOKSes and COPY them into both designs with identical ids/module-ids."""
    stats = LoadStats()
    names = list(MIX)
    weights = [MIX[n] for n in names]
    chosen = rng.choices(names, weights=weights, k=count)
    alloc = Counters()
    chunk = 2000
    a_cols = {
        "hoks": [
            "id",
            "eid",
            "oppija_oid",
            "opiskeluoikeus_oid",
            "oppilaitos_oid",
            "version",
            "document",
        ],
        "hoks_version": ["hoks_id", "version", "document"],
        "hoks_module": ["module_id", "hoks_id", "kind", "path"],
        "hoks_tyopaikkajakso": ["hoks_id", "module_id", "ohjaaja_email", "alku", "loppu"],
    }
    for start in range(0, count, chunk):
        t0 = time.perf_counter()
        a_rows: dict[str, list[Row]] = {name: [] for name in a_cols}
        sink = RowSink(alloc)
        for i in range(start, min(start + chunk, count)):
            hoks_id = i + 1
            doc = json.loads(templates[chosen[i]].text)
            doc["oppija-oid"] = oid(24, rng.randrange(1, count * 9 // 10 + 2))
            doc["opiskeluoikeus-oid"] = oid(15, hoks_id)
            modules, jaksot = assign_module_ids(doc)
            eid = str(uuid.uuid4())
            text = dump_json(doc)
            stats.doc_bytes += len(text.encode())
            a_rows["hoks"].append(
                (
                    hoks_id,
                    eid,
                    doc["oppija-oid"],
                    doc["opiskeluoikeus-oid"],
                    rng.choice(oppilaitokset),
                    1,
                    text,
                )
            )
            a_rows["hoks_version"].append((hoks_id, 1, text))
            a_rows["hoks_module"] += [(m, hoks_id, k, p) for m, k, p in modules]
            a_rows["hoks_tyopaikkajakso"] += [(hoks_id, *j) for j in jaksot]
            got = b_decompose(sink, doc, eid)
            assert got == hoks_id
        stats.generate_s += time.perf_counter() - t0
        stats.a_module_rows += len(a_rows["hoks_module"])
        stats.a_jakso_rows += len(a_rows["hoks_tyopaikkajakso"])

        t0 = time.perf_counter()
        for name, cols in a_cols.items():
            _copy(conn, f"{SCHEMA_A}.{name}", cols, a_rows[name])
        stats.a_copy_s += time.perf_counter() - t0

        t0 = time.perf_counter()
        for t in TABLES:
            rows = sink.rows.get(t.name)
            if rows:
                stats.b_rows += len(rows)
                _copy(conn, f"{SCHEMA_B}.{t.name}", t.insert_cols, rows)
        stats.b_copy_s += time.perf_counter() - t0
        done = min(start + chunk, count)
        if done % 20000 == 0 or done == count:
            print(f"  loaded {done}/{count}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    finish_schema(conn, SCHEMA_A, a_index_ddl())
    conn.execute(f"VACUUM (ANALYZE) {SCHEMA_A}.hoks, {SCHEMA_A}.hoks_version")
    conn.execute(f"VACUUM (ANALYZE) {SCHEMA_A}.hoks_module, {SCHEMA_A}.hoks_tyopaikkajakso")
    stats.a_index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    finish_schema(conn, SCHEMA_B, b_index_ddl() + b_view_ddl())
    conn.execute(f"VACUUM (ANALYZE) {', '.join(f'{SCHEMA_B}.{t.name}' for t in TABLES)}")
    stats.b_index_s = time.perf_counter() - t0
    return stats, chosen


def _copy(conn: psycopg.Connection[Any], table: str, cols: list[str], rows: list[Row]) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def prewarm(conn: psycopg.Connection[Any]) -> str:
    """Pull every relation of both designs (heap, TOAST, indexes) into the OS page cache."""
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    except psycopg.Error as exc:
        return f"pg_prewarm unavailable ({exc.__class__.__name__}); warm-up by queries only"
    conn.execute(
        "SELECT pg_prewarm(r, 'read') FROM ("
        " SELECT c.oid::regclass AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname IN (%s, %s) AND c.relkind IN ('r', 'i')"
        " UNION ALL SELECT c.reltoastrelid::regclass FROM pg_class c"
        "  JOIN pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname IN (%s, %s) AND c.relkind = 'r' AND c.reltoastrelid <> 0) x",
        (SCHEMA_A, SCHEMA_B, SCHEMA_A, SCHEMA_B),
    )
    return "pg_prewarm(read) of every heap, TOAST and index relation, then query warm-up"


# --------------------------------------------------------------------------------------------
# Measurement helpers and the report
# --------------------------------------------------------------------------------------------


def pct(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Result:
    operation: str
    design: str
    samples_ms: list[float]

    def cells(self) -> list[str]:
        s = self.samples_ms
        mean = statistics.fmean(s)
        return [
            self.operation,
            self.design,
            f"{len(s)}",
            f"{pct(s, 50):.2f}",
            f"{pct(s, 95):.2f}",
            f"{pct(s, 99):.2f}",
            f"{mean:.2f}",
            f"{1000 / mean:,.0f}/s",
        ]


def interleaved(
    ops: Sequence[Callable[[Any], Any]], inputs: Sequence[Sequence[Any]]
) -> list[list[float]]:
    """Time ``ops[j](inputs[j][k])`` round-robin over j for every k, rotating who goes first,
    so that load from other processes on a shared machine hits every variant alike."""
    samples: list[list[float]] = [[] for _ in ops]
    for k in range(len(inputs[0])):
        shift = k % len(ops)
        for j in [*range(shift, len(ops)), *range(shift)]:
            t0 = time.perf_counter_ns()
            ops[j](inputs[j][k])
            samples[j].append((time.perf_counter_ns() - t0) / 1e6)
    return samples


def canonical(doc: Json | None) -> Json | None:
    """Comparable form: instants as aware datetimes (the two stores print them differently)."""
    if doc is None:
        return None
    out = dict(doc)
    for key in ("hyvaksytty", "paivitetty"):
        if key in out:
            out[key] = dt.datetime.fromisoformat(out[key].replace("Z", "+00:00"))
    return json.loads(json.dumps(out, default=str))


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}/{key}: only in {'B' if key not in a else 'A'}"
            diff = first_difference(a[key], b[key], f"{path}/{key}")
            if diff:
                return diff
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = first_difference(x, y, f"{path}/{i}")
            if diff:
                return diff
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


def verify(
    a_conn: psycopg.Connection[Any],
    b_conn: psycopg.Connection[Any],
    ids: Iterable[int],
) -> int:
    """Every design-B read path must return exactly the document design A stored."""
    checked = 0
    for hoks_id in ids:
        expected = canonical(a_get(a_conn, hoks_id))
        for label, fn in (
            ("B per-table", b_get_per_table),
            ("B pipelined", b_get_pipelined),
            ("B json", b_get_json),
        ):
            diff = first_difference(expected, canonical(fn(b_conn, hoks_id)))
            if diff:
                raise SystemExit(f"{label} differs from A for HOKS {hoks_id}: {diff}")
        checked += 1
    return checked


def _strip_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip_ids(v)
            for k, v in value.items()
            if k not in {"id", "eid", "module-id", "oppija-oid", "opiskeluoikeus-oid"}
        }
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def verify_posted(
    a_conn: psycopg.Connection[Any], b_conn: psycopg.Connection[Any], posted: list[list[int]]
) -> int:
    """Documents written by every POST variant read back identically (ids aside)."""
    checked = 0
    for a_id, b1_id, b2_id in list(zip(*posted, strict=True))[:10]:
        expected = _strip_ids(canonical(a_get(a_conn, a_id)))
        for b_id in (b1_id, b2_id):
            for fn in (b_get_per_table, b_get_pipelined, b_get_json):
                diff = first_difference(expected, _strip_ids(canonical(fn(b_conn, b_id))))
                if diff:
                    raise SystemExit(f"posted HOKS {b_id} ({fn.__name__}) differs from A: {diff}")
        checked += 1
    return checked


def relation_sizes(conn: psycopg.Connection[Any], schema: str) -> list[tuple[str, int, int, int]]:
    """(table, total, heap+TOAST, indexes) in bytes, largest first."""
    return [
        (str(r[0]), int(r[1]), int(r[2]), int(r[3]))
        for r in conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_table_size(c.oid),"
            " pg_indexes_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY 2 DESC",
            (schema,),
        ).fetchall()
    ]


def mb(n: float) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def table_md(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def machine_line(conn: psycopg.Connection[Any]) -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    settings = {
        name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
        for name in ("server_version", "shared_buffers", "synchronous_commit", "fsync")
    }
    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()};"
        f" PostgreSQL {settings['server_version']} on 127.0.0.1 (shared_buffers"
        f" {settings['shared_buffers']}, synchronous_commit {settings['synchronous_commit']},"
        f" fsync {settings['fsync']}); Python {platform.python_version()},"
        f" psycopg {psycopg.__version__}"
    )


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000, help="HOKSes to bulk-load (100000)")
    ap.add_argument("--posts", type=int, default=500, help="measured POSTs per variant (500)")
    ap.add_argument(
        "--gets", type=int, default=2000, help="measured random GETs per variant (2000)"
    )
    ap.add_argument("--warmup", type=int, default=200, help="unmeasured GETs before each variant")
    ap.add_argument("--dsn", default=DEFAULT_DSN, help=f"libpq connection string ({DEFAULT_DSN})")
    ap.add_argument("--db", default=DEFAULT_DB, help=f"database to create and drop ({DEFAULT_DB})")
    ap.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--output", type=Path, help="also write the markdown report here")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    load_start = _loadavg()
    rng = random.Random(args.seed)
    templates = load_templates(args.fixtures)
    oppilaitokset = [oid(10, rng.randrange(10**9, 10**10)) for _ in range(300)]

    print(f"creating database {args.db}", file=sys.stderr)
    recreate_database(args.dsn, args.db)
    try:
        create_schemas(args.dsn, args.db)
        with psycopg.connect(f"{args.dsn} dbname={args.db}", autocommit=True) as admin:
            print(f"bulk-loading {args.count} HOKSes into both designs", file=sys.stderr)
            stats, chosen = bulk_load(admin, templates, args.count, rng, oppilaitokset)
            warm_note = prewarm(admin)
            machine = machine_line(admin)
        report = run_measurements(args, templates, rng, oppilaitokset, stats, chosen, warm_note)
    finally:
        if not args.keep:
            drop_database(args.dsn, args.db)

    command = "bench/storage_designs.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    header = "\n".join(
        [
            f"- command: `.venv/bin/python {command.strip()}`",
            f"- date: {started:%Y-%m-%d %H:%M} UTC, total run {time.perf_counter() - T0:,.0f} s",
            f"- machine: {machine}",
            f"- load average (1/5/15 min) at start {load_start}, at end {_loadavg()}"
            " (the machine is shared with other work)",
        ]
    )
    text = f"{header}\n\n{report}\n"
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(f"# HOKS storage designs: benchmark results\n\n{text}")
    return 0


def run_measurements(
    args: argparse.Namespace,
    templates: dict[str, Template],
    rng: random.Random,
    oppilaitokset: list[str],
    stats: LoadStats,
    chosen: list[str],
    warm_note: str,
) -> str:
    a_conn = connect(args.dsn, args.db, SCHEMA_A)
    b_conn = connect(args.dsn, args.db, SCHEMA_B)
    results: list[Result] = []

    # Correctness first: each design-B read path reproduces design A's document, every fixture.
    sample: list[int] = []
    for name in MIX:
        sample += [i + 1 for i, n in enumerate(chosen) if n == name][:5]
    checked = verify(a_conn, b_conn, sample)
    print(f"verified {checked} documents across all read paths", file=sys.stderr)

    # POST: hoksit.json-sized documents with fresh study-right OIDs, one transaction each.
    post_text = templates[POST_FIXTURE].text
    warm_posts = 10
    next_oo = itertools.count(args.count + 1)

    def post_docs(n: int) -> list[Json]:
        docs = []
        for _ in range(n):
            doc = json.loads(post_text)
            number = next(next_oo)
            doc["opiskeluoikeus-oid"] = oid(15, number)
            doc["oppija-oid"] = oid(24, number)
            docs.append(doc)
        return docs

    labels = [
        "A document",
        "B normalised, ids pre-allocated + pipelined",
        "B normalised, executemany RETURNING per table",
    ]
    posters: list[Callable[[Json], int]] = [
        lambda d: a_post(a_conn, d, rng.choice(oppilaitokset)),
        lambda d: b_post_prealloc(b_conn, d),
        lambda d: b_post_returning(b_conn, d),
    ]
    posted: list[list[int]] = [[] for _ in posters]
    for sync in ("on", "off"):
        print(f"POST x {args.posts} per variant, synchronous_commit={sync}", file=sys.stderr)
        for conn in (a_conn, b_conn):
            conn.execute(f"SET synchronous_commit = {sync}")
        for fn in posters:
            for doc in post_docs(warm_posts):
                fn(doc)
        ops = [
            (lambda d, fn=fn, ids=ids: ids.append(fn(d))) if sync == "on" else fn
            for fn, ids in zip(posters, posted, strict=True)
        ]
        runs = interleaved(ops, [post_docs(args.posts) for _ in posters])
        operation = f"POST {POST_FIXTURE} (1 txn)"
        if sync == "off":
            operation += ", synchronous_commit=off"
        results += [Result(operation, lb, sm) for lb, sm in zip(labels, runs, strict=True)]
        for conn in (a_conn, b_conn):
            conn.execute("RESET synchronous_commit")

    checked_posts = verify_posted(a_conn, b_conn, posted)

    # GET: random ids among the bulk-loaded HOKSes, then the posted hoksit.json-sized ones.
    # The nested json_agg statement is expensive to plan and only fast because psycopg
    # prepares it after 5 runs; "never prepared" shows the cost without server-side prepared
    # statements (e.g. behind a transaction-pooling PgBouncer).
    unprepared = connect(args.dsn, args.db, SCHEMA_B)
    unprepared.prepare_threshold = None
    readers: list[tuple[str, Callable[[int], Json | None]]] = [
        ("A document", lambda i: a_get(a_conn, i)),
        (
            f"B one query per table ({len(B_QUERIES)} round trips)",
            lambda i: b_get_per_table(b_conn, i),
        ),
        (
            f"B same {len(B_QUERIES)} queries pipelined (1 round trip)",
            lambda i: b_get_pipelined(b_conn, i),
        ),
        ("B one SQL statement (nested json_agg)", lambda i: b_get_json(b_conn, i)),
        ("B one SQL statement, never prepared", lambda i: b_get_json(unprepared, i)),
    ]
    for _, fn in readers:
        for _ in range(args.warmup):
            fn(rng.randrange(1, args.count + 1))
    get_ids = [rng.randrange(1, args.count + 1) for _ in range(args.gets)]
    print(f"GET x {args.gets} random ids per read path", file=sys.stderr)
    runs = interleaved([fn for _, fn in readers], [get_ids] * len(readers))
    results += [
        Result(f"GET random of {args.count:,}", label, sm)
        for (label, _), sm in zip(readers, runs, strict=True)
    ]
    print(f"GET x {args.posts} posted ids per read path", file=sys.stderr)
    own = [posted[0]] + [posted[1]] * (len(readers) - 1)
    runs = interleaved([fn for _, fn in readers], own)
    results += [
        Result(f"GET posted {POST_FIXTURE}-sized", label, sm)
        for (label, _), sm in zip(readers, runs, strict=True)
    ]
    unprepared.close()

    # Disk.
    with psycopg.connect(f"{args.dsn} dbname={args.db}", autocommit=True) as admin:
        admin.execute("CHECKPOINT")
        sizes_a = relation_sizes(admin, SCHEMA_A)
        sizes_b = relation_sizes(admin, SCHEMA_B)
        hoks_total = int(admin.execute(f"SELECT count(*) FROM {SCHEMA_A}.hoks").fetchone()[0])  # type: ignore[index]
        b_hoks_total = int(admin.execute(f"SELECT count(*) FROM {SCHEMA_B}.hoksit").fetchone()[0])  # type: ignore[index]
        jsonb_avg = float(
            admin.execute(f"SELECT avg(pg_column_size(document)) FROM {SCHEMA_A}.hoks").fetchone()[
                0
            ]  # type: ignore[index]
        )
        b_rows_total = sum(
            int(admin.execute(f"SELECT count(*) FROM {SCHEMA_B}.{t.name}").fetchone()[0])  # type: ignore[index]
            for t in TABLES
        )
    a_conn.close()
    b_conn.close()

    mix = ", ".join(f"{name.removesuffix('.json')} {w}%" for name, w in MIX.items())
    post_doc = json.loads(post_text)
    post_rows = sum(len(v) for v in _b_local_rows(post_doc).values())
    lines = [
        "## Data",
        "",
        f"- {args.count:,} HOKSes bulk-loaded into each design; fixture mix: {mix}.",
        f"- Average document {stats.doc_bytes / args.count / 1024:.1f} KB of JSON text,"
        f" {jsonb_avg / 1024:.1f} KB as stored jsonb (pg_column_size, after TOAST compression);"
        f" design B needs {stats.b_rows / args.count:.0f} rows per HOKS on average"
        f" ({post_rows} rows for {POST_FIXTURE}, {len(post_text) / 1024:.1f} KB);"
        f" design A {(stats.a_module_rows + stats.a_jakso_rows) / args.count:.0f} projection rows"
        " per HOKS.",
        f"- Bulk load (not the measured metric): generating documents {stats.generate_s:.0f} s;"
        f" A: COPY {stats.a_copy_s:.0f} s + indexes/FKs/VACUUM ANALYZE {stats.a_index_s:.0f} s;"
        f" B: COPY {stats.b_copy_s:.0f} s + indexes/FKs/VACUUM ANALYZE {stats.b_index_s:.0f} s.",
        f"- Cache: {warm_note} ({args.warmup} GETs per read path before it is measured;"
        f" {warm_posts} unmeasured POSTs before each POST variant).",
        "- Method: one client, one connection per design (psycopg defaults: statements are"
        " prepared after 5 executions). The variants of each operation are interleaved"
        " round-robin, the first one rotating, so background load hits all of them alike."
        " Throughput = 1000 / mean latency. GETs run in autocommit (no BEGIN/COMMIT), which"
        " favours the multi-statement B paths slightly (a consistent read would need"
        " REPEATABLE READ).",
        f"- Correctness: for {checked} HOKSes (5 per fixture) all three design-B read paths"
        " returned exactly the document design A stored; the same held for"
        f" {checked_posts} POSTed documents of each write path.",
        "",
        "## Latency (single client, ms)",
        "",
        table_md(
            ["operation", "design / access path", "n", "p50", "p95", "p99", "mean", "ops/s"],
            [r.cells() for r in results],
        ),
        "",
        "## Disk (pg_total_relation_size, after the run)",
        "",
    ]
    total_a = sum(s[1] for s in sizes_a)
    total_b = sum(s[1] for s in sizes_b)
    version_a = sum(s[1] for s in sizes_a if s[0] == "hoks_version")
    disk_rows = [
        [
            "A document (all 4 tables)",
            mb(total_a),
            mb(sum(s[2] for s in sizes_a)),
            mb(sum(s[3] for s in sizes_a)),
            f"{total_a / hoks_total / 1024:.1f} KB",
        ],
        [
            "A without hoks_version",
            mb(total_a - version_a),
            mb(sum(s[2] for s in sizes_a if s[0] != "hoks_version")),
            mb(sum(s[3] for s in sizes_a if s[0] != "hoks_version")),
            f"{(total_a - version_a) / hoks_total / 1024:.1f} KB",
        ],
        [
            f"B normalised ({len(TABLES)} tables, {b_rows_total:,} rows)",
            mb(total_b),
            mb(sum(s[2] for s in sizes_b)),
            mb(sum(s[3] for s in sizes_b)),
            f"{total_b / b_hoks_total / 1024:.1f} KB",
        ],
    ]
    lines.append(table_md(["design", "total", "heap + TOAST", "indexes", "per HOKS"], disk_rows))
    lines += ["", "Largest relations:", ""]
    lines.append(
        table_md(
            ["design", "table", "total", "heap + TOAST", "indexes"],
            [["A", n, mb(t), mb(h), mb(i)] for n, t, h, i in sizes_a]
            + [["B", n, mb(t), mb(h), mb(i)] for n, t, h, i in sizes_b[:8]],
        )
    )
    return "\n".join(lines)


T0 = time.perf_counter()

if __name__ == "__main__":
    sys.exit(main())
