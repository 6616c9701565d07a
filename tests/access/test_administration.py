"""Role administration rules: who may grant, revoke, create and rotate where."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehoks.access.administration import (
    AdministrationRefused,
    InvalidAdministration,
    Problem,
    administered_roles,
    create_officer,
    create_service_user,
    generate_password,
    grant_role,
    grantable_roles,
    is_strong_password,
    may_rotate_password,
    organisation_choices,
    revoke_role,
    rotate_service_user_password,
    users_in_tree,
)
from ehoks.access.cas import create_granting_ticket
from ehoks.access.identity import SYSTEM_ACTOR, Actor, ActorKind
from ehoks.access.passwords import verify_password
from ehoks.access.roles import RoleName, privileges_of
from ehoks.access.storage import AuditEvent, CasTicket, User
from ehoks.access.users import Kayttajatyyppi, authenticate, create_user
from ehoks.errors import Forbidden, InvalidRequest
from ehoks.registries.wiring import Registries, RegistryFactory
from ehoks.settings import OPH_ROOT_OID, Settings
from tests.support.world import (
    KOULUTUSTOIMIJA_A,
    KOULUTUSTOIMIJA_B,
    OPPILAITOS_A1,
    OPPILAITOS_A2,
    OPPILAITOS_B1,
    TOIMIPISTE_A1,
    add_organisations,
    new_oid,
)

PASSWORD = "Salasana-1234!"
A, A1, A2, T1 = KOULUTUSTOIMIJA_A, OPPILAITOS_A1, OPPILAITOS_A2, TOIMIPISTE_A1
B, B1 = KOULUTUSTOIMIJA_B, OPPILAITOS_B1
OPH = OPH_ROOT_OID


def officer(*roles: tuple[str, str], oid: str | None = None) -> Actor:
    return Actor(
        kind=ActorKind.VIRKAILIJA,
        oid=oid or new_oid("24"),
        username="admin",
        organisation_privileges=tuple(privileges_of(name, org) for name, org in roles),
    )


PK_A = officer(("PAAKAYTTAJA", A))
PK_A1 = officer(("PAAKAYTTAJA", A1))
OPH_ADMIN = officer(("OPHPAAKAYTTAJA", OPH))
RECORDER_A = officer(("CRUD", A))


@pytest.fixture
def registries(session: Session, settings: Settings) -> Iterator[Registries]:
    add_organisations(session)
    factory = RegistryFactory(settings)
    yield factory.bind(session)
    factory.close()


def add_user(
    session: Session,
    username: str,
    roles: list[tuple[str, str]],
    kayttajatyyppi: str = Kayttajatyyppi.VIRKAILIJA,
) -> User:
    user = create_user(
        session,
        username=username,
        password=PASSWORD,
        kayttajatyyppi=kayttajatyyppi,
        roles=roles,
    )
    session.commit()
    return user


def roles_of(session: Session, username: str) -> set[tuple[str, str]]:
    session.expire_all()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return {(role.name, role.organisation_oid) for role in user.roles}


def audit_events(session: Session, operation: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.operation == operation).order_by(AuditEvent.id)
        )
    )


# --- the rules table ---------------------------------------------------------------------------

ACTORS = {
    "pk-of-A": PK_A,
    "pk-of-A1": PK_A1,
    "oph": OPH_ADMIN,
    "recorder-of-A": RECORDER_A,
    "oph-role-held-in-A": officer(("OPHPAAKAYTTAJA", A)),
}
ORGS = {OPH: "OPH", A: "A", A1: "A1", A2: "A2", T1: "T1", B: "B", B1: "B1"}

RULES = [
    # A pääkäyttäjä of the koulutustoimija: its own tree, the provider roles only.
    ("pk-of-A", "READ", A, True),
    ("pk-of-A", "CRUD", A, True),
    ("pk-of-A", "HOKS_DELETE", A, True),
    ("pk-of-A", "READ", A1, True),
    ("pk-of-A", "CRUD", A1, True),
    ("pk-of-A", "HOKS_DELETE", A2, True),
    ("pk-of-A", "CRUD", T1, True),
    ("pk-of-A", "HOKS_DELETE", T1, True),
    ("pk-of-A", "READ", B, False),
    ("pk-of-A", "CRUD", B1, False),
    ("pk-of-A", "HOKS_DELETE", B1, False),
    ("pk-of-A", "READ", OPH, False),
    ("pk-of-A", "PAAKAYTTAJA", A, False),
    ("pk-of-A", "PAAKAYTTAJA", A1, False),
    ("pk-of-A", "OPHPAAKAYTTAJA", OPH, False),
    # A pääkäyttäjä of an oppilaitos: not its parent, not its sibling.
    ("pk-of-A1", "READ", A1, True),
    ("pk-of-A1", "CRUD", T1, True),
    ("pk-of-A1", "READ", A, False),
    ("pk-of-A1", "CRUD", A2, False),
    ("pk-of-A1", "PAAKAYTTAJA", T1, False),
    # OPH: everything everywhere.
    ("oph", "PAAKAYTTAJA", A, True),
    ("oph", "PAAKAYTTAJA", A1, True),
    ("oph", "PAAKAYTTAJA", B1, True),
    ("oph", "CRUD", B, True),
    ("oph", "HOKS_DELETE", T1, True),
    ("oph", "OPHPAAKAYTTAJA", OPH, True),
    # Neither a pääkäyttäjä nor OPH.
    ("recorder-of-A", "READ", A, False),
    ("recorder-of-A", "READ", A1, False),
    # OPHPAAKAYTTAJA held outside the OPH root administers that tree only, as a pääkäyttäjä.
    ("oph-role-held-in-A", "READ", A1, True),
    ("oph-role-held-in-A", "PAAKAYTTAJA", A1, False),
    ("oph-role-held-in-A", "READ", B1, False),
]


def _ids(cases: list[tuple[str, str, str, bool]]) -> list[str]:
    return [
        f"{actor}-{name}@{ORGS[org]}-{'may' if allowed else 'may-not'}"
        for actor, name, org, allowed in cases
    ]


# OPHPAAKAYTTAJA is held on the OPH root only (granting it elsewhere is invalid, not forbidden).
GRANTABLE = [*RULES, ("oph", "OPHPAAKAYTTAJA", A, False), ("oph", "OPHPAAKAYTTAJA", B1, False)]


@pytest.mark.parametrize(("actor", "name", "org", "allowed"), GRANTABLE, ids=_ids(GRANTABLE))
def test_grantable_roles(
    registries: Registries, actor: str, name: str, org: str, allowed: bool
) -> None:
    assert (RoleName(name) in grantable_roles(ACTORS[actor], org, registries)) is allowed


@pytest.mark.parametrize(("actor", "name", "org", "allowed"), RULES, ids=_ids(RULES))
def test_grant_and_revoke_follow_the_rules(
    session: Session, registries: Registries, actor: str, name: str, org: str, allowed: bool
) -> None:
    add_user(session, "target", [])
    add_user(session, "holder", [(name, org)])
    administrator = ACTORS[actor]

    if allowed:
        grant_role(
            session,
            registries,
            actor=administrator,
            username="target",
            name=name,
            organisation_oid=org,
        )
        revoke_role(
            session,
            registries,
            actor=administrator,
            username="holder",
            name=name,
            organisation_oid=org,
        )
        session.commit()
        assert roles_of(session, "target") == {(name, org)}
        assert roles_of(session, "holder") == set()
        return
    with pytest.raises(Forbidden):
        grant_role(
            session,
            registries,
            actor=administrator,
            username="target",
            name=name,
            organisation_oid=org,
        )
    session.rollback()
    with pytest.raises(Forbidden):
        revoke_role(
            session,
            registries,
            actor=administrator,
            username="holder",
            name=name,
            organisation_oid=org,
        )
    session.rollback()
    assert roles_of(session, "target") == set()
    assert roles_of(session, "holder") == {(name, org)}


def test_the_system_actor_may_grant_anything_even_in_unknown_organisations(
    session: Session, registries: Registries
) -> None:
    add_user(session, "olli", [])
    unknown = new_oid("10")

    grant_role(
        session,
        registries,
        actor=SYSTEM_ACTOR,
        username="olli",
        name="OPHPAAKAYTTAJA",
        organisation_oid=OPH,
    )
    grant_role(
        session,
        registries,
        actor=SYSTEM_ACTOR,
        username="olli",
        name="PAAKAYTTAJA",
        organisation_oid=unknown,
    )
    session.commit()

    assert roles_of(session, "olli") == {("OPHPAAKAYTTAJA", OPH), ("PAAKAYTTAJA", unknown)}


# --- grant and revoke: details --------------------------------------------------------------


def test_a_grant_is_audited_and_takes_effect(session: Session, registries: Registries) -> None:
    user = add_user(session, "kaisa", [])

    grant = grant_role(
        session, registries, actor=PK_A, username="kaisa", name="CRUD", organisation_oid=A1
    )
    session.commit()

    assert (grant.name, grant.organisation_oid, grant.granted_by) == ("CRUD", A1, PK_A.oid)
    assert roles_of(session, "kaisa") == {("CRUD", A1)}
    [event] = audit_events(session, "grant-role")
    assert event.status == "succeeded"
    assert event.actor_oid == PK_A.oid
    assert event.target == {
        "username": "kaisa",
        "userOid": user.oid,
        "role": "CRUD",
        "organisationOid": A1,
    }
    assert event.changes == [{"path": "roles", "newValue": f"CRUD:{A1}"}]


def test_a_revocation_is_audited(session: Session, registries: Registries) -> None:
    add_user(session, "kaisa", [("READ", T1), ("CRUD", T1)])

    revoke_role(session, registries, actor=PK_A, username="kaisa", name="READ", organisation_oid=T1)
    session.commit()

    assert roles_of(session, "kaisa") == {("CRUD", T1)}
    [event] = audit_events(session, "revoke-role")
    assert event.target["role"] == "READ"
    assert event.changes == [{"path": "roles", "oldValue": f"READ:{T1}"}]


@pytest.mark.parametrize(
    ("username", "name", "org", "problem"),
    [
        ("nobody", "READ", A1, Problem.UNKNOWN_USER),
        ("kaisa", "ADMIN", A1, Problem.UNKNOWN_ROLE),
        ("kaisa", "TIEDONSIIRTO", A1, Problem.UNKNOWN_ROLE),
        ("kaisa", "READ", "1.2.246.562.24.44651722625", Problem.MALFORMED_ORGANISATION),
        ("kaisa", "READ", "not-an-oid", Problem.MALFORMED_ORGANISATION),
        ("kaisa", "READ", new_oid("10"), Problem.UNKNOWN_ORGANISATION),
        ("kaisa", "CRUD", A1, Problem.ALREADY_HELD),
        ("service", "PAAKAYTTAJA", A1, Problem.ROLE_NOT_FOR_SERVICE_USERS),
        ("service", "HOKS_DELETE", A1, Problem.ROLE_NOT_FOR_SERVICE_USERS),
        ("kaisa", "OPHPAAKAYTTAJA", A, Problem.OPH_ROLE_ON_ROOT_ONLY),
    ],
)
def test_invalid_grants(
    session: Session, registries: Registries, username: str, name: str, org: str, problem: Problem
) -> None:
    add_user(session, "kaisa", [("CRUD", A1)])
    add_user(session, "service", [("CRUD", A1)], Kayttajatyyppi.PALVELU)

    with pytest.raises(InvalidAdministration) as raised:
        grant_role(
            session, registries, actor=OPH_ADMIN, username=username, name=name, organisation_oid=org
        )

    assert raised.value.problem is problem
    assert isinstance(raised.value, InvalidRequest)
    session.rollback()
    assert roles_of(session, "kaisa") == {("CRUD", A1)}
    assert audit_events(session, "grant-role") == []


def test_refusals_say_why(session: Session, registries: Registries) -> None:
    add_user(session, "kaisa", [])

    with pytest.raises(AdministrationRefused, match="outside the organisations") as outside:
        grant_role(
            session, registries, actor=PK_A, username="kaisa", name="READ", organisation_oid=B1
        )
    with pytest.raises(AdministrationRefused, match="may not grant PAAKAYTTAJA") as role:
        grant_role(
            session,
            registries,
            actor=PK_A,
            username="kaisa",
            name="PAAKAYTTAJA",
            organisation_oid=A1,
        )
    with pytest.raises(AdministrationRefused, match="pääkäyttäjä or an OPH") as nobody:
        grant_role(
            session,
            registries,
            actor=RECORDER_A,
            username="kaisa",
            name="READ",
            organisation_oid=A1,
        )

    assert outside.value.problem is Problem.OUTSIDE_TREE
    assert role.value.problem is Problem.ROLE_NOT_ALLOWED
    assert nobody.value.problem is Problem.NOT_AN_ADMINISTRATOR


def test_revoking_a_role_not_held(session: Session, registries: Registries) -> None:
    add_user(session, "kaisa", [("READ", A1)])

    with pytest.raises(InvalidAdministration) as raised:
        revoke_role(
            session, registries, actor=PK_A, username="kaisa", name="READ", organisation_oid=A2
        )

    assert raised.value.problem is Problem.NOT_HELD


def test_a_pääkäyttäjä_cannot_revoke_another_pääkäyttäjä(
    session: Session, registries: Registries
) -> None:
    add_user(session, "paula", [("PAAKAYTTAJA", A1)])

    with pytest.raises(AdministrationRefused):
        revoke_role(
            session,
            registries,
            actor=PK_A,
            username="paula",
            name="PAAKAYTTAJA",
            organisation_oid=A1,
        )
    session.rollback()
    revoke_role(
        session,
        registries,
        actor=OPH_ADMIN,
        username="paula",
        name="PAAKAYTTAJA",
        organisation_oid=A1,
    )
    session.commit()
    assert roles_of(session, "paula") == set()


def test_an_administrator_cannot_revoke_its_own_administrator_role(
    session: Session, registries: Registries
) -> None:
    olli = add_user(session, "olli", [("OPHPAAKAYTTAJA", OPH)])
    actor = officer(("OPHPAAKAYTTAJA", OPH), oid=olli.oid)

    with pytest.raises(AdministrationRefused) as raised:
        revoke_role(
            session,
            registries,
            actor=actor,
            username="olli",
            name="OPHPAAKAYTTAJA",
            organisation_oid=OPH,
        )

    assert raised.value.problem is Problem.OWN_ADMINISTRATOR_ROLE
    session.rollback()
    assert roles_of(session, "olli") == {("OPHPAAKAYTTAJA", OPH)}


# --- creating users ---------------------------------------------------------------------------


def test_a_pääkäyttäjä_creates_a_service_user_in_its_tree(
    session: Session, registries: Registries
) -> None:
    user, password = create_service_user(
        session,
        registries,
        actor=PK_A,
        username="primus-a",
        roles=[("CRUD", A1)],
        display_name=" Primus ",
    )
    session.commit()

    assert user.kayttajatyyppi == "PALVELU"
    assert user.display_name == "Primus"
    assert roles_of(session, "primus-a") == {("CRUD", A1)}
    assert is_strong_password(password)
    assert verify_password(user.password_hash, password)
    assert password not in user.password_hash
    [event] = audit_events(session, "create-user")
    assert event.target == {"username": "primus-a", "userOid": user.oid}
    assert event.changes[0]["newValue"]["roles"] == [f"CRUD:{A1}"]
    assert event.changes[0]["newValue"]["kayttajatyyppi"] == "PALVELU"
    assert password not in json.dumps([event.target, event.changes])


@pytest.mark.parametrize(
    ("actor", "roles", "error", "problem"),
    [
        (PK_A, [("CRUD", B1)], AdministrationRefused, Problem.OUTSIDE_TREE),
        (PK_A, [("READ", A1), ("READ", B)], AdministrationRefused, Problem.OUTSIDE_TREE),
        (PK_A, [("HOKS_DELETE", A1)], InvalidAdministration, Problem.ROLE_NOT_FOR_SERVICE_USERS),
        (
            OPH_ADMIN,
            [("PAAKAYTTAJA", A)],
            InvalidAdministration,
            Problem.ROLE_NOT_FOR_SERVICE_USERS,
        ),
        (PK_A, [], InvalidAdministration, Problem.NO_ROLES),
        (RECORDER_A, [("READ", A1)], AdministrationRefused, Problem.NOT_AN_ADMINISTRATOR),
    ],
)
def test_service_users_that_cannot_be_created(
    session: Session,
    registries: Registries,
    actor: Actor,
    roles: list[tuple[str, str]],
    error: type[Exception],
    problem: Problem,
) -> None:
    with pytest.raises(error) as raised:
        create_service_user(session, registries, actor=actor, username="primus", roles=roles)

    assert getattr(raised.value, "problem", None) is problem
    session.rollback()
    assert session.scalar(select(User).where(User.username == "primus")) is None


@pytest.mark.parametrize(
    ("username", "problem"),
    [
        ("", Problem.USERNAME_INVALID),
        (" spaced", Problem.USERNAME_INVALID),
        ("x" * 129, Problem.USERNAME_INVALID),
        ("taken", Problem.USERNAME_TAKEN),
    ],
)
def test_bad_usernames(
    session: Session, registries: Registries, username: str, problem: Problem
) -> None:
    add_user(session, "taken", [])

    with pytest.raises(InvalidAdministration) as raised:
        create_officer(session, registries, actor=PK_A, username=username, roles=[("READ", A1)])

    assert raised.value.problem is problem


def test_officers_get_provider_roles_from_a_pääkäyttäjä_and_any_role_from_oph(
    session: Session, registries: Registries
) -> None:
    kaisa, kaisa_password = create_officer(
        session, registries, actor=PK_A, username="kaisa", roles=[("READ", T1), ("CRUD", A2)]
    )
    with pytest.raises(AdministrationRefused):
        create_officer(
            session, registries, actor=PK_A, username="paula", roles=[("PAAKAYTTAJA", A1)]
        )
    paula, _ = create_officer(
        session,
        registries,
        actor=OPH_ADMIN,
        username="paula",
        roles=[("PAAKAYTTAJA", B)],
        password="Given-password-1",
    )
    session.commit()

    assert kaisa.kayttajatyyppi == "VIRKAILIJA"
    assert roles_of(session, "kaisa") == {("READ", T1), ("CRUD", A2)}
    assert verify_password(kaisa.password_hash, kaisa_password)
    assert roles_of(session, "paula") == {("PAAKAYTTAJA", B)}
    assert verify_password(paula.password_hash, "Given-password-1")
    assert len(audit_events(session, "create-user")) == 2


# --- rotating passwords -----------------------------------------------------------------------


def test_rotation_replaces_the_password_and_ends_its_tickets(
    session: Session, registries: Registries, settings: Settings
) -> None:
    user = add_user(session, "primus", [("CRUD", A1), ("READ", T1)], Kayttajatyyppi.PALVELU)
    create_granting_ticket(session, user=user, settings=settings)
    session.commit()
    changed_before = user.password_changed_at

    password = rotate_service_user_password(session, registries, actor=PK_A, username="primus")
    session.commit()

    assert is_strong_password(password)
    assert authenticate(session, "primus", PASSWORD) is None
    assert authenticate(session, "primus", password) is not None
    assert session.scalars(select(CasTicket).where(CasTicket.user_id == user.id)).all() == []
    assert user.password_changed_at >= changed_before
    [event] = audit_events(session, "rotate-password")
    assert event.target == {"username": "primus", "userOid": user.oid}
    assert event.changes[0]["path"] == "password-changed-at"
    assert password not in json.dumps([event.target, event.changes])


@pytest.mark.parametrize(
    ("actor", "roles", "allowed"),
    [
        (PK_A, [("CRUD", A1)], True),
        (PK_A1, [("CRUD", T1)], True),
        (PK_A1, [("CRUD", A)], False),  # held in the parent: not only inside A1's tree
        (PK_A, [("CRUD", A1), ("READ", B1)], False),  # partly outside the tree
        (PK_A, [], False),  # no roles: nobody's but OPH's
        (OPH_ADMIN, [("CRUD", A1), ("READ", B1)], True),
        (OPH_ADMIN, [], True),
        (RECORDER_A, [("CRUD", A1)], False),
    ],
)
def test_who_may_rotate_a_service_users_password(
    session: Session,
    registries: Registries,
    actor: Actor,
    roles: list[tuple[str, str]],
    allowed: bool,
) -> None:
    user = add_user(session, "primus", roles, Kayttajatyyppi.PALVELU)

    assert may_rotate_password(actor, user, registries) is allowed
    if allowed:
        rotate_service_user_password(session, registries, actor=actor, username="primus")
        session.commit()
        assert authenticate(session, "primus", PASSWORD) is None
    else:
        with pytest.raises(Forbidden):
            rotate_service_user_password(session, registries, actor=actor, username="primus")
        session.rollback()
        assert authenticate(session, "primus", PASSWORD) is not None


def test_only_service_users_passwords_are_rotated(session: Session, registries: Registries) -> None:
    add_user(session, "kaisa", [("READ", A1)])

    with pytest.raises(InvalidAdministration) as raised:
        rotate_service_user_password(session, registries, actor=OPH_ADMIN, username="kaisa")
    with pytest.raises(InvalidAdministration) as unknown:
        rotate_service_user_password(session, registries, actor=OPH_ADMIN, username="nobody")

    assert raised.value.problem is Problem.NOT_A_SERVICE_USER
    assert unknown.value.problem is Problem.UNKNOWN_USER


def test_generated_passwords_meet_the_service_user_rule() -> None:
    passwords = [generate_password() for _ in range(200)]

    assert len(set(passwords)) == 200
    assert all(len(password) == 20 and is_strong_password(password) for password in passwords)


@pytest.mark.parametrize(
    ("password", "strong"),
    [
        ("Abcdefgh1!", True),
        ("Abcdefg1!", False),  # 9 characters
        ("abcdefgh1!", False),  # no upper case
        ("ABCDEFGH1!", False),  # no lower case
        ("Abcdefghi!", False),  # no digit
        ("Abcdefghi1", False),  # no special character
        ("Abcdefgh1 ", False),  # a space is not a special character
    ],
)
def test_password_strength(password: str, strong: bool) -> None:
    assert is_strong_password(password) is strong


# --- what an administrator sees ---------------------------------------------------------------


def test_users_in_tree(session: Session, registries: Registries) -> None:
    add_user(session, "in-a", [("READ", A)])
    add_user(session, "in-t1", [("CRUD", T1)])
    add_user(session, "in-a2-and-b1", [("CRUD", A2), ("READ", B1)])
    add_user(session, "in-b", [("CRUD", B)])
    add_user(session, "service-a1", [("CRUD", A1)], Kayttajatyyppi.PALVELU)
    add_user(session, "no-roles", [])

    def names(actor: Actor) -> list[str]:
        return [user.username for user in users_in_tree(session, registries, actor)]

    assert names(PK_A) == ["in-a", "in-a2-and-b1", "in-t1", "service-a1"]
    assert names(PK_A1) == ["in-t1", "service-a1"]
    assert names(officer(("PAAKAYTTAJA", B1))) == ["in-a2-and-b1"]
    assert names(OPH_ADMIN) == [
        "in-a",
        "in-a2-and-b1",
        "in-b",
        "in-t1",
        "no-roles",
        "service-a1",
    ]
    assert names(RECORDER_A) == []


def test_administered_roles_hide_other_trees_and_mark_what_can_be_revoked(
    session: Session, registries: Registries
) -> None:
    user = add_user(session, "paula", [("PAAKAYTTAJA", A1), ("CRUD", A1), ("READ", B1)])

    seen = administered_roles(PK_A, user, registries)
    everything = administered_roles(OPH_ADMIN, user, registries)

    assert [(r.name, r.organisation_oid, r.revocable) for r in seen] == [
        ("CRUD", A1, True),
        ("PAAKAYTTAJA", A1, False),
    ]
    assert {(r.name, r.organisation_oid) for r in everything} == {
        ("PAAKAYTTAJA", A1),
        ("CRUD", A1),
        ("READ", B1),
    }
    assert all(r.revocable for r in everything)


def test_organisation_choices_are_the_tree_of_the_actor(
    session: Session, registries: Registries
) -> None:
    def tree(actor: Actor) -> list[tuple[str, int]]:
        return [(c.oid, c.depth) for c in organisation_choices(session, registries, actor)]

    assert tree(PK_A) == [(A, 0), (A1, 1), (T1, 2), (A2, 1)]
    assert tree(PK_A1) == [(A1, 0), (T1, 1)]
    # Siblings by name: "Ammattikoulu B1" < "Koulutuskuntayhtymä A", "Koulutus B Oy" < it too.
    assert tree(officer(("PAAKAYTTAJA", A), ("PAAKAYTTAJA", B1))) == [
        (B1, 0),
        (A, 0),
        (A1, 1),
        (T1, 2),
        (A2, 1),
    ]
    assert tree(OPH_ADMIN) == [
        (OPH, 0),
        (B, 1),
        (B1, 2),
        (A, 1),
        (A1, 2),
        (T1, 3),
        (A2, 2),
    ]
    assert tree(RECORDER_A) == []
    [first, *_] = organisation_choices(session, registries, PK_A)
    assert first.names["fi"] == "Koulutuskuntayhtymä A"


def test_an_organisation_the_register_does_not_know_is_listed_by_oid(
    session: Session, registries: Registries
) -> None:
    unknown = new_oid("10")

    [choice] = organisation_choices(session, registries, officer(("PAAKAYTTAJA", unknown)))

    assert (choice.oid, choice.names, choice.depth) == (unknown, {}, 0)
