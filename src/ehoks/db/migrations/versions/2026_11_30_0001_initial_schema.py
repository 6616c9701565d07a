"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-30 13:36:12.352701
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ehoks.db.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("kayttajatyyppi", sa.String(length=16), nullable=False),
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("created_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", ehoks.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("oid", name=op.f("uq_app_user_oid")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_oid", sa.String(length=64), nullable=True),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_name", sa.String(length=128), nullable=True),
        sa.Column("session", sa.String(length=256), nullable=True),
        sa.Column("ip_address", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hoks_id", sa.BigInteger(), nullable=True),
        sa.Column("oppija_oid", sa.String(length=64), nullable=True),
        sa.Column("opiskeluoikeus_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "target",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor_oid"), ["actor_oid"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_hoks_id"), ["hoks_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_event_opiskeluoikeus_oid"), ["opiskeluoikeus_oid"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_oppija_oid"), ["oppija_oid"], unique=False)

    op.create_table(
        "hoks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("eid", sa.String(length=36), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column("opiskeluoikeus_oid", sa.String(length=64), nullable=False),
        sa.Column("manuaalisyotto", sa.Boolean(), nullable=False),
        sa.Column("ensikertainen_hyvaksyminen", sa.Date(), nullable=False),
        sa.Column("osaamisen_saavuttamisen_pvm", sa.Date(), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hoks")),
        sa.UniqueConstraint("eid", name=op.f("uq_hoks_eid")),
        sa.UniqueConstraint("opiskeluoikeus_oid", name=op.f("uq_hoks_opiskeluoikeus_oid")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("hoks", schema=None) as batch_op:
        batch_op.create_index("ix_hoks_deleted_at_id", ["deleted_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hoks_oppija_oid"), ["oppija_oid"], unique=False)
        batch_op.create_index(batch_op.f("ix_hoks_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "oppijat",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("nimi", sa.String(length=512), nullable=False),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("pk_oppijat")),
    )
    op.create_table(
        "registry_koski_opiskeluoikeus",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("pk_registry_koski_opiskeluoikeus")),
    )
    with op.batch_alter_table("registry_koski_opiskeluoikeus", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_koski_opiskeluoikeus_oppija_oid"), ["oppija_oid"], unique=False
        )

    op.create_table(
        "registry_onr_henkilo",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("master_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("pk_registry_onr_henkilo")),
    )
    with op.batch_alter_table("registry_onr_henkilo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_onr_henkilo_master_oid"), ["master_oid"], unique=False
        )

    op.create_table(
        "registry_organisaatio",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("parent_oid_path", sa.String(length=1024), nullable=True),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("oid", name=op.f("pk_registry_organisaatio")),
    )
    op.create_table(
        "app_user_role",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("organisation_oid", sa.String(length=64), nullable=False),
        sa.Column("granted_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_app_user_role_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user_role")),
        sa.UniqueConstraint(
            "user_id", "name", "organisation_oid", name=op.f("uq_app_user_role_user_id")
        ),
    )
    with op.batch_alter_table("app_user_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_role_user_id"), ["user_id"], unique=False)

    op.create_table(
        "cas_ticket",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granting_ticket_id", sa.String(length=128), nullable=True),
        sa.Column("service", sa.String(length=1024), nullable=True),
        sa.Column("created_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("consumed_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["granting_ticket_id"],
            ["cas_ticket.id"],
            name=op.f("fk_cas_ticket_granting_ticket_id_cas_ticket"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_cas_ticket_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cas_ticket")),
    )
    with op.batch_alter_table("cas_ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cas_ticket_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cas_ticket_granting_ticket_id"), ["granting_ticket_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cas_ticket_user_id"), ["user_id"], unique=False)

    op.create_table(
        "hoks_module",
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("hoks_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("fk_hoks_module_hoks_id_hoks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("module_id", name=op.f("pk_hoks_module")),
    )
    with op.batch_alter_table("hoks_module", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hoks_module_hoks_id"), ["hoks_id"], unique=False)

    op.create_table(
        "hoks_version",
        sa.Column("hoks_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column(
            "document",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("recorded_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hoks_id"], ["hoks.id"], name=op.f("fk_hoks_version_hoks_id_hoks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hoks_id", "revision", name=op.f("pk_hoks_version")),
    )
    op.create_table(
        "opiskeluoikeudet",
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("oppija_oid", sa.String(length=64), nullable=False),
        sa.Column("oppilaitos_oid", sa.String(length=64), nullable=True),
        sa.Column("koulutustoimija_oid", sa.String(length=64), nullable=True),
        sa.Column(
            "tutkinto_nimi",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "osaamisala_nimi",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("alkamispaiva", sa.Date(), nullable=True),
        sa.Column("arvioitu_paattymispaiva", sa.Date(), nullable=True),
        sa.Column("paattynyt", sa.Date(), nullable=True),
        sa.Column("hankintakoulutus_jarjestaja_oid", sa.String(length=64), nullable=True),
        sa.Column("hankintakoulutus_opiskeluoikeus_oid", sa.String(length=64), nullable=True),
        sa.Column("koski404", sa.Boolean(), nullable=False),
        sa.Column("updated_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hankintakoulutus_opiskeluoikeus_oid"],
            ["opiskeluoikeudet.oid"],
            name=op.f("fk_opiskeluoikeudet_hankintakoulutus_opiskeluoikeus_oid_opiskeluoikeudet"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["oppija_oid"],
            ["oppijat.oid"],
            name=op.f("fk_opiskeluoikeudet_oppija_oid_oppijat"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("oid", name=op.f("pk_opiskeluoikeudet")),
    )
    with op.batch_alter_table("opiskeluoikeudet", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeudet_hankintakoulutus_opiskeluoikeus_oid"),
            ["hankintakoulutus_opiskeluoikeus_oid"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeudet_koulutustoimija_oid"),
            ["koulutustoimija_oid"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeudet_oppija_oid"), ["oppija_oid"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opiskeluoikeudet_oppilaitos_oid"), ["oppilaitos_oid"], unique=False
        )

    op.create_table(
        "tyopaikkajakso",
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("hoks_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("yksiloiva_tunniste", sa.String(length=256), nullable=True),
        sa.Column("osaamisen_hankkimistapa_koodi_uri", sa.String(length=128), nullable=False),
        sa.Column("alku", sa.Date(), nullable=False),
        sa.Column("loppu", sa.Date(), nullable=False),
        sa.Column("tyopaikan_nimi", sa.String(length=512), nullable=True),
        sa.Column("tyopaikan_y_tunnus", sa.String(length=16), nullable=True),
        sa.Column("ohjaaja_nimi", sa.String(length=512), nullable=True),
        sa.Column("ohjaaja_sahkoposti", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["hoks_id"],
            ["hoks.id"],
            name=op.f("fk_tyopaikkajakso_hoks_id_hoks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("module_id", name=op.f("pk_tyopaikkajakso")),
    )
    with op.batch_alter_table("tyopaikkajakso", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tyopaikkajakso_hoks_id"), ["hoks_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tyopaikkajakso_loppu"), ["loppu"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tyopaikkajakso_ohjaaja_sahkoposti"), ["ohjaaja_sahkoposti"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("tyopaikkajakso", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tyopaikkajakso_ohjaaja_sahkoposti"))
        batch_op.drop_index(batch_op.f("ix_tyopaikkajakso_loppu"))
        batch_op.drop_index(batch_op.f("ix_tyopaikkajakso_hoks_id"))

    op.drop_table("tyopaikkajakso")
    with op.batch_alter_table("opiskeluoikeudet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeudet_oppilaitos_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeudet_oppija_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeudet_koulutustoimija_oid"))
        batch_op.drop_index(batch_op.f("ix_opiskeluoikeudet_hankintakoulutus_opiskeluoikeus_oid"))

    op.drop_table("opiskeluoikeudet")
    op.drop_table("hoks_version")
    with op.batch_alter_table("hoks_module", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_module_hoks_id"))

    op.drop_table("hoks_module")
    with op.batch_alter_table("cas_ticket", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cas_ticket_user_id"))
        batch_op.drop_index(batch_op.f("ix_cas_ticket_granting_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_cas_ticket_expires_at"))

    op.drop_table("cas_ticket")
    with op.batch_alter_table("app_user_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_role_user_id"))

    op.drop_table("app_user_role")
    op.drop_table("registry_organisaatio")
    with op.batch_alter_table("registry_onr_henkilo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_onr_henkilo_master_oid"))

    op.drop_table("registry_onr_henkilo")
    with op.batch_alter_table("registry_koski_opiskeluoikeus", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_koski_opiskeluoikeus_oppija_oid"))

    op.drop_table("registry_koski_opiskeluoikeus")
    op.drop_table("oppijat")
    with op.batch_alter_table("hoks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hoks_updated_at"))
        batch_op.drop_index(batch_op.f("ix_hoks_oppija_oid"))
        batch_op.drop_index("ix_hoks_deleted_at_id")

    op.drop_table("hoks")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_oppija_oid"))
        batch_op.drop_index(batch_op.f("ix_audit_event_opiskeluoikeus_oid"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_hoks_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_oid"))

    op.drop_table("audit_event")
    op.drop_table("app_user")
