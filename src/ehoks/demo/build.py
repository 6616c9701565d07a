"""The demo world as documents: built without a database, the same for the same day.

``build_world(today)`` turns the student plans below into Organisaatiopalvelu, ONR and KOSKI
documents (the registers' own formats) and HOKS POST bodies. The study rights' dates are derived
from their HOKS, so jakso rules 6-7 (periods inside the study right) always hold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ehoks.demo import hoksit
from ehoks.demo.hoksit import Placement, SmallHoksDates, Timing
from ehoks.demo.world import (
    A1,
    A1_TOIMIPISTE,
    A2,
    AMMATILLINEN,
    B1,
    DEMO_USERS,
    SEED,
    TUTKINNOT,
    TUVA,
    TUVA_TUTKINTO,
    DemoUser,
    OidSource,
    Organisation,
    Person,
    koodi,
    koski_reference,
    koulutustoimija_of,
    make_organisations,
    make_people,
    organisaatio_document,
)

LASNA = "lasna"
VALMISTUNUT = "valmistunut"
ERONNUT = "eronnut"
KESKEYTYNYT = "valiaikaisestikeskeytynyt"

TILA_NIMET = {
    LASNA: "Läsnä",
    VALMISTUNUT: "Valmistunut",
    ERONNUT: "Eronnut",
    KESKEYTYNYT: "Väliaikaisesti keskeytynyt",
}


# --- plans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoksPlan:
    source: str  # a fixture name, or "small", "oppisopimus", "minimal", "minimal+contact"
    timing: Timing = Timing.CURRENT
    tuva_link: bool = False  # name the student's parallel TUVA study right
    procured: bool = False  # parts procured from the other provider (koulutuksen-jarjestaja-oid)

    @property
    def virkailija(self) -> bool:
        """Created through the officer path, which fills in missing yksiloiva-tunniste."""
        return self.source in hoksit.NEEDS_OFFICER_PATH


@dataclass(frozen=True)
class RightPlan:
    oppilaitos: str
    tyyppi: str = AMMATILLINEN
    tila: str = LASNA
    tutkinto: int = 0
    hoks: HoksPlan | None = None
    toimipiste: bool = False
    sisaltyy: int | None = None  # index of the student's study right this one is procured for


@dataclass(frozen=True)
class StudentPlan:
    rights: tuple[RightPlan, ...]
    note: str = ""  # shown in the guide


def _plan(*rights: RightPlan, note: str = "") -> StudentPlan:
    return StudentPlan(rights, note)


def _hoks(source: str, timing: Timing = Timing.CURRENT, **kwargs: bool) -> HoksPlan:
    return HoksPlan(source, timing, **kwargs)


AS_IS = Timing.AS_IS
PAST = Timing.PAST

# One plan per student, in the order of the names (world.make_people). The first HOKS created is
# the complete upstream fixture ``hoksit.json``.
STUDENT_PLANS = (
    _plan(RightPlan(A1, hoks=_hoks("hoksit", AS_IS)), note="the complete fixture hoksit.json"),
    _plan(RightPlan(A1, tutkinto=1, hoks=_hoks("anonymised-example-1", AS_IS))),
    _plan(RightPlan(A1, tutkinto=0, hoks=_hoks("anonymised-example-2", AS_IS))),
    _plan(RightPlan(A1, TUVA, VALMISTUNUT, hoks=_hoks("hoks_tuva", AS_IS)), note="TUVA, ended"),
    _plan(RightPlan(A1, tutkinto=4, hoks=_hoks("hoks_ainoastaan_YTOja", AS_IS))),
    _plan(RightPlan(A2, tutkinto=2, hoks=_hoks("hoks_ainoastaan_ammatillisia", AS_IS))),
    _plan(RightPlan(A2, tutkinto=1, hoks=_hoks("hoks_ainoastaan_paikallisia", AS_IS))),
    _plan(RightPlan(A1, tutkinto=3, toimipiste=True, hoks=_hoks("hoks_yksi_tutkinnonosa", AS_IS))),
    _plan(RightPlan(A1, tutkinto=0, toimipiste=True, hoks=_hoks("hoksit"))),
    _plan(
        RightPlan(A1, tutkinto=1, hoks=_hoks("anonymised-example-1")),
        note="a workplace period going on now",
    ),
    _plan(RightPlan(A2, tutkinto=2, hoks=_hoks("anonymised-example-2"))),
    _plan(RightPlan(A2, tutkinto=5, hoks=_hoks("hoksit"))),
    _plan(
        RightPlan(A1, tutkinto=0, hoks=_hoks("small")), note="a small HOKS, workplace period now"
    ),
    _plan(
        RightPlan(A1, tutkinto=3, toimipiste=True, hoks=_hoks("oppisopimus")),
        note="apprenticeship (oppisopimus)",
    ),
    _plan(RightPlan(A2, tutkinto=2, hoks=_hoks("minimal"))),
    _plan(RightPlan(A1, tutkinto=1, hoks=_hoks("minimal+contact"))),
    _plan(RightPlan(A1, TUVA, hoks=_hoks("hoks_tuva")), note="TUVA, present"),
    _plan(RightPlan(A2, TUVA, hoks=_hoks("hoks_tuva"))),
    _plan(
        RightPlan(A1, tila=VALMISTUNUT, tutkinto=0, hoks=_hoks("anonymised-example-1", PAST)),
        note="graduated (valmistunut)",
    ),
    _plan(
        RightPlan(A2, tila=ERONNUT, tutkinto=2, hoks=_hoks("hoks_yksi_tutkinnonosa", PAST)),
        note="resigned (eronnut)",
    ),
    _plan(
        RightPlan(A1, tutkinto=4, hoks=_hoks("anonymised-example-2", procured=True)),
        RightPlan(B1, tutkinto=4, sisaltyy=0),
        note="procured training at the other provider (hankintakoulutus)",
    ),
    _plan(
        RightPlan(B1, tila=VALMISTUNUT, tutkinto=1, hoks=_hoks("small", PAST)),
        RightPlan(A1, tutkinto=0, hoks=_hoks("small")),
        note="an earlier HOKS at the other provider",
    ),
    _plan(
        RightPlan(A1, TUVA, hoks=_hoks("hoks_tuva")),
        RightPlan(A1, tutkinto=2, hoks=_hoks("small", tuva_link=True)),
        note="TUVA and a parallel vocational study right",
    ),
    _plan(RightPlan(B1, tutkinto=3, hoks=_hoks("hoksit"))),
    _plan(RightPlan(B1, tutkinto=1, hoks=_hoks("anonymised-example-1"))),
    _plan(RightPlan(B1, tutkinto=5, hoks=_hoks("minimal+contact"))),
    _plan(RightPlan(A1, tutkinto=0), note="no HOKS yet"),
    _plan(RightPlan(A2, tutkinto=2)),
    _plan(RightPlan(A1, TUVA)),
    _plan(RightPlan(A1, tila=VALMISTUNUT, tutkinto=3)),
    _plan(RightPlan(A2, tila=ERONNUT, tutkinto=1)),
    _plan(RightPlan(A1, tila=KESKEYTYNYT, tutkinto=5), note="studies interrupted, no HOKS"),
    _plan(RightPlan(B1, tutkinto=0)),
    _plan(RightPlan(A1, tutkinto=4, toimipiste=True, hoks=_hoks("small"))),
)


# --- the built world -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedHoks:
    person: Person
    opiskeluoikeus_oid: str
    koulutustoimija_oid: str  # whose service user sends it
    body: dict[str, Any]
    virkailija: bool


@dataclass(frozen=True)
class DemoStudent:
    person: Person
    opiskeluoikeudet: tuple[dict[str, Any], ...]  # KOSKI documents
    note: str
    summary: str  # e.g. "ammatillinen läsnä (HOKS), tuva läsnä"


@dataclass(frozen=True)
class DemoWorld:
    today: date
    organisations: dict[str, Organisation]
    students: tuple[DemoStudent, ...]
    hoksit: tuple[PlannedHoks, ...]
    users: tuple[DemoUser, ...] = DEMO_USERS
    featured: tuple[DemoStudent, ...] = field(default=())

    def registry_documents(self) -> list[dict[str, Any]]:
        """Organisations, ONR henkilöt and KOSKI oppijat, ready for ``import_documents``."""
        documents = [organisaatio_document(self.organisations, key) for key in self.organisations]
        documents += [student.person.onr_document() for student in self.students]
        documents += [
            {
                "henkilö": student.person.koski_henkilo(),
                "opiskeluoikeudet": list(student.opiskeluoikeudet),
            }
            for student in self.students
        ]
        return documents

    def organisation_oid(self, key: str) -> str:
        return self.organisations[key].oid

    @property
    def opiskeluoikeus_count(self) -> int:
        return sum(len(student.opiskeluoikeudet) for student in self.students)


def build_world(today: date) -> DemoWorld:
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, nothing secret
    oids = OidSource(rng)
    orgs = make_organisations(oids)
    people = make_people(rng, oids, len(STUDENT_PLANS))
    students: list[DemoStudent] = []
    planned: list[PlannedHoks] = []
    for person, plan in zip(people, STUDENT_PLANS, strict=True):
        right_oids = [oids("15") for _ in plan.rights]
        documents: list[dict[str, Any]] = []
        for index, right in enumerate(plan.rights):
            if right.sisaltyy is not None:
                parent = documents[right.sisaltyy]
                documents.append(_procured_right(orgs, right, right_oids[index], parent, today))
                continue
            body = None
            if right.hoks is not None:
                tuva_oid = next(
                    (
                        oid
                        for r, oid in zip(plan.rights, right_oids, strict=True)
                        if r.tyyppi == TUVA
                    ),
                    None,
                )
                body = _hoks_body(
                    right,
                    right.hoks,
                    today,
                    rng,
                    Placement(
                        person=person,
                        opiskeluoikeus_oid=right_oids[index],
                        oppilaitos_oid=orgs[right.oppilaitos].oid,
                        jarjestaja_oid=orgs[B1 if right.hoks.procured else right.oppilaitos].oid,
                        rng=rng,
                    ),
                )
                if right.hoks.tuva_link and tuva_oid is not None:
                    body["tuva-opiskeluoikeus-oid"] = tuva_oid
            window = _window(right, body, today, rng)
            if body is not None and right.tila == VALMISTUNUT:
                assert window.paattymispaiva is not None
                body.setdefault("osaamisen-saavuttamisen-pvm", window.paattymispaiva.isoformat())
            documents.append(_koski_document(orgs, right, right_oids[index], window, today))
            if body is not None and right.hoks is not None:
                planned.append(
                    PlannedHoks(
                        person=person,
                        opiskeluoikeus_oid=right_oids[index],
                        koulutustoimija_oid=koulutustoimija_of(orgs, right.oppilaitos).oid,
                        body=body,
                        virkailija=right.hoks.virkailija,
                    )
                )
        students.append(DemoStudent(person, tuple(documents), plan.note, _summary(plan, orgs)))
    return DemoWorld(
        today=today,
        organisations=orgs,
        students=tuple(students),
        hoksit=tuple(planned),
        featured=tuple(student for student in students if student.note),
    )


def _hoks_body(
    right: RightPlan, plan: HoksPlan, today: date, rng: random.Random, where: Placement
) -> dict[str, Any]:
    if plan.source in ("small", "oppisopimus"):
        document = hoksit.small(
            _small_dates(plan.timing, today),
            oppisopimus=plan.source == "oppisopimus",
            keskeytynyt=plan.source == "oppisopimus",
        )
    elif plan.source.startswith("minimal"):
        approved = today - timedelta(days=rng.randint(5, 40))
        document = hoksit.minimal(approved, contact=plan.source == "minimal+contact")
    elif plan.source == "hoks_tuva" and plan.timing is Timing.CURRENT:
        document = hoksit.tuva_this_year(hoksit.fixture(plan.source), today)
    else:
        document = hoksit.timed(hoksit.fixture(plan.source), plan.timing, today)
    return hoksit.placed(document, where)


def _small_dates(timing: Timing, today: date) -> SmallHoksDates:
    this_year = hoksit.academic_year_start(today)
    if timing is Timing.PAST:
        start = hoksit.add_years(this_year, -3) + timedelta(days=14)
        end = hoksit.add_years(this_year, -1) - timedelta(days=62)  # the end of May last year
        return SmallHoksDates(
            start=start,
            workplace=(end - timedelta(days=110), end - timedelta(days=10)),
            naytto=(end - timedelta(days=20), end - timedelta(days=15)),
        )
    return SmallHoksDates(
        start=hoksit.add_years(this_year, -1) + timedelta(days=14),
        workplace=(today - timedelta(days=45), today + timedelta(days=75)),
        naytto=(today + timedelta(days=60), today + timedelta(days=65)),
    )


# --- KOSKI study rights --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    alkamispaiva: date
    arvioitu_paattymispaiva: date
    paattymispaiva: date | None


def _august_first_before(day: date) -> date:
    return hoksit.academic_year_start(day)


def _end_of_may_after(day: date) -> date:
    end = date(day.year, 5, 31)
    return end if end >= day else date(day.year + 1, 5, 31)


def _window(
    right: RightPlan, body: dict[str, Any] | None, today: date, rng: random.Random
) -> Window:
    """The study right's dates: covering its HOKS, or typical ones for its state."""
    this_year = hoksit.academic_year_start(today)
    if body is not None:
        first, last = hoksit.span(body)
    elif right.tila == VALMISTUNUT:
        first, last = hoksit.add_years(this_year, -3), this_year - timedelta(days=62)
    elif right.tila == ERONNUT:
        first, last = hoksit.add_years(this_year, -1), today - timedelta(days=100)
    elif right.tyyppi == TUVA:
        first, last = this_year, today
    else:
        first, last = hoksit.add_years(this_year, -rng.randint(0, 2)), today
    alkamispaiva = _august_first_before(first)
    if right.tila in (LASNA, KESKEYTYNYT):
        minimum = today + timedelta(days=90)
        if right.tyyppi == AMMATILLINEN:
            minimum = max(minimum, hoksit.add_years(alkamispaiva, 3))
        return Window(alkamispaiva, _end_of_may_after(max(last, minimum)), None)
    days_after = 14 if right.tila == VALMISTUNUT else 30
    paattymispaiva = min(last + timedelta(days=days_after), today - timedelta(days=1))
    return Window(alkamispaiva, _end_of_may_after(last), paattymispaiva)


def _tila_jaksot(right: RightPlan, window: Window, today: date) -> list[dict[str, Any]]:
    def jakso(alku: date, tila: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "alku": alku.isoformat(),
            "tila": koodi(tila, "koskiopiskeluoikeudentila", TILA_NIMET[tila]),
        }
        if tila in (LASNA, VALMISTUNUT):
            entry["opintojenRahoitus"] = koodi(
                "1", "opintojenrahoitus", "Valtionosuusrahoitteinen koulutus"
            )
        return entry

    jaksot = [jakso(window.alkamispaiva, LASNA)]
    if right.tila == KESKEYTYNYT:
        jaksot.append(jakso(today - timedelta(days=30), KESKEYTYNYT))
    elif window.paattymispaiva is not None:
        jaksot.append(jakso(window.paattymispaiva, right.tila))
    return jaksot


def _suoritus(orgs: dict[str, Organisation], right: RightPlan, window: Window) -> dict[str, Any]:
    toimipiste = orgs[A1_TOIMIPISTE if right.toimipiste else right.oppilaitos]
    if right.tyyppi == TUVA:
        tutkinto = TUVA_TUTKINTO
        suoritus: dict[str, Any] = {
            "tyyppi": koodi(
                "tuvakoulutuksensuoritus",
                "suorituksentyyppi",
                "Tutkintokoulutukseen valmentava koulutus",
            ),
        }
    else:
        tutkinto = TUTKINNOT[right.tutkinto]
        suoritus = {
            "tyyppi": koodi("ammatillinentutkinto", "suorituksentyyppi", "Ammatillinen tutkinto"),
            "suoritustapa": koodi(
                "reformi", "ammatillisentutkinnonsuoritustapa", "Reformin mukainen näyttö"
            ),
        }
        if tutkinto.osaamisala:
            arvo, nimi = tutkinto.osaamisala
            suoritus["osaamisala"] = [{"osaamisala": koodi(arvo, "osaamisala", nimi)}]
    suoritus["koulutusmoduuli"] = {
        "tunniste": {
            "koodiarvo": tutkinto.koodiarvo,
            "nimi": {"fi": tutkinto.nimi, "sv": tutkinto.nimi_sv},
            "koodistoUri": "koulutus",
            "koodistoVersio": 12,
        }
    }
    suoritus["toimipiste"] = koski_reference(toimipiste)
    suoritus["suorituskieli"] = koodi("FI", "kieli", "suomi")
    if right.tila == VALMISTUNUT and window.paattymispaiva is not None:
        suoritus["vahvistus"] = {
            "päivä": window.paattymispaiva.isoformat(),
            "myöntäjäOrganisaatio": koski_reference(orgs[right.oppilaitos]),
        }
    return suoritus


def _koski_document(
    orgs: dict[str, Organisation], right: RightPlan, oid: str, window: Window, today: date
) -> dict[str, Any]:
    """A KOSKI ``/koski/api/opiskeluoikeus/{oid}`` document."""
    oppilaitos = orgs[right.oppilaitos]
    document: dict[str, Any] = {
        "oid": oid,
        "versionumero": 1,
        "lähdejärjestelmänId": {
            "id": f"demo-{oid.rsplit('.', 1)[-1]}",
            "lähdejärjestelmä": koodi("primus", "lahdejarjestelma", "Primus"),
        },
        "oppilaitos": koski_reference(oppilaitos),
        "koulutustoimija": koski_reference(koulutustoimija_of(orgs, right.oppilaitos)),
        "tila": {"opiskeluoikeusjaksot": _tila_jaksot(right, window, today)},
        "alkamispäivä": window.alkamispaiva.isoformat(),
        "arvioituPäättymispäivä": window.arvioitu_paattymispaiva.isoformat(),
        "suoritukset": [_suoritus(orgs, right, window)],
        "tyyppi": koodi(
            right.tyyppi,
            "opiskeluoikeudentyyppi",
            "Tutkintokoulutukseen valmentava koulutus"
            if right.tyyppi == TUVA
            else "Ammatillinen koulutus",
        ),
    }
    if right.tyyppi == TUVA:
        document["järjestämislupa"] = koodi("ammatillinen", "tuvajarjestamislupa")
    if window.paattymispaiva is not None:
        document["päättymispäivä"] = window.paattymispaiva.isoformat()
    return document


def _procured_right(
    orgs: dict[str, Organisation],
    right: RightPlan,
    oid: str,
    parent: dict[str, Any],
    today: date,
) -> dict[str, Any]:
    """A study right at the seller of procured training, included in the buyer's study right."""
    window = Window(
        date.fromisoformat(parent["alkamispäivä"]),
        date.fromisoformat(parent["arvioituPäättymispäivä"]),
        None,
    )
    document = _koski_document(orgs, right, oid, window, today)
    document["sisältyyOpiskeluoikeuteen"] = {
        "oid": parent["oid"],
        "oppilaitos": parent["oppilaitos"],
    }
    return document


def _summary(plan: StudentPlan, orgs: dict[str, Organisation]) -> str:
    parts = []
    for right in plan.rights:
        kind = "TUVA" if right.tyyppi == TUVA else "ammatillinen"
        extra = " with HOKS" if right.hoks else ""
        procured = ", procured" if right.sisaltyy is not None else ""
        parts.append(f"{kind} {right.tila}{extra}{procured} at {orgs[right.oppilaitos].nimi}")
    return "; ".join(parts)
