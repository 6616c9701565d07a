"""Filling the local registry tables from the registers' own JSON documents.

``import_documents`` takes a parsed JSON value, recognises what it is from its content and
upserts it into the tables behind the local registers (``storage.py``). It flushes and never
commits: the caller (``ehoks registry import``) commits once.

What is recognised, per JSON object (a JSON array is taken element by element, so one file may
mix kinds):

* **KOSKI oppija** (``/koski/api/oppija/{oid}``, and each element of ``/koski/api/sure/oids``):
  an object with ``henkilö`` (an object with an ``oid``) and ``opiskeluoikeudet`` (an array).
  Each study right is stored with ``oppija_oid = henkilö.oid``.
* **KOSKI opiskeluoikeus** (``/koski/api/opiskeluoikeus/{oid}``): an object whose ``oid`` is of
  node 15 (``1.2.246.562.15.…``) and that has a ``tyyppi``. Such a document does not name its
  student: ``oppija_oid`` (``--oppija``) sets it; without it an existing row keeps its student
  and a new one has none.
* **ONR henkilö** (``/oppijanumerorekisteri-service/henkilo/{oid}``): an object with
  ``oidHenkilo``.
* **Organisaatiopalvelu organisation** (``/organisaatio-service/api/{oid}`` and the elements of
  ``/api/findbyoids``): an object whose ``oid`` is an organisation OID (node 10/99/199/299,
  ``ehoks.identifiers.ORGANISAATIO_OID_RE``), that has at least one of ``parentOidPath``,
  ``nimi``, ``tyypit``, and that carries none of the keys of KOSKI's embedded organisation
  references (``tyyppi``, ``oppilaitosnumero``, ``yTunnus``, ``kotipaikka``) — importing the
  ``oppilaitos`` of a study right as an organisation would store a document Organisaatiopalvelu
  never served.

* **Koodisto code element** (``/koodisto-service/rest/codeelement/latest/{uri}``,
  ``…/codeelement/{uri}/{versio}``, each element of the all-versions list ``…/codeelement/{uri}``
  and of ``/rest/json/{koodisto}/koodi``): an object with a string ``koodiUri``, a string
  ``koodiArvo``, an integer ``versio`` and an array ``metadata``. Stored per
  ``(koodiUri, versio)``; its koodisto is ``koodisto.koodistoUri``, or the part of ``koodiUri``
  before the first ``_`` when the element does not name it (the all-versions list).
* **ePerusteet page** (``/eperusteet-service/api/tutkinnonosat?koodiUri=…``,
  ``/api/perusteet?…``): an object with an array ``data`` and an integer ``sivu``; each element
  of ``data`` must be a tutkinnon osa or a peruste.
* **ePerusteet tutkinnon osa**: an object with an integer ``id`` and ``osanTyyppi``
  ``"tutkinnonosa"`` or a ``koodiUri`` ``tutkinnonosat_…``. Stored per ``id``.
* **ePerusteet peruste** (``/api/perusteet/diaari?diaarinumero=…``, ``/api/perusteet/{id}``):
  an object with an integer ``id`` and a string ``diaarinumero``. Stored per ``id``. A full
  peruste also carries, per ``suoritustavat[]`` element, its ``rakenne`` and
  ``tutkinnonOsaViitteet``, and the ``tutkinnonOsat`` themselves: those are stored too (the
  suoritustapa rows are keyed by the peruste's ``id`` and ``suoritustapakoodi``).
* **ePerusteet rakenne** (``/api/perusteet/{id}/suoritustavat/{koodi}/rakenne``): an object with
  an array ``osat`` and the keys ``rooli`` and ``muodostumisSaanto`` (the root module).
* **ePerusteet tutkinnon osa viite** (each element of
  ``/api/perusteet/{id}/suoritustavat/{koodi}/tutkinnonosat``): an object with an integer ``id``
  and ``_tutkinnonOsa``. Viitteet are merged by ``id`` into the ones stored for the suoritustapa.

**Keying a rakenne and viitteet.** Neither document names its peruste (the id is only in the
URL). They are therefore accepted only with an explicit key: ``peruste_id`` (and
``suoritustapa``, default ``reformi``) given to ``import_documents``, i.e. one file per
``(peruste, suoritustapa)``, as the register serves them. Without the key they are refused
(nothing is guessed); the alternative is the full peruste document, which holds both.
``rakenne_key_from_filename`` reads the key from a file named after the register's path the way
the upstream fixtures are (``eperusteet-service_api_perusteet_3397335_suoritustavat_reformi_
rakenne.json``), for a caller that imports files.

Anything else is refused with ``InvalidRequest`` naming what was seen; nothing is written then,
because the whole value is recognised before the first row is touched.

Re-importing a document replaces the stored one (imports are idempotent), with these exceptions:

* An organisation document without ``parentOidPath`` (the ``findbyoids`` summary
  ``{oid, nimi}``) is merged key by key into an existing document instead of replacing it, so a
  summary never erases the hierarchy a full document brought. Likewise a code element without
  ``koodisto`` (the all-versions list leaves out ``koodisto`` and ``tila``) is merged into the
  stored version.
* **Derived ONR henkilö.** When a KOSKI oppija's ``henkilö`` carries names (``etunimet`` and
  ``sukunimi``), an ONR henkilö is created from it unless ONR already has that person (stored
  earlier or in the same import; a real ONR document always wins). The mapping KOSKI henkilö →
  ONR HenkiloDto is ``oid → oidHenkilo``, ``etunimet``, ``kutsumanimi``, ``sukunimi``,
  ``hetu``, ``syntymäaika → syntymaaika``, ``turvakielto``; fields KOSKI did not send are left
  out.

**Extension for person merges.** ONR serves a duplicate's master only through
``/henkilo/{oid}/master``, which has no document of its own to import. A henkilö document with
``"duplicate": true`` may therefore carry the non-standard key ``"masterOid"`` naming its master;
it sets ``master_oid`` (what ``get_master`` / ``get_slaves`` read) and stays in the stored
document, where the ``Henkilo`` model ignores it. A document that is not a duplicate clears
``master_oid``; a duplicate without ``masterOid`` keeps the one stored before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from ehoks.errors import InvalidRequest
from ehoks.identifiers import OPPIJA_OID_RE, ORGANISAATIO_OID_RE
from ehoks.registries.eperusteet.interface import (
    parse_peruste,
    parse_rakenne,
    parse_tutkinnon_osa,
    parse_tutkinnon_osa_viite,
)
from ehoks.registries.koodisto.interface import is_koodi, koodisto_uri_of, parse_koodi
from ehoks.registries.storage import (
    LocalHenkilo,
    LocalKoodi,
    LocalOpiskeluoikeus,
    LocalOrganisaatio,
    LocalPeruste,
    LocalSuoritustapa,
    LocalTutkinnonOsa,
)

# Node 15 by shape only: KOSKI's own (test) data holds study-right OIDs whose check digit fails.
_OPISKELUOIKEUS_NODE_RE = re.compile(r"^1\.2\.246\.562\.15\.\d+$")
_ORGANISAATIO_MARKERS = ("parentOidPath", "nimi", "tyypit")
# Keys of the organisation references embedded in KOSKI documents (never in Organisaatiopalvelu's).
_KOSKI_REFERENCE_KEYS = ("tyyppi", "oppilaitosnumero", "yTunnus", "kotipaikka")
# KOSKI henkilö key → ONR HenkiloDto key.
_KOSKI_TO_ONR_HENKILO = {
    "oid": "oidHenkilo",
    "etunimet": "etunimet",
    "kutsumanimi": "kutsumanimi",
    "sukunimi": "sukunimi",
    "hetu": "hetu",
    "syntymäaika": "syntymaaika",
    "turvakielto": "turvakielto",
}
_EXPECTED = (
    "expected a KOSKI opiskeluoikeus, a KOSKI oppija ({henkilö, opiskeluoikeudet}), "
    "an ONR henkilö (oidHenkilo), an Organisaatiopalvelu organisation, a Koodisto code element "
    "or an ePerusteet document (tutkinnon osa, peruste, rakenne, tutkinnon osa viite, a page)"
)
_SUORITUSTAPA_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_RAKENNE_FILENAME_RE = re.compile(
    r"eperusteet-service_api_perusteet_(?P<id>\d+)_suoritustavat_(?P<tapa>[a-z0-9]+)_"
    r"(?:rakenne|tutkinnonosat)(?:\.json)?$"
)


@dataclass
class ImportReport:
    """How many documents of each kind one import wrote (derived ONR henkilöt included)."""

    opiskeluoikeudet: int = 0
    henkilot: int = 0
    organisaatiot: int = 0
    koodit: int = 0
    tutkinnon_osat: int = 0
    perusteet: int = 0
    rakenteet: int = 0
    tutkinnon_osa_viitteet: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in _REPORT_FIELDS)

    def __add__(self, other: ImportReport) -> ImportReport:
        return ImportReport(
            **{name: getattr(self, name) + getattr(other, name) for name in _REPORT_FIELDS}
        )

    def describe(self) -> str:
        text = (
            f"{self.opiskeluoikeudet} opiskeluoikeudet, {self.henkilot} henkilöt, "
            f"{self.organisaatiot} organisaatiot"
        )
        # The code registers are named only when the import held some.
        extra = [
            f"{getattr(self, name)} {label}"
            for name, label in _CODE_REPORT_LABELS.items()
            if getattr(self, name)
        ]
        return ", ".join([text, *extra])


_REPORT_FIELDS = (
    "opiskeluoikeudet",
    "henkilot",
    "organisaatiot",
    "koodit",
    "tutkinnon_osat",
    "perusteet",
    "rakenteet",
    "tutkinnon_osa_viitteet",
)
_CODE_REPORT_LABELS = {
    "koodit": "koodit",
    "tutkinnon_osat": "tutkinnon osat",
    "perusteet": "perusteet",
    "rakenteet": "rakenteet",
    "tutkinnon_osa_viitteet": "tutkinnon osa viitteet",
}


@dataclass
class _Plan:
    """The recognised content, in the order it is written."""

    # (document, oppija_oid named by the document or by ``--oppija``; None = keep the stored one)
    opiskeluoikeudet: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    henkilot: list[dict[str, Any]] = field(default_factory=list)
    derived_henkilot: list[dict[str, Any]] = field(default_factory=list)
    organisaatiot: list[dict[str, Any]] = field(default_factory=list)
    koodit: list[dict[str, Any]] = field(default_factory=list)
    tutkinnon_osat: list[dict[str, Any]] = field(default_factory=list)
    perusteet: list[dict[str, Any]] = field(default_factory=list)
    # ((peruste id, suoritustapakoodi), document)
    rakenteet: list[tuple[tuple[int, str], dict[str, Any]]] = field(default_factory=list)
    tutkinnon_osa_viitteet: list[tuple[tuple[int, str], dict[str, Any]]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class _Options:
    oppija_oid: str | None
    # The (peruste id, suoritustapakoodi) of bare rakenne and viite documents.
    suoritustapa: tuple[int, str] | None


def import_documents(
    session: Session,
    documents: Any,
    *,
    oppija_oid: str | None = None,
    peruste_id: int | None = None,
    suoritustapa: str = "reformi",
) -> ImportReport:
    """Upsert the registry documents in ``documents`` (one JSON value) into the local tables.

    ``oppija_oid`` is the student of bare KOSKI opiskeluoikeus documents; ``peruste_id`` and
    ``suoritustapa`` key bare ePerusteet rakenne and tutkinnon osa viite documents. Raises
    ``InvalidRequest`` (before writing anything) when some content is not recognised. Flushes;
    the caller commits.
    """
    if oppija_oid is not None and not OPPIJA_OID_RE.match(oppija_oid):
        raise InvalidRequest(f"--oppija {oppija_oid!r} is not an oppija OID (1.2.246.562.24.…)")
    if peruste_id is not None and peruste_id <= 0:
        raise InvalidRequest(f"the peruste id {peruste_id!r} is not a positive integer")
    if not _SUORITUSTAPA_RE.match(suoritustapa):
        raise InvalidRequest(f"the suoritustapa {suoritustapa!r} is not a suoritustapakoodi")
    options = _Options(oppija_oid, (peruste_id, suoritustapa) if peruste_id is not None else None)
    plan = _Plan()
    if isinstance(documents, list):
        for index, element in enumerate(documents):
            _recognise(element, plan, options, where=f"element {index} of the array: ")
    else:
        _recognise(documents, plan, options, where="")
    report = _apply(session, plan)
    session.flush()
    return report


def rakenne_key_from_filename(name: str) -> tuple[int, str] | None:
    """``(peruste id, suoritustapakoodi)`` from a file named after the register's path
    (``…perusteet_3397335_suoritustavat_reformi_rakenne.json``), None for other names."""
    match = _RAKENNE_FILENAME_RE.search(name)
    return (int(match["id"]), match["tapa"]) if match else None


def _recognise(document: Any, plan: _Plan, options: _Options, *, where: str) -> None:
    if not isinstance(document, dict):
        raise InvalidRequest(f"{where}unrecognised content: {_describe(document)}; {_EXPECTED}")
    if "henkilö" in document or "opiskeluoikeudet" in document:
        _recognise_oppija(document, plan, where=where)
    elif _is_opiskeluoikeus(document):
        plan.opiskeluoikeudet.append((document, options.oppija_oid))
    elif "oidHenkilo" in document:
        _recognise_henkilo(document, plan, where=where)
    elif _is_organisaatio(document):
        plan.organisaatiot.append(document)
    elif is_koodi(document):
        _validated(parse_koodi, document, "Koodisto code element", where)
        plan.koodit.append(document)
    elif _is_eperusteet_page(document):
        for index, element in enumerate(document["data"]):
            inner = f"{where}data[{index}]: "
            if _is_tutkinnon_osa(element):
                _recognise_tutkinnon_osa(element, plan, where=inner)
            elif _is_peruste(element):
                _recognise_peruste(element, plan, where=inner)
            else:
                raise InvalidRequest(
                    f"{inner}not an ePerusteet tutkinnon osa or peruste: {_describe(element)}"
                )
    elif _is_tutkinnon_osa(document):
        _recognise_tutkinnon_osa(document, plan, where=where)
    elif _is_peruste(document):
        _recognise_peruste(document, plan, where=where)
    elif _is_rakenne(document):
        key = _suoritustapa_key(options, "rakenne", where)
        _validated(parse_rakenne, document, "ePerusteet rakenne", where)
        plan.rakenteet.append((key, document))
    elif _is_tutkinnon_osa_viite(document):
        key = _suoritustapa_key(options, "tutkinnon osa viite", where)
        _validated(parse_tutkinnon_osa_viite, document, "ePerusteet tutkinnon osa viite", where)
        plan.tutkinnon_osa_viitteet.append((key, document))
    else:
        raise InvalidRequest(f"{where}unrecognised content: {_describe(document)}; {_EXPECTED}")


def _validated(
    parse: Callable[[dict[str, Any]], object], document: Any, kind: str, where: str
) -> None:
    try:
        parse(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(document)'}: {problem['msg']}"
            for problem in error.errors()[:3]
        )
        raise InvalidRequest(f"{where}malformed {kind}: {problems}") from error


def _suoritustapa_key(options: _Options, kind: str, where: str) -> tuple[int, str]:
    if options.suoritustapa is None:
        raise InvalidRequest(
            f"{where}an ePerusteet {kind} does not name its peruste: import it with the "
            "peruste id (and suoritustapa, default reformi), or import the full peruste "
            "document, whose suoritustavat hold it"
        )
    return options.suoritustapa


def _recognise_tutkinnon_osa(document: dict[str, Any], plan: _Plan, *, where: str) -> None:
    _validated(parse_tutkinnon_osa, document, "ePerusteet tutkinnon osa", where)
    plan.tutkinnon_osat.append(document)


def _recognise_peruste(document: dict[str, Any], plan: _Plan, *, where: str) -> None:
    """A peruste, and what a full one holds: its tutkinnon osat, and per suoritustapa its
    rakenne and tutkinnon osa viitteet."""
    _validated(parse_peruste, document, "ePerusteet peruste", where)
    plan.perusteet.append(document)
    peruste_id = document["id"]
    for index, osa in enumerate(document.get("tutkinnonOsat") or []):
        inner = f"{where}tutkinnonOsat[{index}]: "
        if not _is_tutkinnon_osa(osa):
            raise InvalidRequest(f"{inner}not an ePerusteet tutkinnon osa: {_describe(osa)}")
        _recognise_tutkinnon_osa(osa, plan, where=inner)
    for index, tapa in enumerate(document.get("suoritustavat") or []):
        inner = f"{where}suoritustavat[{index}]: "
        koodi = tapa.get("suoritustapakoodi") if isinstance(tapa, dict) else None
        if not isinstance(koodi, str) or not _SUORITUSTAPA_RE.match(koodi):
            raise InvalidRequest(f"{inner}a suoritustapa needs a suoritustapakoodi")
        assert isinstance(tapa, dict)
        rakenne = tapa.get("rakenne")
        if rakenne is not None:
            if not _is_rakenne(rakenne):
                raise InvalidRequest(f"{inner}rakenne is not a rakenne: {_describe(rakenne)}")
            _validated(parse_rakenne, rakenne, "ePerusteet rakenne", inner)
            plan.rakenteet.append(((peruste_id, koodi), rakenne))
        viitteet = tapa.get("tutkinnonOsaViitteet")
        for viite_index, viite in enumerate(viitteet if isinstance(viitteet, list) else []):
            viite_where = f"{inner}tutkinnonOsaViitteet[{viite_index}]: "
            if not _is_tutkinnon_osa_viite(viite):
                raise InvalidRequest(f"{viite_where}not a tutkinnon osa viite: {_describe(viite)}")
            _validated(
                parse_tutkinnon_osa_viite, viite, "ePerusteet tutkinnon osa viite", viite_where
            )
            plan.tutkinnon_osa_viitteet.append(((peruste_id, koodi), viite))


def _recognise_oppija(document: dict[str, Any], plan: _Plan, *, where: str) -> None:
    henkilo = document.get("henkilö")
    opiskeluoikeudet = document.get("opiskeluoikeudet")
    if not isinstance(henkilo, dict) or not isinstance(opiskeluoikeudet, list):
        raise InvalidRequest(
            f"{where}a KOSKI oppija needs an object 'henkilö' and an array 'opiskeluoikeudet', "
            f"got {_describe(document)}"
        )
    oid = henkilo.get("oid")
    if not isinstance(oid, str) or not OPPIJA_OID_RE.match(oid):
        raise InvalidRequest(f"{where}the KOSKI oppija's henkilö.oid {oid!r} is not an oppija OID")
    for index, opiskeluoikeus in enumerate(opiskeluoikeudet):
        if not _is_opiskeluoikeus(opiskeluoikeus):
            raise InvalidRequest(
                f"{where}opiskeluoikeudet[{index}] of oppija {oid} is not a KOSKI "
                "opiskeluoikeus (an object with an oid 1.2.246.562.15.… and a tyyppi): "
                f"{_describe(opiskeluoikeus)}"
            )
        plan.opiskeluoikeudet.append((opiskeluoikeus, oid))
    if isinstance(henkilo.get("etunimet"), str) and isinstance(henkilo.get("sukunimi"), str):
        plan.derived_henkilot.append(
            {
                onr_key: henkilo[koski_key]
                for koski_key, onr_key in _KOSKI_TO_ONR_HENKILO.items()
                if koski_key in henkilo
            }
        )


def _recognise_henkilo(document: dict[str, Any], plan: _Plan, *, where: str) -> None:
    oid = document.get("oidHenkilo")
    if not isinstance(oid, str) or not OPPIJA_OID_RE.match(oid):
        raise InvalidRequest(f"{where}the ONR henkilö's oidHenkilo {oid!r} is not an oppija OID")
    master = document.get("masterOid")
    if master is not None and (
        not isinstance(master, str) or not OPPIJA_OID_RE.match(master) or master == oid
    ):
        raise InvalidRequest(
            f"{where}the masterOid {master!r} of ONR henkilö {oid} is not another oppija OID"
        )
    plan.henkilot.append(document)


def _is_opiskeluoikeus(document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    oid = document.get("oid")
    return (
        isinstance(oid, str)
        and bool(_OPISKELUOIKEUS_NODE_RE.match(oid))
        and isinstance(document.get("tyyppi"), dict)
    )


def _is_organisaatio(document: dict[str, Any]) -> bool:
    oid = document.get("oid")
    return (
        isinstance(oid, str)
        and bool(ORGANISAATIO_OID_RE.match(oid))
        and any(key in document for key in _ORGANISAATIO_MARKERS)
        and not any(key in document for key in _KOSKI_REFERENCE_KEYS)
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_eperusteet_page(document: dict[str, Any]) -> bool:
    return isinstance(document.get("data"), list) and _is_int(document.get("sivu"))


def _is_tutkinnon_osa(document: Any) -> bool:
    if not isinstance(document, dict) or not _is_int(document.get("id")):
        return False
    koodi_uri = document.get("koodiUri")
    return document.get("osanTyyppi") == "tutkinnonosa" or (
        isinstance(koodi_uri, str) and koodi_uri.startswith("tutkinnonosat_")
    )


def _is_peruste(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and _is_int(document.get("id"))
        and isinstance(document.get("diaarinumero"), str)
    )


def _is_rakenne(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("osat"), list)
        and "rooli" in document
        and "muodostumisSaanto" in document
    )


def _is_tutkinnon_osa_viite(document: Any) -> bool:
    return (
        isinstance(document, dict) and _is_int(document.get("id")) and "_tutkinnonOsa" in document
    )


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = sorted(str(key) for key in value)
        shown = ", ".join(keys[:12]) + (", …" if len(keys) > 12 else "")
        oid = value.get("oid")
        with_oid = f" with oid {oid!r}" if isinstance(oid, str) else ""
        return f"an object{with_oid} and keys [{shown}]"
    if isinstance(value, list):
        return f"an array of {len(value)} elements"
    if value is None:
        return "null"
    kind = {bool: "a boolean", str: "a string", int: "a number", float: "a number"}
    return kind.get(type(value), type(value).__name__)


class _Writer:
    """Upserts rows, remembering the ones touched (the session does not autoflush)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._opiskeluoikeudet: dict[str, LocalOpiskeluoikeus] = {}
        self._henkilot: dict[str, LocalHenkilo] = {}
        self._organisaatiot: dict[str, LocalOrganisaatio] = {}
        self._koodit: dict[tuple[str, int], LocalKoodi] = {}
        self._tutkinnon_osat: dict[int, LocalTutkinnonOsa] = {}
        self._perusteet: dict[int, LocalPeruste] = {}
        self._suoritustavat: dict[tuple[int, str], LocalSuoritustapa] = {}

    def opiskeluoikeus(self, document: dict[str, Any], oppija_oid: str | None) -> None:
        oid = document["oid"]
        row = self._opiskeluoikeudet.get(oid) or self._session.get(LocalOpiskeluoikeus, oid)
        if row is None:
            row = LocalOpiskeluoikeus(oid=oid, oppija_oid=oppija_oid, document=document)
            self._session.add(row)
        else:
            row.document = document
            if oppija_oid is not None:
                row.oppija_oid = oppija_oid
        self._opiskeluoikeudet[oid] = row

    def henkilo_exists(self, oid: str) -> bool:
        return oid in self._henkilot or self._session.get(LocalHenkilo, oid) is not None

    def henkilo(self, document: dict[str, Any]) -> None:
        oid = document["oidHenkilo"]
        row = self._henkilot.get(oid) or self._session.get(LocalHenkilo, oid)
        master = document.get("masterOid") if document.get("duplicate") is True else None
        if row is None:
            row = LocalHenkilo(oid=oid, master_oid=master, document=document)
            self._session.add(row)
        else:
            row.document = document
            if master is not None:
                row.master_oid = master
            elif document.get("duplicate") is not True:
                row.master_oid = None
        self._henkilot[oid] = row

    def organisaatio(self, document: dict[str, Any]) -> None:
        oid = document["oid"]
        row = self._organisaatiot.get(oid) or self._session.get(LocalOrganisaatio, oid)
        if row is not None and not isinstance(document.get("parentOidPath"), str):
            document = {**row.document, **document}
        path = document.get("parentOidPath")
        parent_oid_path = path if isinstance(path, str) and path else None
        if row is None:
            row = LocalOrganisaatio(oid=oid, parent_oid_path=parent_oid_path, document=document)
            self._session.add(row)
        else:
            row.document = document
            row.parent_oid_path = parent_oid_path
        self._organisaatiot[oid] = row

    def koodi(self, document: dict[str, Any]) -> None:
        key = (document["koodiUri"], document["versio"])
        row = self._koodit.get(key) or self._session.get(LocalKoodi, key)
        if row is not None and not isinstance(document.get("koodisto"), dict):
            document = {**row.document, **document}
        koodisto = parse_koodi(document).koodisto
        koodisto_uri = koodisto_uri_of(document["koodiUri"], koodisto)
        if row is None:
            row = LocalKoodi(
                koodi_uri=key[0], versio=key[1], koodisto_uri=koodisto_uri, document=document
            )
            self._session.add(row)
        else:
            row.document = document
            row.koodisto_uri = koodisto_uri
        self._koodit[key] = row

    def tutkinnon_osa(self, document: dict[str, Any]) -> None:
        osa_id = document["id"]
        row = self._tutkinnon_osat.get(osa_id) or self._session.get(LocalTutkinnonOsa, osa_id)
        koodi_uri = parse_tutkinnon_osa(document).koodi_uri
        if row is None:
            row = LocalTutkinnonOsa(id=osa_id, koodi_uri=koodi_uri, document=document)
            self._session.add(row)
        else:
            row.document = document
            row.koodi_uri = koodi_uri
        self._tutkinnon_osat[osa_id] = row

    def peruste(self, document: dict[str, Any]) -> None:
        peruste_id = document["id"]
        row = self._perusteet.get(peruste_id) or self._session.get(LocalPeruste, peruste_id)
        if row is None:
            row = LocalPeruste(
                id=peruste_id, diaarinumero=document["diaarinumero"], document=document
            )
            self._session.add(row)
        else:
            row.document = document
            row.diaarinumero = document["diaarinumero"]
        self._perusteet[peruste_id] = row

    def rakenne(self, key: tuple[int, str], document: dict[str, Any]) -> None:
        self._suoritustapa(key).rakenne = document

    def tutkinnon_osa_viite(self, key: tuple[int, str], document: dict[str, Any]) -> None:
        row = self._suoritustapa(key)
        viitteet = [
            viite
            for viite in (row.tutkinnon_osa_viitteet or [])
            if not (isinstance(viite, dict) and viite.get("id") == document["id"])
        ]
        # A new list: the JSON column notices assignment, not changes inside.
        row.tutkinnon_osa_viitteet = [*viitteet, document]

    def _suoritustapa(self, key: tuple[int, str]) -> LocalSuoritustapa:
        row = self._suoritustavat.get(key) or self._session.get(LocalSuoritustapa, key)
        if row is None:
            row = LocalSuoritustapa(
                peruste_id=key[0],
                suoritustapakoodi=key[1],
                rakenne=None,
                tutkinnon_osa_viitteet=None,
            )
            self._session.add(row)
        self._suoritustavat[key] = row
        return row


def _apply(session: Session, plan: _Plan) -> ImportReport:
    writer = _Writer(session)
    report = ImportReport()
    for document in plan.organisaatiot:
        writer.organisaatio(document)
        report.organisaatiot += 1
    for document in plan.henkilot:
        writer.henkilo(document)
        report.henkilot += 1
    for derived in plan.derived_henkilot:
        if not writer.henkilo_exists(derived["oidHenkilo"]):
            writer.henkilo(derived)
            report.henkilot += 1
    for document, oppija_oid in plan.opiskeluoikeudet:
        writer.opiskeluoikeus(document, oppija_oid)
        report.opiskeluoikeudet += 1
    for document in plan.koodit:
        writer.koodi(document)
        report.koodit += 1
    for document in plan.perusteet:
        writer.peruste(document)
        report.perusteet += 1
    for document in plan.tutkinnon_osat:
        writer.tutkinnon_osa(document)
        report.tutkinnon_osat += 1
    for key, document in plan.rakenteet:
        writer.rakenne(key, document)
        report.rakenteet += 1
    for key, document in plan.tutkinnon_osa_viitteet:
        writer.tutkinnon_osa_viite(key, document)
        report.tutkinnon_osa_viitteet += 1
    return report
