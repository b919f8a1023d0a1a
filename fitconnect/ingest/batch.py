"""Writing one batch of messages: samples, positions, dead letters, device state, in one
transaction.

Messages are checked against the wire contract, the column types (``storable``), the registry
and the plausible ranges before the batch is written, and those that fail are dead-lettered in
the batch's transaction. Should the database still refuse the batch for its data (a data or
integrity error: a case the checks missed), the batch is split in halves and each written
again, down to the message that is refused, which is dead-lettered with the database's
reason: one bad message costs ~2·log2(batch) extra transactions, and never the batch.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field

import psycopg

from fitconnect.ingest import dead_letters, device_state
from fitconnect.ingest.dead_letters import NewDeadLetter
from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.positions import Position, positions_of, write_positions
from fitconnect.ingest.registry import DeviceRegistry
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleRows, SampleStore, timestamp_of
from fitconnect.ingest.validation import Parsed, check
from fitconnect.logs import log_context
from fitconnect.schemas import DeviceEvent, DeviceStatus, TelemetryBatch

Connection = psycopg.Connection[tuple[object, ...]]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pending:
    """A received message: parsed, or already rejected by the wire contract."""

    topic: str
    payload: bytes
    parsed: Parsed | MessageRejectedError


@dataclass
class Outcome:
    """What a written batch did, for metrics and acknowledgements."""

    messages_stored: int = 0
    messages_duplicate: int = 0
    samples_new: int = 0
    samples_duplicate: int = 0
    dead: list[NewDeadLetter] = field(default_factory=list)
    newest_sample_ms: list[int] = field(default_factory=list)

    def merged(self, other: Outcome) -> Outcome:
        return Outcome(
            self.messages_stored + other.messages_stored,
            self.messages_duplicate + other.messages_duplicate,
            self.samples_new + other.samples_new,
            self.samples_duplicate + other.samples_duplicate,
            self.dead + other.dead,
            self.newest_sample_ms + other.newest_sample_ms,
        )


# What the database (or psycopg, adapting a value) says about a message's data, as opposed to
# its own state (``OperationalError``: retried) or our SQL (``ProgrammingError``: a bug).
REFUSED = (psycopg.DataError, psycopg.IntegrityError, ValueError, OverflowError)


def write_batch(
    conn: Connection,
    pending: list[Pending],
    *,
    registry: DeviceRegistry,
    store: SampleStore,
    rollup: RollupMaintainer,
    worker: str,
    record_dead: bool = True,
) -> Outcome:
    """Check every message and write the lot in one transaction; raises when the database is
    unavailable (``OperationalError``), never for what a message holds.

    Rejected messages are inserted into the dead-letter table unless ``record_dead`` is false
    (a replay of a dead letter keeps the original row instead).
    """
    try:
        return _write(
            conn,
            pending,
            registry=registry,
            store=store,
            rollup=rollup,
            worker=worker,
            record_dead=record_dead,
        )
    except REFUSED as exc:
        if len(pending) == 1:
            return _refuse(conn, pending[0], exc, worker, record_dead=record_dead)
        log.warning(
            "the database refused a batch of %d messages (%s); bisecting", len(pending), exc
        )
    half = len(pending) // 2
    first, second = (
        write_batch(
            conn,
            part,
            registry=registry,
            store=store,
            rollup=rollup,
            worker=worker,
            record_dead=record_dead,
        )
        for part in (pending[:half], pending[half:])
    )
    return first.merged(second)


def _refuse(
    conn: Connection, item: Pending, exc: Exception, worker: str, *, record_dead: bool
) -> Outcome:
    """Dead-letter the one message the database refused, with its reason."""
    code = getattr(exc, "sqlstate", None) or type(exc).__name__
    letter = NewDeadLetter(item.topic, item.payload, "refused_by_database", f"{code}: {exc}")
    if record_dead:
        with conn.transaction():
            dead_letters.add(conn, [letter], worker)
    return Outcome(dead=[letter])


def _write(
    conn: Connection,
    pending: list[Pending],
    *,
    registry: DeviceRegistry,
    store: SampleStore,
    rollup: RollupMaintainer,
    worker: str,
    record_dead: bool,
) -> Outcome:
    outcome = Outcome()
    rows = SampleRows()
    positions: list[Position] = []
    seen: dict[uuid.UUID, tuple[int, int]] = {}
    statuses: list[tuple[uuid.UUID, DeviceStatus]] = []
    events: list[tuple[uuid.UUID, DeviceEvent]] = []
    now_s = time.time()
    for item in pending:
        try:
            if isinstance(item.parsed, MessageRejectedError):
                raise item.parsed
            checked = check(item.parsed, registry, now_s)
        except MessageRejectedError as exc:
            outcome.dead.append(NewDeadLetter(item.topic, item.payload, exc.reason, exc.detail))
            continue
        message, device_id = checked.message, checked.device.id
        if isinstance(message, TelemetryBatch):
            if message.corr and log.isEnabledFor(logging.DEBUG):
                with log_context(tenant=str(checked.device.tenant_id), corr=message.corr):
                    log.debug(
                        "batch %d of %s: %d samples", message.seq, device_id, len(message.ts_ms)
                    )
            rows.add(device_id, message)
            positions.extend(positions_of(device_id, message))
            newest = max(message.ts_ms)
            outcome.newest_sample_ms.append(newest)
            prev_seq, prev_ts = seen.get(device_id, (-1, 0))
            seen[device_id] = (max(prev_seq, message.seq), max(prev_ts, newest))
            rollup.touch(device_id, timestamp_of(min(message.ts_ms)), timestamp_of(newest))
        elif isinstance(message, DeviceStatus):
            statuses.append((device_id, message))
        else:
            events.append((device_id, message))
    with conn.transaction():
        new = store.write(conn, rows)
        write_positions(conn, positions)
        rollup.record(conn)
        if record_dead:
            dead_letters.add(conn, outcome.dead, worker)
        device_state.record_telemetry(conn, seen)
        for device_id, status in statuses:
            device_state.record_status(conn, device_id, status)
        for device_id, event in events:
            device_state.record_event(conn, device_id, event)
    telemetry_messages = len(outcome.newest_sample_ms)
    outcome.samples_new = new
    outcome.samples_duplicate = rows.count - new
    if new == 0 and rows.count:
        outcome.messages_duplicate = telemetry_messages
    else:
        outcome.messages_stored = telemetry_messages + len(statuses) + len(events)
    return outcome
