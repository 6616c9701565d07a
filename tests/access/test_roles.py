"""CAS role strings → organisation privileges (``reference/ehoks-backend.md`` §4.1)."""

from __future__ import annotations

import pytest

from ehoks.access.identity import OrganisationPrivileges
from ehoks.access.roles import cas_role_string, parse_cas_roles

ORG = "1.2.246.562.10.346830761110"
OPH = "1.2.246.562.10.00000000001"
ALL_WRITE = frozenset({"read", "write", "update", "delete"})


@pytest.mark.parametrize(
    ("name", "privileges", "roles"),
    [
        ("CRUD", ALL_WRITE, frozenset()),
        ("READ", frozenset({"read"}), frozenset()),
        ("HOKS_DELETE", frozenset({"hoks_delete"}), frozenset()),
        ("OPHPAAKAYTTAJA", ALL_WRITE, frozenset({"oph-super-user"})),
    ],
)
def test_known_names_give_their_privileges(
    name: str, privileges: frozenset[str], roles: frozenset[str]
) -> None:
    assert parse_cas_roles([f"ROLE_APP_EHOKS_{name}_{ORG}"]) == (
        OrganisationPrivileges(ORG, privileges, roles),
    )


@pytest.mark.parametrize("name", ["UPDATE", "DELETE", "VIRKAILIJA", "TIEDONSIIRTO", "crud"])
def test_unknown_names_give_no_privileges(name: str) -> None:
    entries = parse_cas_roles([f"ROLE_APP_EHOKS_{name}_{ORG}"])
    assert all(not entry.privileges and not entry.roles for entry in entries)


@pytest.mark.parametrize(
    "role",
    [
        "ROLE_APP_EHOKS_CRUD_1.2.246.562.99.12345678901",  # node 99, not an organisation of 10
        "ROLE_APP_EHOKS_CRUD_1.2.246.562.24.44651722625",  # a person
        "ROLE_APP_EHOKS_CRUD_1.2.246.562.199.12345678901",
        "ROLE_APP_EHOKS_CRUD_1.2.246.562.10.",
        "ROLE_APP_EHOKS_CRUD",
        "APP_EHOKS_CRUD_1.2.246.562.10.346830761110",
        "ROLE_APP_KOODISTO_CRUD_1.2.246.562.10.346830761110",
        f"ROLE_APP_EHOKS_CRUD_{ORG}.5",
    ],
)
def test_other_strings_are_ignored(role: str) -> None:
    assert parse_cas_roles([role]) == ()


def test_every_role_becomes_one_entry() -> None:
    entries = parse_cas_roles(
        [
            "APP_EHOKS",
            f"ROLE_APP_EHOKS_READ_{ORG}",
            f"ROLE_APP_EHOKS_HOKS_DELETE_{ORG}",
            f"ROLE_APP_EHOKS_CRUD_{OPH}",
            "ROLE_APP_EHOKS_CRUD_1.2.246.562.99.12345678901",
        ]
    )

    assert entries == (
        OrganisationPrivileges(ORG, frozenset({"read"})),
        OrganisationPrivileges(ORG, frozenset({"hoks_delete"})),
        OrganisationPrivileges(OPH, ALL_WRITE),
    )


def test_role_strings_round_trip() -> None:
    role = cas_role_string("HOKS_DELETE", ORG)
    assert role == f"ROLE_APP_EHOKS_HOKS_DELETE_{ORG}"
    assert parse_cas_roles([role]) == (OrganisationPrivileges(ORG, frozenset({"hoks_delete"})),)
