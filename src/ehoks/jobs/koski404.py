"""The koski404 job: mark the study rights KOSKI no longer returns, over every live HOKS.

Runs ``mark_koski404`` in batches by HOKS id, one transaction per batch, so a long run keeps
what it has done when it stops (a KOSKI failure ends the run after the last committed batch)
and can be continued from the last id it reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from ehoks.hoks.index import Koski404Batch, mark_koski404
from ehoks.registries.wiring import RegistryFactory

DEFAULT_BATCH_SIZE = 500


@dataclass
class Koski404Totals:
    """What the whole run did."""

    checked: int = 0
    marked: int = 0
    cleared: int = 0
    unindexed: int = 0
    batches: int = 0
    last_id: int = 0

    def add(self, batch: Koski404Batch) -> None:
        self.checked += batch.checked
        self.marked += batch.marked
        self.cleared += batch.cleared
        self.unindexed += batch.unindexed
        self.batches += 1
        self.last_id = batch.last_id

    def describe(self) -> str:
        return (
            f"checked {self.checked} HOKSes: {self.marked} study rights not found in KOSKI "
            f"(koski404), {self.cleared} found again, {self.unindexed} not indexed; "
            f"last HOKS id {self.last_id}"
        )


def run_koski404(
    sessions: sessionmaker[Session],
    factory: RegistryFactory,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    from_id: int = 0,
    progress: Callable[[Koski404Batch], None] | None = None,
) -> Koski404Totals:
    """Mark koski404 for every live HOKS with ``id > from_id``; commit after each batch.

    Raises what ``mark_koski404`` raises (KOSKI down); batches committed before stay.
    """
    totals = Koski404Totals(last_id=from_id)
    while True:
        with sessions() as session:
            batch = mark_koski404(
                session, factory.bind(session), from_id=totals.last_id, limit=batch_size
            )
            session.commit()
        totals.add(batch)
        if progress is not None:
            progress(batch)
        if batch.checked < batch_size:
            return totals
