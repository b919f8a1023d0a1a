"""The devices context publishes its registry to ingest and analytics as a view.

Revision ID: d001
Revises: 0001

``devices.published_devices`` is what other contexts may read of ``devices.devices``: which
tenant and athlete a device belongs to and whether it is revoked, never its broker credentials.
"""

from alembic import op

revision = "d001"
down_revision = "0001"


def upgrade() -> None:
    op.execute(
        "CREATE VIEW devices.published_devices AS"
        " SELECT id, tenant_id, athlete_id, name, kind, registered_at, revoked_at"
        " FROM devices.devices"
    )


def downgrade() -> None:
    op.execute("DROP VIEW devices.published_devices")
