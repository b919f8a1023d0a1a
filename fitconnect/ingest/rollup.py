"""The per-minute rollup ``telemetry.samples_1m`` on plain PostgreSQL.

With TimescaleDB it is a continuous aggregate the extension refreshes. Without it, ingest
remembers which (device, minute) spans it wrote and recomputes exactly those minutes from
``telemetry.samples`` every few seconds: the result is the same aggregate, and a recompute is
idempotent, so a replay or a second worker touching the same minute cannot double-count.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg

Connection = psycopg.Connection[tuple[object, ...]]

_RECOMPUTE = """
INSERT INTO telemetry.samples_1m AS r
SELECT s.device_id, date_trunc('minute', s.ts) AS minute, count(*)::integer,
       avg(s.heart_rate_bpm)::real, max(s.heart_rate_bpm), avg(s.power_w)::real, max(s.power_w),
       avg(s.cadence_rpm)::real, avg(s.speed_kmh)::real, max(s.distance_m)
FROM telemetry.samples s
JOIN unnest(%(devices)s::uuid[], %(starts)s::timestamptz[], %(ends)s::timestamptz[])
     AS t(device_id, first_minute, last_minute)
  ON s.device_id = t.device_id AND s.ts >= t.first_minute
 AND s.ts < t.last_minute + interval '1 minute'
GROUP BY 1, 2
ON CONFLICT (device_id, minute) DO UPDATE SET
    samples = EXCLUDED.samples,
    avg_heart_rate_bpm = EXCLUDED.avg_heart_rate_bpm,
    max_heart_rate_bpm = EXCLUDED.max_heart_rate_bpm,
    avg_power_w = EXCLUDED.avg_power_w,
    max_power_w = EXCLUDED.max_power_w,
    avg_cadence_rpm = EXCLUDED.avg_cadence_rpm,
    avg_speed_kmh = EXCLUDED.avg_speed_kmh,
    max_distance_m = EXCLUDED.max_distance_m
"""


def _minute(ts: datetime) -> datetime:
    return ts.replace(second=0, microsecond=0)


class RollupMaintainer:
    """Collects touched spans per device; ``flush`` recomputes them (no-op on TimescaleDB)."""

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

    def flush(self, conn: Connection) -> int:
        """Recompute the touched minutes in one statement; returns the devices refreshed."""
        if not self._spans:
            return 0
        devices = list(self._spans)
        starts = [self._spans[d][0] for d in devices]
        ends = [self._spans[d][1] for d in devices]
        with conn.transaction():
            conn.execute(_RECOMPUTE, {"devices": devices, "starts": starts, "ends": ends})
        self._spans.clear()
        return len(devices)

    @staticmethod
    def needed(conn: Connection) -> bool:
        """True when ``samples_1m`` is our table (plain PostgreSQL), not a continuous aggregate."""
        row = conn.execute(
            "SELECT relkind FROM pg_class WHERE oid = 'telemetry.samples_1m'::regclass"
        ).fetchone()
        return row is not None and row[0] == "r"
