"""Tenants have an owner and are joined by invitation; accounts and tenants can be deleted.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE users.tenants
            ADD COLUMN owner_id   uuid REFERENCES users.accounts (id),
            ADD COLUMN deleted_at timestamptz
        """
    )
    op.execute("ALTER TABLE users.accounts ADD COLUMN deleted_at timestamptz")
    # The first account of each existing tenant owns it.
    op.execute(
        """
        UPDATE users.tenants t SET owner_id = (
            SELECT a.id FROM users.accounts a WHERE a.tenant_id = t.id
            ORDER BY a.created_at, a.id LIMIT 1)
        """
    )
    op.execute(
        """
        CREATE TABLE users.tenant_invitations (
            id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
            tenant_id   uuid        NOT NULL REFERENCES users.tenants (id),
            token_hash  text        NOT NULL UNIQUE,
            role        text        NOT NULL CHECK (role IN ('athlete', 'coach')),
            email       text,
            created_by  uuid        NOT NULL REFERENCES users.accounts (id),
            created_at  timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL,
            used_by     uuid        REFERENCES users.accounts (id),
            used_at     timestamptz,
            revoked_at  timestamptz
        )
        """
    )
    op.execute("CREATE INDEX tenant_invitations_by_tenant ON users.tenant_invitations (tenant_id)")
