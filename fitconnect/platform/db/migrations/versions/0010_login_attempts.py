"""Login throttling counted atomically per key (account, address, the pair), with its wait.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.execute("DROP TABLE users.login_failures")
    op.execute(
        """
        CREATE TABLE users.login_attempts (
            key            text             PRIMARY KEY,
            failures       integer          NOT NULL,
            last_at        timestamptz      NOT NULL,
            blocked_until  timestamptz,
            threshold      integer          NOT NULL,
            window_s       double precision NOT NULL,
            base_s         double precision NOT NULL,
            cap_s          double precision NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX login_attempts_idle ON users.login_attempts (last_at)")
