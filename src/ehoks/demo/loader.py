"""Loading the demo world into a database, through the same services as real data.

The registers' documents go through ``import_documents``; the users through ``create_user``; the
HOKSes through ``create_hoks`` as the providers' demo service users, so validation, the student
index and the audit trail run exactly as for a POST. Flushes; the caller commits once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.identity import Actor, ActorKind, RequestOrigin
from ehoks.access.roles import privileges_of
from ehoks.access.storage import User
from ehoks.access.users import create_user
from ehoks.demo.build import DemoWorld, build_world
from ehoks.demo.world import DEMO_PASSWORD, DEMO_SERVICE_USER, PALVELU
from ehoks.errors import InvalidRequest
from ehoks.hoks import storage as hoks_storage
from ehoks.hoks.service import HoksEnv, create_hoks
from ehoks.hoks.validation import today_in_finland
from ehoks.registries.importer import import_documents
from ehoks.registries.wiring import RegistryFactory
from ehoks.settings import Environment, Settings

PRODUCTION_REFUSAL = (
    "Demo data is not loaded in production (EHOKS_ENVIRONMENT=production): its users have a "
    "published password."
)
ORIGIN = RequestOrigin(user_agent="ehoks demo load", session="demo")


@dataclass(frozen=True)
class DemoReport:
    """What the demo contains, and whether this call loaded it."""

    already_loaded: bool
    world: DemoWorld
    hoks_ids: tuple[int, ...] = ()
    example_hoks_id: int | None = None

    @property
    def organisations(self) -> int:
        return len(self.world.organisations)

    @property
    def students(self) -> int:
        return len(self.world.students)

    @property
    def students_with_hoks(self) -> int:
        return len({planned.person.oid for planned in self.world.hoksit})

    @property
    def opiskeluoikeudet(self) -> int:
        return self.world.opiskeluoikeus_count

    @property
    def hoksit(self) -> int:
        return len(self.world.hoksit)

    @property
    def users(self) -> int:
        return len(self.world.users)


def refuse_in_production(settings: Settings) -> None:
    if settings.environment is Environment.PRODUCTION:
        raise InvalidRequest(PRODUCTION_REFUSAL)


def load_demo(session: Session, *, settings: Settings, today: date | None = None) -> DemoReport:
    """Load the demo world unless the demo service user exists ("already loaded": no change).

    Raises ``InvalidRequest`` in production, or when some demo user (not the service user)
    already exists. ``today`` fixes the calendar the dates are built around (default: today in
    Finland).
    """
    refuse_in_production(settings)
    world = build_world(today or today_in_finland())
    if _user(session, DEMO_SERVICE_USER) is not None:
        return DemoReport(
            already_loaded=True, world=world, example_hoks_id=_first_hoks_id(session, world)
        )

    import_documents(session, world.registry_documents())
    actors: dict[str, Actor] = {}
    for demo_user in world.users:
        user = create_user(
            session,
            username=demo_user.username,
            password=DEMO_PASSWORD,
            kayttajatyyppi=demo_user.kayttajatyyppi,
            roles=[(name, world.organisation_oid(key)) for name, key in demo_user.roles],
            display_name=demo_user.display_name,
        )
        if demo_user.kayttajatyyppi == PALVELU:
            for name, key in demo_user.roles:
                if name == "CRUD":
                    actors[world.organisation_oid(key)] = _actor(user)

    # The plans of ended study rights were made while they were active: the Appendix B flag that
    # refuses writes on ended study rights does not apply to loading that history.
    env = HoksEnv(
        registries=RegistryFactory(settings).bind(session),
        settings=settings.model_copy(update={"prevent_finished_opiskeluoikeus_updates": False}),
        today=world.today,
    )
    ids = []
    for planned in world.hoksit:
        hoks = create_hoks(
            session,
            actor=actors[planned.koulutustoimija_oid],
            env=env,
            body=copy.deepcopy(planned.body),
            virkailija=planned.virkailija,
        )
        ids.append(hoks.id)
    session.flush()
    return DemoReport(
        already_loaded=False, world=world, hoks_ids=tuple(ids), example_hoks_id=ids[0]
    )


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _actor(user: User) -> Actor:
    return Actor(
        kind=ActorKind.PALVELU,
        oid=user.oid,
        username=user.username,
        organisation_privileges=tuple(
            privileges_of(role.name, role.organisation_oid) for role in user.roles
        ),
        origin=ORIGIN,
    )


def _first_hoks_id(session: Session, world: DemoWorld) -> int | None:
    if not world.hoksit:
        return None
    hoks = hoks_storage.get_hoks_by_opiskeluoikeus(session, world.hoksit[0].opiskeluoikeus_oid)
    return hoks.id if hoks is not None and hoks.deleted_at is None else None
