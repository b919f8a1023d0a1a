"""Positions beside the samples: latitude and longitude per (device, instant).

Revision ID: tp01
Revises: t001

A file uploaded from a GPS unit (GPX is little else) or a phone acting as the edge carries a
track; ``telemetry.positions`` keeps it with the same key as ``telemetry.samples`` so that an
export puts every point back where it was and the social context's privacy zone has
something to hide. Elevation is the samples' ``altitude_m``. A table of its own (not two
more sample columns) keeps the samples' COPY layout, which ingest tunes, as it is.
``telemetry.published_positions`` is what other contexts read.
"""

from alembic import op

revision = "tp01"
down_revision = "t001"
branch_labels = ("telemetry_positions",)
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE telemetry.positions (
            device_id      uuid             NOT NULL,
            ts             timestamptz      NOT NULL,
            latitude_deg   double precision NOT NULL CHECK (latitude_deg BETWEEN -90 AND 90),
            longitude_deg  double precision NOT NULL
                           CHECK (longitude_deg BETWEEN -180 AND 180),
            PRIMARY KEY (device_id, ts)
        )
        """
    )
    op.execute("CREATE VIEW telemetry.published_positions AS SELECT * FROM telemetry.positions")


def downgrade() -> None:
    op.execute("DROP VIEW telemetry.published_positions")
    op.execute("DROP TABLE telemetry.positions")
