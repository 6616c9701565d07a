"""registry codes: local Koodisto and ePerusteet tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ehoks.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _document(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(
        name,
        sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
        nullable=nullable,
    )


def _updated_at() -> sa.Column[Any]:
    return sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "registry_koodisto_koodi",
        sa.Column("koodi_uri", sa.String(length=256), nullable=False),
        sa.Column("versio", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("koodisto_uri", sa.String(length=256), nullable=False),
        _document("document"),
        _updated_at(),
        sa.PrimaryKeyConstraint("koodi_uri", "versio", name=op.f("pk_registry_koodisto_koodi")),
    )
    with op.batch_alter_table("registry_koodisto_koodi", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_koodisto_koodi_koodisto_uri"), ["koodisto_uri"], unique=False
        )

    op.create_table(
        "registry_eperusteet_tutkinnon_osa",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("koodi_uri", sa.String(length=256), nullable=True),
        _document("document"),
        _updated_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_eperusteet_tutkinnon_osa")),
    )
    with op.batch_alter_table("registry_eperusteet_tutkinnon_osa", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_tutkinnon_osa_koodi_uri"),
            ["koodi_uri"],
            unique=False,
        )

    op.create_table(
        "registry_eperusteet_peruste",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("diaarinumero", sa.String(length=128), nullable=True),
        _document("document"),
        _updated_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_eperusteet_peruste")),
    )
    with op.batch_alter_table("registry_eperusteet_peruste", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_eperusteet_peruste_diaarinumero"),
            ["diaarinumero"],
            unique=False,
        )

    op.create_table(
        "registry_eperusteet_suoritustapa",
        sa.Column("peruste_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("suoritustapakoodi", sa.String(length=32), nullable=False),
        _document("rakenne", nullable=True),
        _document("tutkinnon_osa_viitteet", nullable=True),
        _updated_at(),
        sa.PrimaryKeyConstraint(
            "peruste_id", "suoritustapakoodi", name=op.f("pk_registry_eperusteet_suoritustapa")
        ),
    )


def downgrade() -> None:
    op.drop_table("registry_eperusteet_suoritustapa")
    with op.batch_alter_table("registry_eperusteet_peruste", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_peruste_diaarinumero"))

    op.drop_table("registry_eperusteet_peruste")
    with op.batch_alter_table("registry_eperusteet_tutkinnon_osa", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_eperusteet_tutkinnon_osa_koodi_uri"))

    op.drop_table("registry_eperusteet_tutkinnon_osa")
    with op.batch_alter_table("registry_koodisto_koodi", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_koodisto_koodi_koodisto_uri"))

    op.drop_table("registry_koodisto_koodi")
