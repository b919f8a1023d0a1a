"""Failed logins, shared by every gateway process (the rate limit holds across processes).

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users.login_failures (
            key  text        NOT NULL,
            at   timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX login_failures_by_key ON users.login_failures (key, at)")
