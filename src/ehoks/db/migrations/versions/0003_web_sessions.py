"""browser sessions; roles and organisation in audit events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ehoks.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:  # type: ignore[type-arg]
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("oid", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("cas_roles", _json(), nullable=False),
        sa.Column("cas_ticket", sa.String(length=256), nullable=True),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("data", _json(), nullable=False),
        sa.Column("created_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ehoks.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_web_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"])
    op.create_index(op.f("ix_web_session_cas_ticket"), "web_session", ["cas_ticket"])
    op.create_index(op.f("ix_web_session_expires_at"), "web_session", ["expires_at"])
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("actor_roles", _json(), nullable=True))
        batch.add_column(sa.Column("organisation_oid", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_audit_event_organisation_oid"), ["organisation_oid"])


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_index(batch.f("ix_audit_event_organisation_oid"))
        batch.drop_column("organisation_oid")
        batch.drop_column("actor_roles")
    op.drop_index(op.f("ix_web_session_expires_at"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_cas_ticket"), table_name="web_session")
    op.drop_index(op.f("ix_web_session_user_id"), table_name="web_session")
    op.drop_table("web_session")
