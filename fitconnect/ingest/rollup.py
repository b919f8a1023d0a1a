"""The rollups ``telemetry.samples_1m`` (per minute) and ``samples_10s`` on plain PostgreSQL.

With TimescaleDB they are continuous aggregates the extension refreshes. Without it, each batch
records the time span it wrote per device in ``telemetry.rollup_pending``, in the batch's
own transaction, and every few seconds a worker recomputes the 10-second buckets they touch
from ``telemetry.samples``, the minutes those are in from the 10-second buckets, and deletes
the spans, in one transaction (re-reading seconds of samples, not whole minutes). A recompute
is idempotent, so a replay or two workers touching the same minute cannot double-count, and a
worker killed between its commit and the recompute loses nothing: the spans wait for the next.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg

Connection = psycopg.Connection[tuple[object, ...]]

# 1. Claim the pending spans; recompute the 10-second buckets (aligned to the clock) they
#    touch from the samples; return the minutes those buckets are in.
_RECOMPUTE_10S = """
WITH claimed AS (
    DELETE FROM telemetry.rollup_pending
    WHERE id IN (SELECT id FROM telemetry.rollup_pending ORDER BY id FOR UPDATE SKIP LOCKED)
    RETURNING device_id, first_ts, last_ts
), spans AS (
    SELECT device_id, min(first_ts) AS first_ts, max(last_ts) AS last_ts
    FROM claimed GROUP BY device_id
), tens AS (
    INSERT INTO telemetry.samples_10s AS r
    SELECT s.device_id, date_bin('10 seconds', s.ts, timestamptz '2000-01-01Z'),
           count(*), min(s.ts), max(s.ts),
           max(s.heart_rate_bpm), max(s.power_w), max(s.distance_m),
           sum(s.heart_rate_bpm), count(s.heart_rate_bpm), sum(s.power_w), count(s.power_w),
           sum(s.cadence_rpm::float), count(s.cadence_rpm),
           sum(s.speed_kmh::float), count(s.speed_kmh)
    FROM telemetry.samples s
    JOIN spans t
      ON s.device_id = t.device_id
     AND s.ts >= date_bin('10 seconds', t.first_ts, timestamptz '2000-01-01Z')
     AND s.ts < date_bin('10 seconds', t.last_ts, timestamptz '2000-01-01Z') + interval '10 seconds'
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (device_id, bucket) DO UPDATE SET
        samples = EXCLUDED.samples,
        first_ts = EXCLUDED.first_ts,
        last_ts = EXCLUDED.last_ts,
        max_heart_rate_bpm = EXCLUDED.max_heart_rate_bpm,
        max_power_w = EXCLUDED.max_power_w,
        max_distance_m = EXCLUDED.max_distance_m,
        heart_rate_sum = EXCLUDED.heart_rate_sum,
        heart_rate_samples = EXCLUDED.heart_rate_samples,
        power_sum = EXCLUDED.power_sum,
        power_samples = EXCLUDED.power_samples,
        cadence_sum = EXCLUDED.cadence_sum,
        cadence_samples = EXCLUDED.cadence_samples,
        speed_sum = EXCLUDED.speed_sum,
        speed_samples = EXCLUDED.speed_samples
    RETURNING device_id, bucket
)
SELECT DISTINCT device_id, date_trunc('minute', bucket) FROM tens
"""

# 2. Those minutes, each from its (at most six) 10-second buckets: the samples' own figures.
_RECOMPUTE_1M = """
INSERT INTO telemetry.samples_1m AS r
SELECT b.device_id, k.minute, sum(b.samples)::integer,
       (sum(b.heart_rate_sum)::numeric / nullif(sum(b.heart_rate_samples), 0))::real,
       max(b.max_heart_rate_bpm),
       (sum(b.power_sum)::numeric / nullif(sum(b.power_samples), 0))::real, max(b.max_power_w),
       (sum(b.cadence_sum) / nullif(sum(b.cadence_samples), 0))::real,
       (sum(b.speed_sum) / nullif(sum(b.speed_samples), 0))::real, max(b.max_distance_m),
       min(b.first_ts), max(b.last_ts), sum(b.heart_rate_sum)::bigint,
       sum(b.heart_rate_samples)::integer
FROM unnest(%s::uuid[], %s::timestamptz[]) AS k(device_id, minute)
JOIN telemetry.samples_10s b
  ON b.device_id = k.device_id AND b.bucket >= k.minute
 AND b.bucket < k.minute + interval '1 minute'
GROUP BY b.device_id, k.minute
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
        lo, hi = first, last
        if (known := self._spans.get(device_id)) is not None:
            lo, hi = min(lo, known[0]), max(hi, known[1])
        self._spans[device_id] = (lo, hi)

    def record(self, conn: Connection) -> None:
        """Write the touched spans as pending, inside the caller's transaction."""
        if not self._spans:
            return
        devices = list(self._spans)
        conn.execute(
            "INSERT INTO telemetry.rollup_pending (device_id, first_ts, last_ts)"
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
            minutes = conn.execute(_RECOMPUTE_10S).fetchall()
            if minutes:
                conn.execute(
                    _RECOMPUTE_1M, ([device for device, _ in minutes], [m for _, m in minutes])
                )

    @staticmethod
    def needed(conn: Connection) -> bool:
        """True when ``samples_1m`` is our table (plain PostgreSQL), not a continuous aggregate."""
        row = conn.execute(
            "SELECT relkind FROM pg_class WHERE oid = 'telemetry.samples_1m'::regclass"
        ).fetchone()
        return row is not None and row[0] == "r"
