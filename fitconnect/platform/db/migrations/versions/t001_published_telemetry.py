"""Ingest publishes the telemetry other contexts read (training, analytics, runtime) as views.

Revision ID: t001
Revises: 0009

Each view is named ``telemetry.published_<table>`` and shows the table's columns as of this
revision. A later migration that changes one of those tables drops and recreates its view,
so readers keep one stable contract whatever the storage becomes (a hypertable, partitions,
a continuous aggregate or a table).
"""

from alembic import op

revision = "t001"
down_revision = "0009"

PUBLISHED = ("samples", "samples_10s", "samples_1m", "device_events", "device_state")


def upgrade() -> None:
    for table in PUBLISHED:
        op.execute(f"CREATE VIEW telemetry.published_{table} AS SELECT * FROM telemetry.{table}")


def downgrade() -> None:
    for table in PUBLISHED:
        op.execute(f"DROP VIEW telemetry.published_{table}")
