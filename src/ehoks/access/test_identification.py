"""The built-in test identification of students (embedded default only): instead of Suomi.fi,
the student picks a person of the local person register. Production settings switch it off
(``Settings.test_identification``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.registries.onr.interface import parse_henkilo
from ehoks.registries.storage import LocalHenkilo


@dataclass(frozen=True)
class IdentifiablePerson:
    oid: str
    etunimet: str
    sukunimi: str
    kutsumanimi: str

    @property
    def nimi(self) -> str:
        return f"{self.etunimet} {self.sukunimi}".strip()


def identifiable_persons(session: Session, *, limit: int = 200) -> list[IdentifiablePerson]:
    """People of the local person register (duplicates left out), by surname."""
    people = [parse_henkilo(row.document) for row in session.scalars(select(LocalHenkilo))]
    chosen = sorted(
        (person for person in people if not person.duplicate and not person.passivoitu),
        key=lambda person: (person.sukunimi, person.etunimet, person.oid),
    )[:limit]
    return [
        IdentifiablePerson(p.oid, p.etunimet, p.sukunimi, p.kutsumanimi or p.etunimet.split(" ")[0])
        for p in chosen
    ]


def find_identifiable_person(session: Session, oid: str) -> IdentifiablePerson | None:
    row = session.get(LocalHenkilo, oid)
    if row is None:
        return None
    person = parse_henkilo(row.document)
    if person.duplicate or person.passivoitu:
        return None
    return IdentifiablePerson(
        person.oid,
        person.etunimet,
        person.sukunimi,
        person.kutsumanimi or person.etunimet.split(" ")[0],
    )
