"""The upload worker: read a file, store its samples as ingest does, compute its sessions.

A claimed upload (``FOR UPDATE SKIP LOCKED``; one a dead worker left is claimed again after
``STALE_AFTER``) is decompressed and read; its samples go into ``telemetry.samples`` through
ingest's writer (``SampleStore``: each (device, instant) once), its positions and its lap
and timer marks beside them, under a device of its own, in one transaction that also records
the device on the upload; a retry after a crash finds the device and goes on from there.
Then the analytics job runs for the athlete, and the upload is ``ready`` with the sessions its
time span touched. A file that cannot be read is ``error`` with a stable code, nothing of it
stored, and the worker goes on with the next.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import psycopg

from fitconnect.analytics.jobs import run_once
from fitconnect.ingest.device_state import record_event
from fitconnect.ingest.plausibility import MAX_FUTURE_S
from fitconnect.ingest.positions import positions_of, write_positions
from fitconnect.ingest.storage import SampleStore, sample_rows
from fitconnect.platform.devices.file_sources import register_file_source
from fitconnect.platform.polling import every
from fitconnect.platform.uploads import files
from fitconnect.platform.uploads.errors import (
    UnreadableFileError,
    UnsupportedFileError,
    UploadTooLargeError,
)
from fitconnect.platform.uploads.fit_reader import read_fit_track
from fitconnect.platform.uploads.gpx_reader import read_gpx_track
from fitconnect.platform.uploads.models import FileFormat
from fitconnect.platform.uploads.tcx_reader import read_tcx_track
from fitconnect.platform.uploads.track import Track
from fitconnect.schemas import METRICS, DeviceEvent, EventKind, TelemetryBatch, WireError

log = logging.getLogger(__name__)

Connection = psycopg.Connection[tuple[object, ...]]

STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3

READERS: dict[FileFormat, Callable[[bytes], Track]] = {
    FileFormat.FIT: read_fit_track,
    FileFormat.TCX: read_tcx_track,
    FileFormat.GPX: read_gpx_track,
}
_TIMER_KINDS = {"pause": EventKind.PAUSE, "resume": EventKind.RESUME}


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: uuid.UUID
    tenant_id: uuid.UUID
    athlete_id: uuid.UUID
    file_name: str
    file_format: str
    content: bytes | None
    device_id: uuid.UUID | None
    attempts: int


def _claim(conn: Connection) -> _Claimed | None:
    with conn.transaction():
        row = conn.execute(
            "UPDATE uploads.uploads SET claimed_at = now(), attempts = attempts + 1"
            " WHERE id = (SELECT id FROM uploads.uploads WHERE status = 'processing'"
            "   AND (claimed_at IS NULL OR claimed_at < now() - %s)"
            "   ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1)"
            " RETURNING id, tenant_id, athlete_id, file_name, file_format, content, device_id,"
            " attempts",
            (STALE_AFTER,),
        ).fetchone()
    return _Claimed(*row) if row is not None else None  # type: ignore[arg-type]


def _fail(conn: Connection, upload_id: uuid.UUID, code: str, message: str) -> None:
    with conn.transaction():
        conn.execute(
            "UPDATE uploads.uploads SET status = 'error', error_code = %s, error_message = %s,"
            " content = NULL, finished_at = now() WHERE id = %s",
            (code, message, upload_id),
        )
    log.info("upload %s refused: %s (%s)", upload_id, code, message)


def _batch(device_id: uuid.UUID, track: Track) -> TelemetryBatch:
    """The whole file as one historical batch of the wire contract (its checks included)."""
    metrics = {m: track.column(m) for m in METRICS}
    lat = [p.latitude_deg for p in track.points]
    lon = [p.longitude_deg for p in track.points]
    has_track = any(v is not None for v in lat)
    return TelemetryBatch(
        device_id=str(device_id),
        seq=0,
        ts_ms=[round(p.ts.timestamp() * 1000) for p in track.points],
        metrics={m: col for m, col in metrics.items() if any(v is not None for v in col)},
        historical=True,
        latitude_deg=lat if has_track else None,
        longitude_deg=lon if has_track else None,
    )


def _events(device_id: uuid.UUID, track: Track) -> list[DeviceEvent]:
    marks = [(ts, EventKind.LAP) for ts in track.lap_starts]
    marks += [(ts, _TIMER_KINDS[kind]) for ts, kind in track.timer if kind in _TIMER_KINDS]
    return [
        DeviceEvent(
            device_id=str(device_id),
            kind=kind,
            ts_ms=round(ts.timestamp() * 1000),
            sport=track.sport,
            historical=True,
        )
        for ts, kind in marks
    ]


def _store(conn: Connection, claimed: _Claimed, track: Track) -> uuid.UUID:
    """Samples, positions and marks under a new device, recorded on the upload: one
    transaction."""
    with conn.transaction():
        device_id = register_file_source(
            conn,
            tenant_id=claimed.tenant_id,
            athlete_id=claimed.athlete_id,
            name=f"Upload: {claimed.file_name}",
        )
        batch = _batch(device_id, track)
        stored = SampleStore().write(conn, sample_rows(device_id, batch))
        write_positions(conn, positions_of(device_id, batch))
        for event in _events(device_id, track):
            record_event(conn, device_id, event)
        conn.execute(
            "UPDATE uploads.uploads SET device_id = %s, samples = %s WHERE id = %s",
            (device_id, stored, claimed.id),
        )
    return device_id


def _read(claimed: _Claimed) -> Track:
    if claimed.content is None:
        raise UnreadableFileError("CORRUPT_FILE", "the file's content is gone")
    track = READERS[FileFormat(claimed.file_format)](files.inflate(claimed.content))
    if track.end.timestamp() > time.time() + MAX_FUTURE_S:
        raise UnreadableFileError("FUTURE_TIMESTAMP", f"the file records {track.end} (future)")
    return track


def _finish(conn: Connection, database_url: str, claimed: _Claimed, device_id: uuid.UUID) -> None:
    run_once(database_url, athlete_id=str(claimed.athlete_id))
    with conn.transaction():
        conn.execute(
            "UPDATE uploads.uploads SET status = 'ready', content = NULL, finished_at = now(),"
            " session_ids = ARRAY(SELECT s.id FROM analytics.published_sessions s"
            "   WHERE s.athlete_id = %(athlete)s AND s.start_ts <= span.last"
            "     AND s.end_ts >= span.first ORDER BY s.start_ts)"
            " FROM (SELECT min(ts) AS first, max(ts) AS last FROM telemetry.published_samples"
            "       WHERE device_id = %(device)s) AS span"
            " WHERE id = %(upload)s",
            {"athlete": claimed.athlete_id, "device": device_id, "upload": claimed.id},
        )


def process_one(database_url: str) -> bool:
    """Claim and process one upload; False when none was waiting."""
    # Autocommit: each ``conn.transaction()`` below commits on its own (the analytics job
    # reads the samples from a connection of its own).
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        claimed = _claim(conn)
        if claimed is None:
            return False
        if claimed.attempts > MAX_ATTEMPTS:
            _fail(conn, claimed.id, "WORKER_FAILED", "the worker failed on it repeatedly")
            return True
        try:
            _process(conn, database_url, claimed)
        except psycopg.OperationalError:
            raise  # the database, not the file: claimed again after STALE_AFTER
        except Exception as exc:  # a defect on one file must not stop the worker
            log.exception("upload %s failed", claimed.id)
            _fail(conn, claimed.id, "WORKER_FAILED", f"{type(exc).__name__}: {exc}")
        return True


def _process(conn: Connection, database_url: str, claimed: _Claimed) -> None:
    device_id = claimed.device_id
    if device_id is None:
        try:
            device_id = _store(conn, claimed, _read(claimed))
        except UnreadableFileError as exc:
            _fail(conn, claimed.id, exc.code, str(exc))
            return
        except UploadTooLargeError as exc:  # the bound passed while decompressing
            _fail(conn, claimed.id, "TOO_LARGE", str(exc))
            return
        except UnsupportedFileError as exc:  # a gzip stream cut short
            _fail(conn, claimed.id, "CORRUPT_FILE", str(exc))
            return
        except (psycopg.DataError, psycopg.IntegrityError, WireError) as exc:
            _fail(conn, claimed.id, "UNSTORABLE", f"a value was refused: {exc}")
            return
    _finish(conn, database_url, claimed, device_id)
    log.info("upload %s ready (device %s)", claimed.id, device_id)


async def run_upload_worker(database_url: str, stop: asyncio.Event, poll_s: float = 0.5) -> None:
    """Process uploads until ``stop`` is set (blocking work in a thread)."""

    async def step() -> bool:
        try:
            return await asyncio.to_thread(process_one, database_url)
        except (psycopg.Error, OSError):  # the database away: the claim is retried later
            log.exception("upload worker step failed")
            return False

    await every(poll_s, stop, step)
