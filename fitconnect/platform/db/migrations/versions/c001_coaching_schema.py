"""Coaching links move to the coaching context's own schema (``coaching.links``).

Revision ID: c001
Revises: 0004

The coaching context writes its links; in the ``users`` schema they were the only table of
another context there, so the users schema could not move to its own server without them.
"""

from alembic import op

revision = "c001"
down_revision = "0004"


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS coaching")
    op.execute("ALTER TABLE users.coaching_links SET SCHEMA coaching")
    op.execute("ALTER TABLE coaching.coaching_links RENAME TO links")


def downgrade() -> None:
    op.execute("ALTER TABLE coaching.links RENAME TO coaching_links")
    op.execute("ALTER TABLE coaching.coaching_links SET SCHEMA users")
