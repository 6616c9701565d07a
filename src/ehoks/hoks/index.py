"""The student and study-right index (``oppijat``, ``opiskeluoikeudet``) and its maintenance.

The index is eHOKS's cached subset of KOSKI and ONR: who the students of HOKSes are and where
their study rights are (``reference/ehoks-backend.md`` §3.1 step 5, §5.5, §5.6). It is filled
when a HOKS is created and kept fresh by the maintenance functions here: re-index one study
right, one koulutustoimija or one oppija, index what is missing, mark study rights KOSKI no
longer returns (``koski404``) and follow person merges in ONR (``onrmodify``).

Every function works in the caller's transaction: it flushes and never commits, so a command or
a request handler commits once (or a job once per batch). The functions take no actor except
``merge_oppija``, which changes HOKSes and audits it; the routes of these operations belong to
the OPH super user, which the edge checks.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor
from ehoks.db.types import utcnow
from ehoks.errors import (
    EhoksError,
    InvalidRequest,
    NotFound,
    RegistryUnavailable,
    UpstreamError,
)
from ehoks.hoks import storage
from ehoks.hoks.documents import store_document
from ehoks.hoks.storage import Hoks, OpiskeluoikeusIndex, Oppija
from ehoks.registries.koski.interface import Opiskeluoikeus
from ehoks.registries.onr.interface import Henkilo
from ehoks.registries.wiring import Registries

logger = logging.getLogger(__name__)

# A study-right row older than this is fetched again when a HOKS is created for it (§5.6).
INDEX_MAX_AGE = timedelta(days=180)
# ``index_missing`` indexes the study rights of HOKSes created within this window (§5.6).
MISSING_WINDOW = timedelta(days=365)

T = TypeVar("T")


# --- the registers, with the original's error mapping ------------------------------------------


def koski_error(error: RegistryUnavailable, oid: str) -> UpstreamError:
    """KOSKI could not be asked (or answered an error): the original's 500 messages."""
    if error.status is None or error.status in (502, 503, 504):
        return UpstreamError(f"Error while contacting Koski: {error.detail}")
    return UpstreamError(
        f"Error while fetching opiskeluoikeus `{oid}` from Koski. Got response with HTTP status "
        f"{error.status} and Koski-virhekoodi `{error.error_key or ''}`."
    )


def _koski_opiskeluoikeus(registries: Registries, oid: str) -> Opiskeluoikeus | None:
    """The study right from KOSKI, None when KOSKI does not know it; 500 when KOSKI fails."""
    try:
        return registries.koski.get_opiskeluoikeus(oid)
    except RegistryUnavailable as error:
        raise koski_error(error, oid) from error


def _oppijan_opiskeluoikeudet(registries: Registries, oppija_oid: str) -> list[Opiskeluoikeus]:
    try:
        return registries.koski.get_opiskeluoikeudet_of_oppija(oppija_oid)
    except RegistryUnavailable as error:
        raise koski_error(error, oppija_oid) from error


def _onr(oppija_oid: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except RegistryUnavailable as error:
        raise UpstreamError(
            f"Error while fetching oppija `{oppija_oid}` from Oppijanumerorekisteri"
        ) from error


def _henkilo(registries: Registries, oppija_oid: str) -> Henkilo | None:
    return _onr(oppija_oid, lambda: registries.onr.get_henkilo(oppija_oid))


def _not_in_onr(oppija_oid: str) -> str:
    return f"Oppija `{oppija_oid}` not found in Oppijanumerorekisteri"


# --- index rows --------------------------------------------------------------------------------


def index_row_values(opiskeluoikeus: Opiskeluoikeus, oppija_oid: str) -> dict[str, Any]:
    """The columns of a study right's index row, derived from KOSKI (§5.6)."""
    linked = opiskeluoikeus.sisaltyy_opiskeluoikeuteen
    return {
        "oppija_oid": oppija_oid,
        "oppilaitos_oid": opiskeluoikeus.oppilaitos.oid if opiskeluoikeus.oppilaitos else None,
        "koulutustoimija_oid": (
            opiskeluoikeus.koulutustoimija.oid if opiskeluoikeus.koulutustoimija else None
        ),
        "tutkinto_nimi": opiskeluoikeus.tutkinto_nimi,
        "osaamisala_nimi": opiskeluoikeus.osaamisala_nimi,
        "alkamispaiva": opiskeluoikeus.alkamispaiva,
        "arvioitu_paattymispaiva": opiskeluoikeus.arvioitu_paattymispaiva,
        "paattynyt": opiskeluoikeus.paattymispaiva,
        "hankintakoulutus_opiskeluoikeus_oid": linked.oid if linked else None,
        "hankintakoulutus_jarjestaja_oid": (
            linked.oppilaitos.oid if linked and linked.oppilaitos else None
        ),
        "koski404": False,
        "updated_at": utcnow(),
    }


def upsert_index_row(
    session: Session, opiskeluoikeus: Opiskeluoikeus, oppija_oid: str
) -> OpiskeluoikeusIndex:
    """Insert or overwrite the study right's index row (every column from KOSKI)."""
    values = index_row_values(opiskeluoikeus, oppija_oid)
    parent = values["hankintakoulutus_opiskeluoikeus_oid"]
    if parent is not None and storage.get_opiskeluoikeus_index(session, parent) is None:
        # The row may only name an indexed study right (foreign key); the link is recorded
        # once the study right it belongs to is indexed (a HOKS create or its re-index).
        values["hankintakoulutus_opiskeluoikeus_oid"] = None
        values["hankintakoulutus_jarjestaja_oid"] = None
    row = storage.get_opiskeluoikeus_index(session, opiskeluoikeus.oid)
    if row is None:
        row = OpiskeluoikeusIndex(oid=opiskeluoikeus.oid, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def ensure_oppija_indexed(session: Session, registries: Registries, oppija_oid: str) -> Oppija:
    """The student's ``oppijat`` row, fetched from ONR when missing (400 if ONR does not know
    the person, 500 if ONR fails)."""
    oppija = storage.get_oppija(session, oppija_oid)
    if oppija is None:
        henkilo = _henkilo(registries, oppija_oid)
        if henkilo is None:
            raise InvalidRequest(_not_in_onr(oppija_oid))
        oppija = Oppija(oid=oppija_oid, nimi=henkilo.nimi)
        session.add(oppija)
        session.flush()
    return oppija


def index_for_new_hoks(
    session: Session, registries: Registries, *, oppija_oid: str, opiskeluoikeus_oid: str
) -> None:
    """Index the student, the study right and its procured trainings (§3.1 step 5)."""
    oppijan_oot = _oppijan_opiskeluoikeudet(registries, oppija_oid)
    ensure_oppija_indexed(session, registries, oppija_oid)
    row = storage.get_opiskeluoikeus_index(session, opiskeluoikeus_oid)
    if row is None or row.alkamispaiva is None or row.updated_at < utcnow() - INDEX_MAX_AGE:
        own = next((oo for oo in oppijan_oot if oo.oid == opiskeluoikeus_oid), None)
        if own is None:
            raise InvalidRequest(
                f"No opiskeluoikeus {opiskeluoikeus_oid} found for oppija {oppija_oid}"
            )
        if own.sisaltyy_opiskeluoikeuteen is not None:
            raise InvalidRequest(
                f"Opiskeluoikeus `{opiskeluoikeus_oid}` sisältyy toiseen opiskeluoikeuteen."
            )
        upsert_index_row(session, own, oppija_oid)
        session.flush()
    for linked in oppijan_oot:
        parent = linked.sisaltyy_opiskeluoikeuteen
        if parent is not None and parent.oid == opiskeluoikeus_oid:
            upsert_index_row(session, linked, oppija_oid)
    session.flush()


def follow_oppija_change(
    session: Session, registries: Registries, hoks: Hoks, old_oppija_oid: str
) -> None:
    """A HOKS moved to the master OID by PUT/PATCH: index the master, re-point the study right."""
    if hoks.oppija_oid == old_oppija_oid:
        return
    ensure_oppija_indexed(session, registries, hoks.oppija_oid)
    row = storage.get_opiskeluoikeus_index(session, hoks.opiskeluoikeus_oid)
    if row is not None:
        row.oppija_oid = hoks.oppija_oid
    session.flush()


# --- re-index: one study right, one koulutustoimija, one oppija ---------------------------------


class Outcome(StrEnum):
    UPDATED = "updated"  # the row now holds what KOSKI answered
    KOSKI404 = "koski404"  # KOSKI no longer knows the study right: the row is kept and marked


@dataclass(frozen=True)
class ReindexResult:
    """What re-indexing one study right did."""

    opiskeluoikeus_oid: str
    outcome: Outcome
    hankintakoulutukset: int = 0  # procured-training rows written for it
    removed_hankintakoulutukset: int = 0  # procured-training rows KOSKI no longer links to it

    def describe(self) -> str:
        if self.outcome is Outcome.KOSKI404:
            return f"{self.opiskeluoikeus_oid}: not found in KOSKI, marked koski404"
        return (
            f"{self.opiskeluoikeus_oid}: updated from KOSKI "
            f"({self.hankintakoulutukset} hankintakoulutukset, "
            f"{self.removed_hankintakoulutukset} removed)"
        )


def reindex_opiskeluoikeus(session: Session, registries: Registries, oid: str) -> ReindexResult:
    """Fetch an indexed study right from KOSKI again and rewrite its row (``PUT
    opiskeluoikeus/update``).

    The row is rewritten in place rather than deleted, because HOKSes and procured-training rows
    refer to it: when KOSKI no longer knows the study right it is kept and marked ``koski404``.
    The procured trainings linked to it are re-indexed from the student's study rights in KOSKI,
    and rows KOSKI no longer links to it are removed. 404 when the study right is not indexed;
    500 when KOSKI fails.
    """
    row = storage.get_opiskeluoikeus_index(session, oid)
    if row is None:
        raise NotFound(f"Opiskeluoikeus `{oid}` not found in index")
    return _refresh_row(session, registries, row)


def _refresh_row(
    session: Session, registries: Registries, row: OpiskeluoikeusIndex
) -> ReindexResult:
    opiskeluoikeus = _koski_opiskeluoikeus(registries, row.oid)
    if opiskeluoikeus is None:
        row.koski404 = True
        session.flush()
        return ReindexResult(row.oid, Outcome.KOSKI404)
    upsert_index_row(session, opiskeluoikeus, row.oppija_oid)
    session.flush()
    if row.hankintakoulutus_opiskeluoikeus_oid is not None:
        return ReindexResult(row.oid, Outcome.UPDATED)  # itself a procured training
    written, removed = _refresh_hankintakoulutukset(session, registries, row)
    return ReindexResult(row.oid, Outcome.UPDATED, written, removed)


def _refresh_hankintakoulutukset(
    session: Session, registries: Registries, row: OpiskeluoikeusIndex
) -> tuple[int, int]:
    linked = [
        oo
        for oo in _oppijan_opiskeluoikeudet(registries, row.oppija_oid)
        if oo.sisaltyy_opiskeluoikeuteen is not None
        and oo.sisaltyy_opiskeluoikeuteen.oid == row.oid
        and oo.oid != row.oid
    ]
    for opiskeluoikeus in linked:
        upsert_index_row(session, opiskeluoikeus, row.oppija_oid)
    session.flush()
    linked_oids = {oo.oid for oo in linked}
    stale = [
        other
        for other in session.scalars(
            select(OpiskeluoikeusIndex).where(
                OpiskeluoikeusIndex.hankintakoulutus_opiskeluoikeus_oid == row.oid
            )
        )
        if other.oid not in linked_oids
    ]
    for other in stale:
        if storage.get_hoks_by_opiskeluoikeus(session, other.oid) is None:
            session.delete(other)
        else:  # a HOKS's own study right stays indexed; only the link goes
            other.hankintakoulutus_opiskeluoikeus_oid = None
            other.hankintakoulutus_jarjestaja_oid = None
    session.flush()
    return len(linked), len(stale)


@dataclass
class BatchReport:
    """Counts of a re-index over many study rights."""

    updated: int = 0
    koski404: int = 0

    def add(self, result: ReindexResult) -> None:
        if result.outcome is Outcome.KOSKI404:
            self.koski404 += 1
        else:
            self.updated += 1

    def describe(self) -> str:
        return f"{self.updated} updated, {self.koski404} marked koski404"


def reindex_koulutustoimija(
    session: Session, registries: Registries, koulutustoimija_oid: str
) -> BatchReport:
    """Re-index every indexed study right of a koulutustoimija (``PUT opiskeluoikeudet/update``).

    404 when none is indexed; 500 (and nothing kept, once the caller rolls back) when KOSKI
    fails on any of them.
    """
    oids = list(
        session.scalars(
            select(OpiskeluoikeusIndex.oid)
            .where(OpiskeluoikeusIndex.koulutustoimija_oid == koulutustoimija_oid)
            .order_by(OpiskeluoikeusIndex.oid)
        )
    )
    if not oids:
        raise NotFound(f"No opiskeluoikeudet of koulutustoimija `{koulutustoimija_oid}` in index")
    report = BatchReport()
    for oid in oids:
        row = storage.get_opiskeluoikeus_index(session, oid)
        if row is None:
            continue  # removed as a procured training KOSKI no longer links to an earlier one
        report.add(_refresh_row(session, registries, row))
    return report


def koulutustoimija_deletion_info(session: Session, koulutustoimija_oid: str) -> int:
    """How many study rights of the koulutustoimija the index holds (``deletion-info``)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OpiskeluoikeusIndex)
            .where(OpiskeluoikeusIndex.koulutustoimija_oid == koulutustoimija_oid)
        )
        or 0
    )


@dataclass(frozen=True)
class OppijaRefresh:
    oid: str
    old_nimi: str | None  # None: the student was not indexed before
    nimi: str

    @property
    def changed(self) -> bool:
        return self.old_nimi != self.nimi

    def describe(self) -> str:
        if self.old_nimi is None:
            return f"{self.oid}: indexed as {self.nimi!r}"
        if self.changed:
            return f"{self.oid}: name {self.old_nimi!r} -> {self.nimi!r}"
        return f"{self.oid}: name {self.nimi!r} unchanged"


def refresh_oppija(session: Session, registries: Registries, oppija_oid: str) -> OppijaRefresh:
    """Re-read a student's name from ONR into ``oppijat`` (``PUT oppija/update``).

    404 when eHOKS has neither an index row nor a HOKS of the student, or when ONR does not know
    the person; 500 when ONR fails.
    """
    oppija = storage.get_oppija(session, oppija_oid)
    if oppija is None and _first_hoks_id_of(session, oppija_oid) is None:
        raise NotFound(f"Oppija `{oppija_oid}` not found in eHOKS")
    henkilo = _henkilo(registries, oppija_oid)
    if henkilo is None:
        raise NotFound(_not_in_onr(oppija_oid))
    old_nimi = oppija.nimi if oppija is not None else None
    if oppija is None:
        session.add(Oppija(oid=oppija_oid, nimi=henkilo.nimi))
    elif oppija.nimi != henkilo.nimi:
        oppija.nimi = henkilo.nimi
        oppija.updated_at = utcnow()
    session.flush()
    return OppijaRefresh(oppija_oid, old_nimi, henkilo.nimi)


def _first_hoks_id_of(session: Session, oppija_oid: str) -> int | None:
    return session.scalar(select(Hoks.id).where(Hoks.oppija_oid == oppija_oid).limit(1))


# --- what is missing from the index (POST index, system-info/oppijaindex) ----------------------


def _unindexed_oppijat() -> Select[str]:
    """Students of HOKSes (soft-deleted ones included, as the original) without a row."""
    return (
        select(Hoks.oppija_oid)
        .distinct()
        .outerjoin(Oppija, Oppija.oid == Hoks.oppija_oid)
        .where(Oppija.oid.is_(None))
    )


def _unindexed_opiskeluoikeudet() -> Select[str, str]:
    """Study rights of HOKSes created within ``MISSING_WINDOW`` without a row, by HOKS id."""
    return (
        select(Hoks.opiskeluoikeus_oid, Hoks.oppija_oid)
        .outerjoin(OpiskeluoikeusIndex, OpiskeluoikeusIndex.oid == Hoks.opiskeluoikeus_oid)
        .where(OpiskeluoikeusIndex.oid.is_(None), Hoks.created_at >= utcnow() - MISSING_WINDOW)
        .order_by(Hoks.id)
    )


def _without_tutkinto() -> Select[str]:
    """Rows without a (Finnish) tutkinto name that KOSKI still knows."""
    name = OpiskeluoikeusIndex.tutkinto_nimi["fi"].as_string()
    return (
        select(OpiskeluoikeusIndex.oid)
        .where(or_(name.is_(None), name == ""), OpiskeluoikeusIndex.koski404.is_(False))
        .order_by(OpiskeluoikeusIndex.oid)
    )


def _count(session: Session, stmt: Select[*tuple[Any, ...]]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


@dataclass(frozen=True)
class UnindexedCounts:
    """What ``index_missing`` would work on (``GET system-info/oppijaindex``)."""

    oppijat: int
    opiskeluoikeudet: int
    tutkinnot: int

    def as_json(self) -> dict[str, int]:
        return {
            "unindexedOppijat": self.oppijat,
            "unindexedOpiskeluoikeudet": self.opiskeluoikeudet,
            "unindexedTutkinnot": self.tutkinnot,
        }


def unindexed_counts(session: Session) -> UnindexedCounts:
    return UnindexedCounts(
        oppijat=_count(session, _unindexed_oppijat()),
        opiskeluoikeudet=_count(session, _unindexed_opiskeluoikeudet()),
        tutkinnot=_count(session, _without_tutkinto()),
    )


@dataclass
class IndexMissingReport:
    """What ``index_missing`` indexed, and how many items failed (each one logged)."""

    oppijat: int = 0
    opiskeluoikeudet: int = 0
    tutkinnot: int = 0  # rows without a tutkinto name fetched again
    koski404: int = 0  # of those, study rights KOSKI no longer knows (marked)
    errors: int = 0
    failed: list[str] = field(default_factory=list)  # the OIDs of the failed items

    def describe(self) -> str:
        return (
            f"indexed {self.oppijat} oppijat, {self.opiskeluoikeudet} opiskeluoikeudet; "
            f"{self.tutkinnot} without tutkinto fetched again ({self.koski404} koski404); "
            f"{self.errors} errors"
        )


def index_missing(session: Session, registries: Registries) -> IndexMissingReport:
    """Index the students of HOKSes missing from ``oppijat``, the study rights of HOKSes of the
    last year missing from ``opiskeluoikeudet`` and fetch again the rows without a tutkinto name
    (``POST index``, §5.6). A failing item is logged and counted, never fatal.
    """
    report = IndexMissingReport()

    def attempt(oid: str, what: str, step: Callable[[], None]) -> None:
        try:
            step()
        except EhoksError as error:
            logger.warning("indexing %s %s failed: %s", what, oid, error.message)
            report.errors += 1
            report.failed.append(oid)

    for oppija_oid in list(session.scalars(_unindexed_oppijat())):

        def index_oppija(oppija_oid: str = oppija_oid) -> None:
            henkilo = _henkilo(registries, oppija_oid)
            if henkilo is None:
                raise NotFound(_not_in_onr(oppija_oid))
            session.add(Oppija(oid=oppija_oid, nimi=henkilo.nimi))
            session.flush()
            report.oppijat += 1

        attempt(oppija_oid, "oppija", index_oppija)

    for oo_oid, oppija_oid in session.execute(_unindexed_opiskeluoikeudet()).all():

        def index_opiskeluoikeus(oo_oid: str = oo_oid, oppija_oid: str = oppija_oid) -> None:
            if storage.get_oppija(session, oppija_oid) is None:
                raise NotFound(f"Oppija `{oppija_oid}` of opiskeluoikeus `{oo_oid}` not indexed")
            opiskeluoikeus = _koski_opiskeluoikeus(registries, oo_oid)
            if opiskeluoikeus is None:
                raise NotFound(f"Opiskeluoikeus `{oo_oid}` not found in Koski")
            upsert_index_row(session, opiskeluoikeus, oppija_oid)
            session.flush()
            report.opiskeluoikeudet += 1

        attempt(oo_oid, "opiskeluoikeus", index_opiskeluoikeus)

    for oo_oid in list(session.scalars(_without_tutkinto())):

        def fetch_tutkinto(oo_oid: str = oo_oid) -> None:
            row = storage.get_opiskeluoikeus_index(session, oo_oid)
            if row is None:
                return  # removed by an earlier item
            result = _refresh_row(session, registries, row)
            report.tutkinnot += 1
            if result.outcome is Outcome.KOSKI404:
                report.koski404 += 1

        attempt(oo_oid, "tutkinto of opiskeluoikeus", fetch_tutkinto)
    return report


# --- koski404 (§5.5) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Koski404Batch:
    """One batch of ``mark_koski404``: continue from ``last_id`` while ``checked`` is the limit."""

    checked: int  # HOKSes whose study right was asked from KOSKI
    marked_hoks_ids: tuple[int, ...]  # those whose study right KOSKI does not know
    cleared: int  # rows marked before that KOSKI knows again
    unindexed: int  # HOKSes without an index row (nothing to mark)
    last_id: int

    @property
    def marked(self) -> int:
        return len(self.marked_hoks_ids)


def mark_koski404(
    session: Session, registries: Registries, *, from_id: int, limit: int
) -> Koski404Batch:
    """Ask KOSKI for the study right of each live HOKS with ``id > from_id`` (at most ``limit``,
    by id) and set the index row's ``koski404``: true when KOSKI does not know it, false when it
    does. A failing KOSKI raises (500) and marks nothing, so a register that is down never
    looks like vanished study rights.
    """
    if limit < 1:
        raise InvalidRequest("limit must be at least 1")
    hoksit = session.execute(
        select(Hoks.id, Hoks.opiskeluoikeus_oid)
        .where(Hoks.id > from_id, Hoks.deleted_at.is_(None))
        .order_by(Hoks.id)
        .limit(limit)
    ).all()
    answers = [
        (hoks_id, oo_oid, _koski_opiskeluoikeus(registries, oo_oid) is None)
        for hoks_id, oo_oid in hoksit
    ]
    marked: list[int] = []
    cleared = unindexed = 0
    for hoks_id, oo_oid, missing in answers:
        if missing:
            marked.append(hoks_id)
        row = storage.get_opiskeluoikeus_index(session, oo_oid)
        if row is None:
            unindexed += 1
            continue
        if row.koski404 and not missing:
            cleared += 1
        row.koski404 = missing
    session.flush()
    return Koski404Batch(
        checked=len(answers),
        marked_hoks_ids=tuple(marked),
        cleared=cleared,
        unindexed=unindexed,
        last_id=hoksit[-1].id if hoksit else from_id,
    )


def missing_opiskeluoikeus_hoksit(
    session: Session, oppilaitos_oid: str, *, page_size: int = 25, page_index: int = 0
) -> dict[str, Any]:
    """Live HOKSes of an oppilaitos whose study right KOSKI no longer returns
    (``GET missing-oo-hoksit/:oppilaitos-oid``): ``{count, pagecount, result}``, by HOKS id,
    each row with the original's (lower-case) keys."""
    if page_size < 1 or page_index < 0:
        raise InvalidRequest("pagesize must be at least 1 and pageindex at least 0")
    stmt = (
        select(
            Hoks.id,
            Hoks.oppija_oid,
            OpiskeluoikeusIndex.oid,
            OpiskeluoikeusIndex.oppilaitos_oid,
        )
        .join(OpiskeluoikeusIndex, OpiskeluoikeusIndex.oid == Hoks.opiskeluoikeus_oid)
        .where(
            OpiskeluoikeusIndex.oppilaitos_oid == oppilaitos_oid,
            OpiskeluoikeusIndex.koski404.is_(True),
            Hoks.deleted_at.is_(None),
        )
    )
    count = _count(session, stmt)
    rows = session.execute(
        stmt.order_by(Hoks.id).offset(page_size * page_index).limit(page_size)
    ).all()
    return {
        "count": count,
        "pagecount": math.ceil(count / page_size),
        "result": [
            {
                "hoksid": hoks_id,
                "oppijaoid": oppija_oid,
                "opiskeluoikeusoid": oo_oid,
                "oppilaitosoid": oppilaitos,
            }
            for hoks_id, oppija_oid, oo_oid, oppilaitos in rows
        ],
    }


# --- person merges (onrmodify, §5.6) -----------------------------------------------------------


@dataclass
class MergeReport:
    """What ``merge_oppija`` did for the person ``oid``."""

    oid: str
    nimi_updated: bool = False
    duplicate: bool = False  # ONR says ``oid`` is itself a duplicate: nothing was moved
    merged_oppijat: list[str] = field(default_factory=list)  # indexed duplicates taken over
    moved_hoks_ids: list[int] = field(default_factory=list)
    moved_opiskeluoikeudet: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.duplicate:
            return f"{self.oid} is a duplicate in ONR: nothing moved"
        name = "name updated; " if self.nimi_updated else ""
        return (
            f"{name}{len(self.merged_oppijat)} duplicates merged into {self.oid}: "
            f"{len(self.moved_hoks_ids)} HOKSes, "
            f"{len(self.moved_opiskeluoikeudet)} opiskeluoikeudet moved"
        )


def merge_oppija(session: Session, registries: Registries, actor: Actor, oid: str) -> MergeReport:
    """Follow a change of person ``oid`` in ONR (``onrmodify``).

    The indexed name is refreshed when ONR's differs. Unless ONR says ``oid`` is itself a
    duplicate, every duplicate of it that eHOKS has indexed is taken over by it: the duplicate's
    live HOKSes (document and column, as a new version, one ``update`` audit event each) and its
    study-right rows move to ``oid``, ``oid`` is indexed, and the duplicate's ``oppijat`` row is
    deleted. All in the caller's transaction. 404 when ONR does not know ``oid``; 500 when ONR
    fails. (The original merges only when ``oid`` itself is not yet indexed; a master that
    already has HOKSes of its own would keep its duplicates' HOKSes apart for ever.)
    """
    henkilo = _henkilo(registries, oid)
    if henkilo is None:
        raise NotFound(_not_in_onr(oid))
    report = MergeReport(oid)
    master = storage.get_oppija(session, oid)
    if master is not None and master.nimi != henkilo.nimi:
        master.nimi = henkilo.nimi
        master.updated_at = utcnow()
        report.nimi_updated = True
    if henkilo.duplicate:
        report.duplicate = True
        session.flush()
        return report
    slaves = _onr(oid, lambda: registries.onr.get_slaves(oid))
    found = (storage.get_oppija(session, slave.oid) for slave in slaves if slave.oid != oid)
    indexed = [oppija for oppija in found if oppija is not None]
    if indexed and master is None:
        session.add(Oppija(oid=oid, nimi=henkilo.nimi))
    session.flush()
    for slave in indexed:
        _take_over(session, actor, slave, oid, report)
    return report


def _take_over(
    session: Session, actor: Actor, slave: Oppija, master_oid: str, report: MergeReport
) -> None:
    hoksit = session.scalars(
        select(Hoks)
        .where(Hoks.oppija_oid == slave.oid, Hoks.deleted_at.is_(None))
        .order_by(Hoks.id)
        .with_for_update()
    ).all()
    for hoks in hoksit:
        _move_hoks(session, actor, hoks, master_oid)
        report.moved_hoks_ids.append(hoks.id)
    rows = session.scalars(
        select(OpiskeluoikeusIndex)
        .where(OpiskeluoikeusIndex.oppija_oid == slave.oid)
        .order_by(OpiskeluoikeusIndex.oid)
    ).all()
    for row in rows:
        row.oppija_oid = master_oid
        report.moved_opiskeluoikeudet.append(row.oid)
    session.flush()  # nothing refers to the duplicate's row any more
    session.delete(slave)
    session.flush()
    report.merged_oppijat.append(slave.oid)


def _move_hoks(session: Session, actor: Actor, hoks: Hoks, master_oid: str) -> None:
    """Write a new version of the HOKS owned by ``master_oid`` and audit it."""
    old_oppija_oid = hoks.oppija_oid
    hoks.revision += 1
    store_document(session, hoks, {**hoks.document, "oppija-oid": master_oid}, operation="update")
    audit.record(
        session,
        actor=actor,
        operation="update",
        target={
            "hoksId": hoks.id,
            "oppijaOid": master_oid,
            "opiskeluoikeusOid": hoks.opiskeluoikeus_oid,
        },
        changes=audit.diff({"oppija-oid": old_oppija_oid}, {"oppija-oid": master_oid}),
        organisation_oid=_oppilaitos_of(session, hoks.opiskeluoikeus_oid),
    )


def _oppilaitos_of(session: Session, opiskeluoikeus_oid: str) -> str | None:
    row = storage.get_opiskeluoikeus_index(session, opiskeluoikeus_oid)
    return row.oppilaitos_oid if row is not None else None
