"""A session's ``sources`` and ``quality`` are JSON lists: their defaults too.

Revision ID: a004
Revises: a003
"""

from alembic import op

revision = "a004"
down_revision = "a003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE analytics.sessions ALTER COLUMN sources SET DEFAULT '[]',"
        " ALTER COLUMN quality SET DEFAULT '[]'"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE analytics.sessions ALTER COLUMN sources SET DEFAULT '{}',"
        " ALTER COLUMN quality SET DEFAULT '{}'"
    )
