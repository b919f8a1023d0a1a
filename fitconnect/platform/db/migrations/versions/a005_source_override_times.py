"""When an athlete chose a device for a stream: a new choice recomputes their sessions.

Revision ID: a005
Revises: a004
"""

from alembic import op

revision = "a005"
down_revision = "a004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE analytics.source_overrides"
        " ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE analytics.source_overrides DROP COLUMN updated_at")
