"""The rollups ``telemetry.samples_1m`` (per minute) and ``samples_10s`` on plain PostgreSQL.

With TimescaleDB they are continuous aggregates the extension refreshes. Without it, each batch
records the (device, minutes) spans it wrote in ``telemetry.rollup_pending``, in the batch's
own transaction, and every few seconds a worker recomputes those minutes in both from
``telemetry.samples`` and deletes the spans, in one transaction. A recompute is idempotent, so
a replay or two workers touching the same minute cannot double-count, and a worker killed
between its commit and the recompute loses nothing: the spans wait for the next worker.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg

Connection = psycopg.Connection[tuple[object, ...]]

_RECOMPUTE = """
WITH claimed AS (
    DELETE FROM telemetry.rollup_pending
    WHERE id IN (SELECT id FROM telemetry.rollup_pending ORDER BY id FOR UPDATE SKIP LOCKED)
    RETURNING device_id, first_minute, last_minute
), spans AS (
    SELECT device_id, min(first_minute) AS first_minute, max(last_minute) AS last_minute
    FROM claimed GROUP BY device_id
), touched AS (
    SELECT s.* FROM telemetry.samples s
    JOIN spans t
      ON s.device_id = t.device_id AND s.ts >= t.first_minute
     AND s.ts < t.last_minute + interval '1 minute'
), tens AS (
    INSERT INTO telemetry.samples_10s AS r
    SELECT device_id, date_bin('10 seconds', ts, timestamptz '2000-01-01 00:00:00+00'),
           sum(heart_rate_bpm), count(heart_rate_bpm), sum(power_w), count(power_w),
           sum(cadence_rpm::float), count(cadence_rpm), sum(speed_kmh::float), count(speed_kmh)
    FROM touched
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (device_id, bucket) DO UPDATE SET
        heart_rate_sum = EXCLUDED.heart_rate_sum,
        heart_rate_samples = EXCLUDED.heart_rate_samples,
        power_sum = EXCLUDED.power_sum,
        power_samples = EXCLUDED.power_samples,
        cadence_sum = EXCLUDED.cadence_sum,
        cadence_samples = EXCLUDED.cadence_samples,
        speed_sum = EXCLUDED.speed_sum,
        speed_samples = EXCLUDED.speed_samples
)
INSERT INTO telemetry.samples_1m AS r
SELECT device_id, date_trunc('minute', ts) AS minute, count(*)::integer,
       avg(heart_rate_bpm)::real, max(heart_rate_bpm), avg(power_w)::real, max(power_w),
       avg(cadence_rpm)::real, avg(speed_kmh)::real, max(distance_m),
       min(ts), max(ts), sum(heart_rate_bpm)::bigint, count(heart_rate_bpm)::integer
FROM touched
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (device_id, minute) DO UPDATE SET
    samples = EXCLUDED.samples,
    avg_heart_rate_bpm = EXCLUDED.avg_heart_rate_bpm,
    max_heart_rate_bpm = EXCLUDED.max_heart_rate_bpm,
    avg_power_w = EXCLUDED.avg_power_w,
    max_power_w = EXCLUDED.max_power_w,
    avg_cadence_rpm = EXCLUDED.avg_cadence_rpm,
    avg_speed_kmh = EXCLUDED.avg_speed_kmh,
    max_distance_m = EXCLUDED.max_distance_m,
    first_ts = EXCLUDED.first_ts,
    last_ts = EXCLUDED.last_ts,
    heart_rate_sum = EXCLUDED.heart_rate_sum,
    heart_rate_samples = EXCLUDED.heart_rate_samples
"""


def _minute(ts: datetime) -> datetime:
    return ts.replace(second=0, microsecond=0)


class RollupMaintainer:
    """``touch`` the spans a batch writes, ``record`` them in its transaction, and ``flush``
    every recorded span (this worker's or another's) now and then; all no-ops on TimescaleDB.
    """

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._spans: dict[uuid.UUID, tuple[datetime, datetime]] = {}

    def touch(self, device_id: uuid.UUID, first: datetime, last: datetime) -> None:
        if not self.enabled:
            return
        lo, hi = _minute(first), _minute(last)
        if (known := self._spans.get(device_id)) is not None:
            lo, hi = min(lo, known[0]), max(hi, known[1])
        self._spans[device_id] = (lo, hi)

    def record(self, conn: Connection) -> None:
        """Write the touched spans as pending, inside the caller's transaction."""
        if not self._spans:
            return
        devices = list(self._spans)
        conn.execute(
            "INSERT INTO telemetry.rollup_pending (device_id, first_minute, last_minute)"
            " SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::timestamptz[])",
            (devices, [self._spans[d][0] for d in devices], [self._spans[d][1] for d in devices]),
        )
        self._spans.clear()

    def flush(self, conn: Connection) -> None:
        """Recompute every pending span in one transaction (spans another worker is
        recomputing right now are left to it)."""
        if not self.enabled:
            return
        with conn.transaction():
            conn.execute(_RECOMPUTE)

    @staticmethod
    def needed(conn: Connection) -> bool:
        """True when ``samples_1m`` is our table (plain PostgreSQL), not a continuous aggregate."""
        row = conn.execute(
            "SELECT relkind FROM pg_class WHERE oid = 'telemetry.samples_1m'::regclass"
        ).fetchone()
        return row is not None and row[0] == "r"
