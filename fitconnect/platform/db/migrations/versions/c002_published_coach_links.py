"""The coaching context publishes who coaches whom (accepted links only) to social.

Revision ID: c002
Revises: c001

Social's visibility rules let an athlete's accepted coach see what a follower sees; it reads
that from ``coaching.published_coach_links``, never from ``coaching.links``.
"""

from alembic import op

revision = "c002"
down_revision = "c001"


def upgrade() -> None:
    op.execute(
        "CREATE VIEW coaching.published_coach_links AS"
        " SELECT coach_id, athlete_id FROM coaching.links WHERE status = 'accepted'"
    )


def downgrade() -> None:
    op.execute("DROP VIEW coaching.published_coach_links")
