"""The devices (browsers, apps) each account signed in from, to tell a new one.

Revision ID: us01
Revises: 0003

A device is known by a hash of its User-Agent: its address changes with every network, and
the text itself is not kept beyond the notification that names it.
"""

from alembic import op

revision = "us01"
down_revision = "0003"
branch_labels = ("users_sign_in",)
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users.sign_in_devices (
            account_id   uuid        NOT NULL REFERENCES users.accounts (id) ON DELETE CASCADE,
            device_hash  text        NOT NULL,
            first_seen   timestamptz NOT NULL DEFAULT now(),
            last_seen    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (account_id, device_hash)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE users.sign_in_devices")
