"""Coaching links between a coach and an athlete of the same tenant.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users.coaching_links (
            coach_id    uuid        NOT NULL REFERENCES users.accounts (id),
            athlete_id  uuid        NOT NULL REFERENCES users.accounts (id),
            status      text        NOT NULL
                        CHECK (status IN ('invited', 'accepted', 'refused', 'revoked')),
            created_at  timestamptz NOT NULL DEFAULT now(),
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (coach_id, athlete_id),
            CHECK (coach_id <> athlete_id)
        )
        """
    )
    op.execute("CREATE INDEX coaching_by_athlete ON users.coaching_links (athlete_id)")
