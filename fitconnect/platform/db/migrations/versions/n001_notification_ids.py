"""Notifications are addressed by a UUID, like everything else the API shows.

Revision ID: n001
Revises: 0003

``notifications.inbox.id`` stays the outbox row's number (delivery is idempotent on it);
``uuid`` is the id clients see. The inbox is read newest first by (created_at, uuid).
"""

from alembic import op

revision = "n001"
down_revision = "0003"
branch_labels = ("notifications",)
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE notifications.inbox ADD COLUMN uuid uuid NOT NULL UNIQUE"
        " DEFAULT gen_random_uuid()"
    )
    op.execute(
        "CREATE INDEX inbox_page ON notifications.inbox (account_id, created_at DESC, uuid DESC)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX notifications.inbox_page")
    op.execute("ALTER TABLE notifications.inbox DROP COLUMN uuid")
