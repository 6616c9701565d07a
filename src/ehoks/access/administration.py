"""Role administration: who may grant and revoke roles, create users and rotate passwords.

Every role is held in an organisation and inherited by its descendants (``parentOidPath``,
``reference/domain.md`` §B.6). The rules (``product.md`` §1):

* a pääkäyttäjä (``PAAKAYTTAJA`` held in organisation X) administers X and its descendants: it
  grants and revokes ``READ``, ``CRUD`` and ``HOKS_DELETE`` there, creates officers and service
  users with roles there (service users get ``READ`` or ``CRUD`` only), and rotates the password
  of a service user whose roles all lie there. Never ``PAAKAYTTAJA`` or ``OPHPAAKAYTTAJA``, never
  outside its tree;
* an OPH administrator (``OPHPAAKAYTTAJA`` on the OPH root organisation) does all of that in every
  organisation, and also grants and revokes ``PAAKAYTTAJA`` and ``OPHPAAKAYTTAJA`` (the latter is
  held on the OPH root only);
* the system actor (the CLI) may do everything, also in organisations the registers do not know
  yet (so that the first administrators can be made before any data is imported).

Refusals raise ``Forbidden``, bad input ``InvalidRequest``; both carry a ``problem`` code that the
pages turn into a translated message next to the right field. Every change writes one audit event.
Functions flush; the caller commits.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ehoks.access import audit
from ehoks.access.identity import Actor, ActorKind
from ehoks.access.passwords import hash_password
from ehoks.access.roles import RoleName
from ehoks.access.storage import CasTicket, User, UserRole
from ehoks.access.users import MAX_USERNAME_LENGTH, Kayttajatyyppi, create_user, list_users
from ehoks.db.types import utcnow
from ehoks.errors import Forbidden, InvalidRequest
from ehoks.identifiers import ORGANISAATIO_OID_RE
from ehoks.registries.storage import LocalOrganisaatio
from ehoks.registries.wiring import Registries
from ehoks.settings import OPH_ROOT_OID

# The order roles are offered and listed in.
ROLE_ORDER: tuple[RoleName, ...] = (
    RoleName.READ,
    RoleName.CRUD,
    RoleName.HOKS_DELETE,
    RoleName.PAAKAYTTAJA,
    RoleName.OPHPAAKAYTTAJA,
)
# What a pääkäyttäjä grants in its tree.
PROVIDER_ROLES: tuple[RoleName, ...] = (RoleName.READ, RoleName.CRUD, RoleName.HOKS_DELETE)
# What a service user (a system transferring data) may hold.
SERVICE_USER_ROLES: tuple[RoleName, ...] = (RoleName.READ, RoleName.CRUD)
# The roles that administer users.
ADMINISTRATOR_ROLES: frozenset[RoleName] = frozenset(
    {RoleName.PAAKAYTTAJA, RoleName.OPHPAAKAYTTAJA}
)

GENERATED_PASSWORD_LENGTH = 20
SPECIAL_CHARACTERS = "-_.+=@%"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + SPECIAL_CHARACTERS


class Problem(StrEnum):
    """Why an administration request was refused (the pages map each to a field and a text)."""

    NOT_AN_ADMINISTRATOR = "not-an-administrator"
    USERNAME_INVALID = "username-invalid"
    USERNAME_TAKEN = "username-taken"
    UNKNOWN_USER = "unknown-user"
    UNKNOWN_ROLE = "unknown-role"
    NO_ROLES = "no-roles"
    ROLE_NOT_ALLOWED = "role-not-allowed"
    ROLE_NOT_FOR_SERVICE_USERS = "role-not-for-service-users"
    OPH_ROLE_ON_ROOT_ONLY = "oph-role-on-root-only"
    MALFORMED_ORGANISATION = "malformed-organisation"
    UNKNOWN_ORGANISATION = "unknown-organisation"
    OUTSIDE_TREE = "outside-tree"
    ALREADY_HELD = "already-held"
    NOT_HELD = "not-held"
    OWN_ADMINISTRATOR_ROLE = "own-administrator-role"
    NOT_A_SERVICE_USER = "not-a-service-user"
    SERVICE_USER_OUTSIDE_TREE = "service-user-outside-tree"


class AdministrationRefused(Forbidden):
    """The actor may not do this."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class InvalidAdministration(InvalidRequest):
    """The request cannot be carried out as given (unknown user, role already held, …)."""

    def __init__(self, problem: Problem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class AdministeredRole:
    """A role grant the actor sees, and whether the actor may revoke it."""

    name: str
    organisation_oid: str
    revocable: bool


@dataclass(frozen=True)
class OrganisationChoice:
    """An organisation roles can be granted in; ``depth`` 0 is a top of the actor's tree."""

    oid: str
    names: dict[str, str]
    depth: int


# --- who administers what ---------------------------------------------------------------------


def is_oph_administrator(actor: Actor) -> bool:
    """The system itself, or an officer holding ``OPHPAAKAYTTAJA`` on the OPH root."""
    if actor.kind is ActorKind.SYSTEM:
        return True
    return actor.kind is ActorKind.VIRKAILIJA and any(
        entry.oid == OPH_ROOT_OID and "oph-super-user" in entry.roles
        for entry in actor.organisation_privileges
    )


def administered_roots(actor: Actor) -> frozenset[str]:
    """The organisations where the actor holds an administrator role (their trees it manages).

    ``OPHPAAKAYTTAJA`` held outside the OPH root administers that organisation's tree only."""
    if actor.kind is not ActorKind.VIRKAILIJA:
        return frozenset()
    return frozenset(
        entry.oid
        for entry in actor.organisation_privileges
        if "paakayttaja" in entry.roles or "oph-super-user" in entry.roles
    )


def is_administrator(actor: Actor) -> bool:
    return is_oph_administrator(actor) or bool(administered_roots(actor))


def administers(actor: Actor, organisation_oid: str, registries: Registries) -> bool:
    """True when ``organisation_oid`` is in the actor's tree (or the actor is OPH / system)."""
    if is_oph_administrator(actor):
        return True
    roots = administered_roots(actor)
    if not roots:
        return False
    if organisation_oid in roots:
        return True
    ancestors = registries.organisation_ancestors(organisation_oid)
    return bool(ancestors) and not roots.isdisjoint(ancestors or ())


def grantable_roles(
    actor: Actor, organisation_oid: str, registries: Registries
) -> tuple[RoleName, ...]:
    """The roles the actor may grant (and revoke) in ``organisation_oid``, in ``ROLE_ORDER``."""
    if not administers(actor, organisation_oid, registries):
        return ()
    if is_oph_administrator(actor):
        return tuple(
            role
            for role in ROLE_ORDER
            if role is not RoleName.OPHPAAKAYTTAJA or organisation_oid == OPH_ROOT_OID
        )
    return PROVIDER_ROLES


def offered_roles(actor: Actor) -> tuple[RoleName, ...]:
    """Every role the actor may grant somewhere (for the form's choices)."""
    if is_oph_administrator(actor):
        return ROLE_ORDER
    return PROVIDER_ROLES if administered_roots(actor) else ()


def _may_revoke(actor: Actor, role: UserRole, registries: Registries) -> bool:
    if role.name in ADMINISTRATOR_ROLES and actor.oid and actor.oid == role.user.oid:
        return False  # one's own administrator role: another administrator revokes it
    if role.name in grantable_roles(actor, role.organisation_oid, registries):
        return True
    # An OPH administrator may also clean up grants that could not be made today.
    return is_oph_administrator(actor)


# --- granting and revoking --------------------------------------------------------------------


def grant_role(
    session: Session,
    registries: Registries,
    *,
    actor: Actor,
    username: str,
    name: str,
    organisation_oid: str,
) -> UserRole:
    """Grant role ``name`` in ``organisation_oid`` to ``username``."""
    _require_administrator(actor)
    role = _role_name(name)
    organisation_oid = organisation_oid.strip()
    user = _user(session, username)
    _check_grant(actor, registries, user.kayttajatyyppi, role, organisation_oid)
    if _held_role(user, role, organisation_oid) is not None:
        raise InvalidAdministration(
            Problem.ALREADY_HELD,
            f"User `{user.username}` already holds {role.value} in {organisation_oid}",
        )
    grant = UserRole(
        name=role.value, organisation_oid=organisation_oid, granted_by=_granted_by(actor)
    )
    user.roles.append(grant)
    session.flush()
    _record_role_change(session, actor, user, role, organisation_oid, "grant-role", "newValue")
    return grant


def revoke_role(
    session: Session,
    registries: Registries,
    *,
    actor: Actor,
    username: str,
    name: str,
    organisation_oid: str,
) -> None:
    """Revoke role ``name`` in ``organisation_oid`` from ``username``."""
    _require_administrator(actor)
    role = _role_name(name)
    organisation_oid = organisation_oid.strip()
    _check_organisation_oid(organisation_oid)
    user = _user(session, username)
    # An OPH administrator may also clean up grants that could not be made today.
    if role not in grantable_roles(actor, organisation_oid, registries) and not (
        is_oph_administrator(actor)
    ):
        raise _refusal(actor, registries, role, organisation_oid, verb="revoke")
    held = _held_role(user, role, organisation_oid)
    if held is None:
        raise InvalidAdministration(
            Problem.NOT_HELD,
            f"User `{user.username}` does not hold {role.value} in {organisation_oid}",
        )
    if role in ADMINISTRATOR_ROLES and actor.oid and actor.oid == user.oid:
        raise AdministrationRefused(
            Problem.OWN_ADMINISTRATOR_ROLE,
            "You cannot revoke your own administrator role; ask another administrator",
        )
    user.roles.remove(held)
    session.flush()
    _record_role_change(session, actor, user, role, organisation_oid, "revoke-role", "oldValue")


def _check_grant(
    actor: Actor,
    registries: Registries,
    kayttajatyyppi: str,
    role: RoleName,
    organisation_oid: str,
) -> None:
    _check_organisation_oid(organisation_oid)
    if kayttajatyyppi == Kayttajatyyppi.PALVELU and role not in SERVICE_USER_ROLES:
        allowed = ", ".join(role.value for role in SERVICE_USER_ROLES)
        raise InvalidAdministration(
            Problem.ROLE_NOT_FOR_SERVICE_USERS,
            f"Service users can hold only these roles: {allowed}",
        )
    if role is RoleName.OPHPAAKAYTTAJA and organisation_oid != OPH_ROOT_OID:
        raise InvalidAdministration(
            Problem.OPH_ROLE_ON_ROOT_ONLY,
            f"OPHPAAKAYTTAJA is held on the OPH root organisation {OPH_ROOT_OID} only",
        )
    if actor.kind is not ActorKind.SYSTEM and not _known_organisation(registries, organisation_oid):
        raise InvalidAdministration(
            Problem.UNKNOWN_ORGANISATION,
            f"Organisation {organisation_oid} is unknown to Organisaatiopalvelu",
        )
    if role not in grantable_roles(actor, organisation_oid, registries):
        raise _refusal(actor, registries, role, organisation_oid, verb="grant")


def _check_organisation_oid(organisation_oid: str) -> None:
    if not ORGANISAATIO_OID_RE.match(organisation_oid):
        raise InvalidAdministration(
            Problem.MALFORMED_ORGANISATION, f"Malformed organisation OID `{organisation_oid}`"
        )


def _refusal(
    actor: Actor, registries: Registries, role: RoleName, organisation_oid: str, *, verb: str
) -> AdministrationRefused:
    if not administers(actor, organisation_oid, registries):
        return AdministrationRefused(
            Problem.OUTSIDE_TREE,
            f"You may not {verb} roles in {organisation_oid}: it is outside the organisations "
            "you administer",
        )
    return AdministrationRefused(
        Problem.ROLE_NOT_ALLOWED, f"You may not {verb} {role.value} in {organisation_oid}"
    )


def _known_organisation(registries: Registries, organisation_oid: str) -> bool:
    return (
        organisation_oid == OPH_ROOT_OID
        or registries.organisation_ancestors(organisation_oid) is not None
    )


# --- creating users and rotating passwords ----------------------------------------------------


def create_officer(
    session: Session,
    registries: Registries,
    *,
    actor: Actor,
    username: str,
    roles: Iterable[tuple[str, str]],
    display_name: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """A new officer (VIRKAILIJA) with ``(role NAME, organisation OID)`` grants.

    Without ``password`` one is generated. Returns the user and its password, which the caller
    shows once: only its hash is stored."""
    return _create(
        session,
        registries,
        actor=actor,
        kayttajatyyppi=Kayttajatyyppi.VIRKAILIJA,
        username=username,
        roles=roles,
        display_name=display_name,
        password=password,
    )


def create_service_user(
    session: Session,
    registries: Registries,
    *,
    actor: Actor,
    username: str,
    roles: Iterable[tuple[str, str]],
    display_name: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """A new service user (PALVELU) for data transfer, with ``READ`` / ``CRUD`` grants."""
    return _create(
        session,
        registries,
        actor=actor,
        kayttajatyyppi=Kayttajatyyppi.PALVELU,
        username=username,
        roles=roles,
        display_name=display_name,
        password=password,
    )


def _create(
    session: Session,
    registries: Registries,
    *,
    actor: Actor,
    kayttajatyyppi: Kayttajatyyppi,
    username: str,
    roles: Iterable[tuple[str, str]],
    display_name: str,
    password: str | None,
) -> tuple[User, str]:
    _require_administrator(actor)
    if not username or username != username.strip() or len(username) > MAX_USERNAME_LENGTH:
        raise InvalidAdministration(
            Problem.USERNAME_INVALID,
            f"Username must be 1-{MAX_USERNAME_LENGTH} characters without surrounding spaces",
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidAdministration(Problem.USERNAME_TAKEN, f"User `{username}` already exists")
    grants: list[tuple[str, str]] = []
    for name, organisation_oid in roles:
        role = _role_name(name)
        organisation_oid = organisation_oid.strip()
        _check_grant(actor, registries, kayttajatyyppi, role, organisation_oid)
        if (role.value, organisation_oid) not in grants:
            grants.append((role.value, organisation_oid))
    if not grants and actor.kind is not ActorKind.SYSTEM:
        raise InvalidAdministration(Problem.NO_ROLES, "Give the new user at least one role")
    password = password if password is not None else generate_password()
    user = create_user(
        session,
        username=username,
        password=password,
        kayttajatyyppi=kayttajatyyppi.value,
        roles=grants,
        display_name=display_name.strip(),
        actor=actor,
    )
    audit.record(
        session,
        actor=actor,
        operation="create-user",
        target={"username": user.username, "userOid": user.oid},
        changes=[
            {
                "path": "user",
                "newValue": {
                    "username": user.username,
                    "oid": user.oid,
                    "kayttajatyyppi": user.kayttajatyyppi,
                    "displayName": user.display_name,
                    "roles": [f"{name}:{organisation_oid}" for name, organisation_oid in grants],
                },
            }
        ],
    )
    return user, password


def rotatable_service_user(
    session: Session, registries: Registries, *, actor: Actor, username: str
) -> User:
    """The service user ``username`` if the actor may rotate its password; raises otherwise."""
    _require_administrator(actor)
    user = _user(session, username)
    if user.kayttajatyyppi != Kayttajatyyppi.PALVELU:
        raise InvalidAdministration(
            Problem.NOT_A_SERVICE_USER, f"User `{user.username}` is not a service user"
        )
    if not may_rotate_password(actor, user, registries):
        raise AdministrationRefused(
            Problem.SERVICE_USER_OUTSIDE_TREE,
            f"Service user `{user.username}` has roles outside the organisations you administer",
        )
    return user


def may_rotate_password(actor: Actor, user: User, registries: Registries) -> bool:
    """True when the actor may rotate the password of service user ``user``: OPH always, a
    pääkäyttäjä when every role of the user lies in its tree."""
    if user.kayttajatyyppi != Kayttajatyyppi.PALVELU or not is_administrator(actor):
        return False
    if is_oph_administrator(actor):
        return True
    return bool(user.roles) and all(
        administers(actor, role.organisation_oid, registries) for role in user.roles
    )


def rotate_service_user_password(
    session: Session, registries: Registries, *, actor: Actor, username: str
) -> str:
    """A new generated password for a service user; the old one stops working at once.

    Its ticket-granting tickets end too (they were got with the old password). Returns the new
    password, to be shown once: only its hash is stored."""
    user = rotatable_service_user(session, registries, actor=actor, username=username)
    password = generate_password()
    previous = user.password_changed_at
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    session.execute(
        delete(CasTicket)
        .where(CasTicket.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        operation="rotate-password",
        target={"username": user.username, "userOid": user.oid},
        changes=[
            {
                "path": "password-changed-at",
                "oldValue": previous,
                "newValue": user.password_changed_at,
            }
        ],
    )
    return password


def generate_password(length: int = GENERATED_PASSWORD_LENGTH) -> str:
    """A random password with upper and lower case letters, digits and special characters."""
    if length < 4:
        raise ValueError("a generated password needs room for every character class")
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if is_strong_password(password):
            return password


def is_strong_password(password: str) -> bool:
    """At least 10 characters with an upper and a lower case letter, a digit and a special
    character (the service-user password rule, ``reference/domain.md`` §B.6)."""
    return (
        len(password) >= 10
        and any(char.isupper() for char in password)
        and any(char.islower() for char in password)
        and any(char.isdigit() for char in password)
        and any(not char.isalnum() and not char.isspace() for char in password)
    )


# --- what the actor sees ----------------------------------------------------------------------


def users_in_tree(session: Session, registries: Registries, actor: Actor) -> list[User]:
    """The users holding a role in an organisation the actor administers (or a descendant), by
    username. An OPH administrator sees every user."""
    if is_oph_administrator(actor):
        return list_users(session)
    if not administered_roots(actor):
        return []
    in_tree: dict[str, bool] = {}

    def administered(organisation_oid: str) -> bool:
        if organisation_oid not in in_tree:
            in_tree[organisation_oid] = administers(actor, organisation_oid, registries)
        return in_tree[organisation_oid]

    users = session.scalars(select(User).where(User.roles.any()).order_by(User.username)).all()
    return [user for user in users if any(administered(r.organisation_oid) for r in user.roles)]


def administered_roles(actor: Actor, user: User, registries: Registries) -> list[AdministeredRole]:
    """The user's roles inside the actor's tree (all of them for OPH), revocable or not."""
    visible = [role for role in user.roles if administers(actor, role.organisation_oid, registries)]
    order = {role.value: index for index, role in enumerate(ROLE_ORDER)}
    visible.sort(key=lambda role: (role.organisation_oid, order.get(role.name, len(order))))
    return [
        AdministeredRole(role.name, role.organisation_oid, _may_revoke(actor, role, registries))
        for role in visible
    ]


def organisation_choices(
    session: Session, registries: Registries, actor: Actor
) -> list[OrganisationChoice]:
    """The organisations the actor administers and their descendants, as a tree in depth-first
    order (siblings by name). Descendants come from the local organisation register; names
    from Organisaatiopalvelu (an organisation it does not know has no names)."""
    roots = set(administered_roots(actor))
    oph = is_oph_administrator(actor)
    if oph:
        roots.add(OPH_ROOT_OID)
    if not roots:
        return []
    # Ancestors (root first) of every organisation in the tree; None when the local register
    # does not know the organisation (then it is shown at the top).
    tree: dict[str, list[str] | None] = dict.fromkeys(roots)
    query = select(LocalOrganisaatio.oid, LocalOrganisaatio.parent_oid_path)
    if not oph:
        query = query.where(
            or_(
                LocalOrganisaatio.oid.in_(roots),
                *(LocalOrganisaatio.parent_oid_path.contains(root) for root in roots),
            )
        )
    for oid, parent_oid_path in session.execute(query):
        ancestors = [part for part in (parent_oid_path or "").split("|") if part]
        if oph or oid in roots or not roots.isdisjoint(ancestors):
            tree[oid] = ancestors
    found = {
        organisaatio.oid: organisaatio
        for organisaatio in registries.organisaatio.find_by_oids(sorted(tree))
    }
    names = {oid: dict(found[oid].nimi) if oid in found else {} for oid in tree}
    children: dict[str | None, list[str]] = {}
    for oid, path in tree.items():
        parent = next(
            (ancestor for ancestor in reversed(path or []) if ancestor in tree and ancestor != oid),
            None,
        )
        children.setdefault(parent, []).append(oid)

    def sort_key(oid: str) -> tuple[str, str]:
        label = names[oid].get("fi") or names[oid].get("sv") or names[oid].get("en") or ""
        return (label.casefold() or "\uffff", oid)

    choices: list[OrganisationChoice] = []

    def visit(parent: str | None, depth: int, seen: set[str]) -> None:
        for oid in sorted(children.get(parent, []), key=sort_key):
            if oid in seen:
                continue
            seen.add(oid)
            choices.append(OrganisationChoice(oid, names[oid], depth))
            visit(oid, depth + 1, seen)

    visit(None, 0, set())
    return choices


# --- helpers ----------------------------------------------------------------------------------


def _require_administrator(actor: Actor) -> None:
    if not is_administrator(actor):
        raise AdministrationRefused(
            Problem.NOT_AN_ADMINISTRATOR, "Only a pääkäyttäjä or an OPH administrator may do this"
        )


def _role_name(name: str) -> RoleName:
    try:
        return RoleName(name.strip())
    except ValueError:
        known = ", ".join(role.value for role in ROLE_ORDER)
        raise InvalidAdministration(
            Problem.UNKNOWN_ROLE, f"Unknown role `{name}` (known roles: {known})"
        ) from None


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise InvalidAdministration(Problem.UNKNOWN_USER, f"Unknown user `{username.strip()}`")
    return user


def _granted_by(actor: Actor) -> str:
    return (actor.oid or actor.username)[:64]


def _held_role(user: User, role: RoleName, organisation_oid: str) -> UserRole | None:
    """The user's grant of ``role`` in ``organisation_oid``, if it holds one."""
    return next(
        (
            grant
            for grant in user.roles
            if grant.name == role.value and grant.organisation_oid == organisation_oid
        ),
        None,
    )


def _record_role_change(
    session: Session,
    actor: Actor,
    user: User,
    role: RoleName,
    organisation_oid: str,
    operation: str,
    value_key: str,
) -> None:
    """Audit ``operation`` on the user's ``role`` in ``organisation_oid``: the grant as the
    ``value_key`` (``newValue`` granted, ``oldValue`` revoked) of the user's roles."""
    audit.record(
        session,
        actor=actor,
        operation=operation,
        target={
            "username": user.username,
            "userOid": user.oid,
            "role": role.value,
            "organisationOid": organisation_oid,
        },
        changes=[{"path": "roles", value_key: f"{role.value}:{organisation_oid}"}],
    )
