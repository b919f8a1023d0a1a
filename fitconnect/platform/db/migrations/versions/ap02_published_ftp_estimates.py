"""The FTP estimates, published for the training context (the suggestion beside the FTP).

Revision ID: ap02
Revises: ap01

The estimate after each session with a 20-minute power and whether it rose; the athlete's
stated FTP (the profile) is what sessions are computed with, the estimate only a suggestion.
"""

from alembic import op

revision = "ap02"
down_revision = "ap01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIEW analytics.published_ftp_estimates AS"
        " SELECT athlete_id, at, ftp_estimate_w, previous_w, rose FROM analytics.ftp_estimates"
    )


def downgrade() -> None:
    op.execute("DROP VIEW analytics.published_ftp_estimates")
