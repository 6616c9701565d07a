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

Anything else is refused with ``InvalidRequest`` naming what was seen; nothing is written then,
because the whole value is recognised before the first row is touched.

Re-importing a document replaces the stored one (imports are idempotent), with two exceptions:

* An organisation document without ``parentOidPath`` (the ``findbyoids`` summary
  ``{oid, nimi}``) is merged key by key into an existing document instead of replacing it, so a
  summary never erases the hierarchy a full document brought.
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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ehoks.errors import InvalidRequest
from ehoks.identifiers import OPPIJA_OID_RE, ORGANISAATIO_OID_RE
from ehoks.registries.storage import LocalHenkilo, LocalOpiskeluoikeus, LocalOrganisaatio

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
    "an ONR henkilö (oidHenkilo) or an Organisaatiopalvelu organisation"
)


@dataclass
class ImportReport:
    """How many documents of each kind one import wrote (derived ONR henkilöt included)."""

    opiskeluoikeudet: int = 0
    henkilot: int = 0
    organisaatiot: int = 0

    @property
    def total(self) -> int:
        return self.opiskeluoikeudet + self.henkilot + self.organisaatiot

    def __add__(self, other: ImportReport) -> ImportReport:
        return ImportReport(
            opiskeluoikeudet=self.opiskeluoikeudet + other.opiskeluoikeudet,
            henkilot=self.henkilot + other.henkilot,
            organisaatiot=self.organisaatiot + other.organisaatiot,
        )

    def describe(self) -> str:
        return (
            f"{self.opiskeluoikeudet} opiskeluoikeudet, {self.henkilot} henkilöt, "
            f"{self.organisaatiot} organisaatiot"
        )


@dataclass
class _Plan:
    """The recognised content, in the order it is written."""

    # (document, oppija_oid named by the document or by ``--oppija``; None = keep the stored one)
    opiskeluoikeudet: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    henkilot: list[dict[str, Any]] = field(default_factory=list)
    derived_henkilot: list[dict[str, Any]] = field(default_factory=list)
    organisaatiot: list[dict[str, Any]] = field(default_factory=list)


def import_documents(
    session: Session, documents: Any, *, oppija_oid: str | None = None
) -> ImportReport:
    """Upsert the registry documents in ``documents`` (one JSON value) into the local tables.

    ``oppija_oid`` is the student of bare KOSKI opiskeluoikeus documents. Raises
    ``InvalidRequest`` (before writing anything) when some content is not recognised. Flushes;
    the caller commits.
    """
    if oppija_oid is not None and not OPPIJA_OID_RE.match(oppija_oid):
        raise InvalidRequest(f"--oppija {oppija_oid!r} is not an oppija OID (1.2.246.562.24.…)")
    plan = _Plan()
    if isinstance(documents, list):
        for index, element in enumerate(documents):
            _recognise(element, plan, oppija_oid, where=f"element {index} of the array: ")
    else:
        _recognise(documents, plan, oppija_oid, where="")
    report = _apply(session, plan)
    session.flush()
    return report


def _recognise(document: Any, plan: _Plan, oppija_oid: str | None, *, where: str) -> None:
    if not isinstance(document, dict):
        raise InvalidRequest(f"{where}unrecognised content: {_describe(document)}; {_EXPECTED}")
    if "henkilö" in document or "opiskeluoikeudet" in document:
        _recognise_oppija(document, plan, where=where)
    elif _is_opiskeluoikeus(document):
        plan.opiskeluoikeudet.append((document, oppija_oid))
    elif "oidHenkilo" in document:
        _recognise_henkilo(document, plan, where=where)
    elif _is_organisaatio(document):
        plan.organisaatiot.append(document)
    else:
        raise InvalidRequest(f"{where}unrecognised content: {_describe(document)}; {_EXPECTED}")


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
    return report
