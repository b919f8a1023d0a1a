"""Social: athletes follow athletes, and belong to clubs of their tenant.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE social.follows (
            follower_id  uuid        NOT NULL REFERENCES users.accounts (id),
            followee_id  uuid        NOT NULL REFERENCES users.accounts (id),
            created_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (follower_id, followee_id),
            CHECK (follower_id <> followee_id)
        )
        """
    )
    op.execute("CREATE INDEX follows_by_followee ON social.follows (followee_id)")
    op.execute(
        """
        CREATE TABLE social.clubs (
            id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id   uuid        NOT NULL REFERENCES users.tenants (id),
            name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            created_by  uuid        NOT NULL REFERENCES users.accounts (id),
            created_at  timestamptz NOT NULL DEFAULT now(),
            UNIQUE (tenant_id, name)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE social.club_members (
            club_id     uuid        NOT NULL REFERENCES social.clubs (id) ON DELETE CASCADE,
            athlete_id  uuid        NOT NULL REFERENCES users.accounts (id),
            joined_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (club_id, athlete_id)
        )
        """
    )
    op.execute("CREATE INDEX club_members_by_athlete ON social.club_members (athlete_id)")
