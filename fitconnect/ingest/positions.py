"""Writing positions (latitude, longitude) into ``telemetry.positions``, each (device, instant)
stored once.

Positions are few next to samples (a GPS fix a second at most, and most devices have none),
so one ``INSERT … SELECT unnest(…) ON CONFLICT DO NOTHING`` per batch is enough: a
redelivered batch or a file uploaded again keeps what is stored, like the samples' writer.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg

from fitconnect.ingest.storage import timestamp_of
from fitconnect.schemas import TelemetryBatch

Connection = psycopg.Connection[tuple[object, ...]]
Position = tuple[uuid.UUID, datetime, float, float]


def positions_of(device_id: uuid.UUID, batch: TelemetryBatch) -> list[Position]:
    """The batch's positions as rows (instants without a fix are left out)."""
    if batch.latitude_deg is None or batch.longitude_deg is None:
        return []
    return [
        (device_id, timestamp_of(ms), lat, lon)
        for ms, lat, lon in zip(batch.ts_ms, batch.latitude_deg, batch.longitude_deg, strict=True)
        if lat is not None and lon is not None
    ]


def write_positions(conn: Connection, rows: list[Position]) -> int:
    """Store ``rows`` in the caller's transaction; return how many were new."""
    if not rows:
        return 0
    devices, stamps, lats, lons = (list(column) for column in zip(*rows, strict=True))
    cur = conn.execute(
        "INSERT INTO telemetry.positions (device_id, ts, latitude_deg, longitude_deg)"
        " SELECT * FROM unnest(%s::uuid[], %s::timestamptz[], %s::float8[], %s::float8[])"
        " ON CONFLICT (device_id, ts) DO NOTHING",
        (devices, stamps, lats, lons),
    )
    return max(cur.rowcount, 0)
