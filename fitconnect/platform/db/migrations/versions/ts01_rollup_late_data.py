"""With TimescaleDB, late samples reach the rollups whatever their age (within retention).

Revision ID: ts01
Revises: t001

The refresh policies of ``samples_10s`` and ``samples_1m`` looked back 3 days. A continuous
aggregate shows the samples live only after its watermark (about now); a sample older than
that is materialized by the next refresh whose window holds it. So a late upload (an edge
agent offline for a week, an old ride's FIT file) was missing from every chart and total for
good. The policies now look back to just inside the samples' retention (730 days): a refresh
recomputes only the buckets the new samples invalidated, so the wider window costs nothing
when nothing late arrived. Not all the way back (``start_offset => NULL``): once retention has
dropped a chunk, a refresh over it would empty the rollups the dropped samples had made.
They run every 10 seconds (was a minute), so a late upload is charted as soon as on plain
PostgreSQL, where ingest recomputes the buckets a batch touches every few seconds, at any age.
"""

from alembic import op
from sqlalchemy import text

revision = "ts01"
down_revision = "t001"
branch_labels = ("timescale_policies",)

# The samples' retention (0002: add_retention_policy) less a margin of two days.
LOOK_BACK = "728 days"
POLICIES = (("telemetry.samples_10s", "10 seconds"), ("telemetry.samples_1m", "1 minute"))


def upgrade() -> None:
    timescale = op.get_bind().execute(
        text("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")
    )
    if not timescale.scalar_one():
        return
    for view, end_offset in POLICIES:
        op.execute(f"SELECT remove_continuous_aggregate_policy('{view}')")
        op.execute(
            f"SELECT add_continuous_aggregate_policy('{view}',"
            f" start_offset => interval '{LOOK_BACK}', end_offset => interval '{end_offset}',"
            " schedule_interval => interval '10 seconds')"
        )
