"""Device status and events: last seen, online/offline, sequence, battery, session boundaries."""

from __future__ import annotations

import uuid

import msgspec
import psycopg
from psycopg.types.json import Jsonb

from fitconnect.ingest.storage import timestamp_of
from fitconnect.schemas import DeviceEvent, DeviceStatus, EventKind

Connection = psycopg.Connection[tuple[object, ...]]


def record_telemetry(conn: Connection, seen: dict[uuid.UUID, tuple[int, int]]) -> None:
    """Per device: the highest sequence number and newest sample time just stored."""
    if not seen:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO telemetry.device_state AS s (device_id, state, last_seen, last_seq)"
            " VALUES (%s, 'online', %s, %s)"
            " ON CONFLICT (device_id) DO UPDATE SET"
            "   last_seen = greatest(s.last_seen, EXCLUDED.last_seen),"
            "   last_seq = greatest(s.last_seq, EXCLUDED.last_seq),"
            "   updated_at = now()",
            [(device, timestamp_of(ts_ms), seq) for device, (seq, ts_ms) in seen.items()],
        )


def record_status(conn: Connection, device_id: uuid.UUID, status: DeviceStatus) -> None:
    conn.execute(
        "INSERT INTO telemetry.device_state AS s (device_id, state, last_seen)"
        " VALUES (%s, %s, %s)"
        " ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state,"
        "   last_seen = greatest(s.last_seen, EXCLUDED.last_seen), updated_at = now()",
        (device_id, status.state.value, timestamp_of(status.ts_ms)),
    )


def record_event(conn: Connection, device_id: uuid.UUID, event: DeviceEvent) -> None:
    info = Jsonb(msgspec.to_builtins(event.info)) if event.info else None
    conn.execute(
        "INSERT INTO telemetry.device_events"
        " (device_id, ts, kind, session_id, sport, battery_pct, info)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        (
            device_id,
            timestamp_of(event.ts_ms),
            event.kind.value,
            event.session_id,
            event.sport,
            event.battery_pct,
            info,
        ),
    )
    if event.kind is EventKind.BATTERY and event.battery_pct is not None:
        conn.execute(
            "INSERT INTO telemetry.device_state (device_id, battery_pct) VALUES (%s, %s)"
            " ON CONFLICT (device_id) DO UPDATE SET battery_pct = EXCLUDED.battery_pct,"
            "   updated_at = now()",
            (device_id, event.battery_pct),
        )
    elif event.kind is EventKind.DEVICE_INFO and info is not None:
        conn.execute(
            "INSERT INTO telemetry.device_state (device_id, info) VALUES (%s, %s)"
            " ON CONFLICT (device_id) DO UPDATE SET info = EXCLUDED.info, updated_at = now()",
            (device_id, info),
        )
