"""Accounts: profiles, refresh tokens, the notification outbox and inbox.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE users.accounts
            ADD COLUMN birth_date date,
            ADD COLUMN sex text CHECK (sex IN ('female', 'male', 'other')),
            ADD COLUMN weight_kg real CHECK (weight_kg > 0 AND weight_kg < 400),
            ADD COLUMN hr_max_bpm smallint CHECK (hr_max_bpm BETWEEN 100 AND 250),
            ADD COLUMN hr_rest_bpm smallint CHECK (hr_rest_bpm BETWEEN 20 AND 120),
            ADD COLUMN ftp_w smallint CHECK (ftp_w BETWEEN 50 AND 600),
            ADD COLUMN units text NOT NULL DEFAULT 'metric' CHECK (units IN ('metric', 'imperial'))
        """
    )
    op.execute("CREATE UNIQUE INDEX accounts_email ON users.accounts (lower(email))")
    op.execute(
        """
        CREATE TABLE users.refresh_tokens (
            id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            account_id  uuid        NOT NULL REFERENCES users.accounts (id),
            family_id   uuid        NOT NULL,
            token_hash  text        NOT NULL UNIQUE,
            issued_at   timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL,
            used_at     timestamptz,
            revoked_at  timestamptz
        )
        """
    )
    op.execute("CREATE INDEX refresh_tokens_family ON users.refresh_tokens (family_id)")
    op.execute(
        """
        CREATE TABLE notifications.outbox (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id    uuid        NOT NULL,
            kind          text        NOT NULL,
            title         text        NOT NULL,
            body          text        NOT NULL,
            created_at    timestamptz NOT NULL DEFAULT now(),
            delivered_at  timestamptz
        )
        """
    )
    op.execute(
        "CREATE INDEX outbox_pending ON notifications.outbox (id) WHERE delivered_at IS NULL"
    )
    op.execute(
        """
        CREATE TABLE notifications.inbox (
            id          bigint PRIMARY KEY,
            account_id  uuid        NOT NULL,
            kind        text        NOT NULL,
            title       text        NOT NULL,
            body        text        NOT NULL,
            created_at  timestamptz NOT NULL,
            read_at     timestamptz
        )
        """
    )
    op.execute("CREATE INDEX inbox_by_account ON notifications.inbox (account_id, id DESC)")
