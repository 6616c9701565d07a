"""audit trail append-only: PostgreSQL refuses UPDATE and DELETE of audit_event

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 18:00:00

Only on PostgreSQL (the production database). SQLite, the embedded default, has no such guard:
there the code's lack of any update or delete path is the guarantee
(``docs/adr/0006-audit-trail-and-student-access-log.md``). ``TRUNCATE`` is not refused: only the
table's owner may run it, and the tests empty their database with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = "audit_event_append_only"
TRIGGER = "audit_event_append_only"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        f"""
        CREATE TRIGGER {TRIGGER}
        BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON audit_event")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
