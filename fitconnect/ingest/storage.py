"""Writing samples at the speed of COPY, each (device, timestamp) stored once.

The fast path is a binary ``COPY`` straight into ``telemetry.samples`` inside a savepoint: its
primary key (device_id, ts) is the only index, so this is the table's own COPY ceiling. A
redelivered or replayed batch makes that COPY fail with a unique violation; then, and only
then, the batch goes through a temporary staging table and ``INSERT … ON CONFLICT DO NOTHING``,
which keeps the new rows and drops the repeats. Duplicates are rare (a redelivery after a crash),
so the common case pays nothing for deduplication.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta

import psycopg
from psycopg import sql

from fitconnect.schemas import METRICS, TelemetryBatch

COLUMNS: tuple[str, ...] = ("device_id", "ts", *METRICS)
COPY_TYPES: tuple[str, ...] = (
    "uuid",
    "timestamptz",
    "int2",  # heart_rate_bpm
    "int4",  # power_w
    "float4",  # cadence_rpm
    "float4",  # speed_kmh
    "float8",  # distance_m
    "float4",  # stroke_rate_spm
    "float4",  # altitude_m
)
_INTEGER_METRICS = frozenset({"heart_rate_bpm", "power_w"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Row = tuple[object, ...]
Connection = psycopg.Connection[tuple[object, ...]]


def _copy_into(table: sql.Identifier) -> sql.Composed:
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    return sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(table, columns)


def _copy(conn: Connection, statement: sql.Composed, rows: list[Row]) -> None:
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.set_types(list(COPY_TYPES))
        for row in rows:
            copy.write_row(row)


def timestamp_of(ms: int) -> datetime:
    """Epoch milliseconds (the wire's time) as an aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=ms)


def rows_of(device_id: uuid.UUID, batch: TelemetryBatch) -> list[Row]:
    """The batch as table rows in ``COLUMNS`` order (absent metrics are NULL)."""
    columns: list[Sequence[float | None] | None] = [batch.metrics.get(m) for m in METRICS]
    n = len(batch.ts_ms)
    filled = [
        (_ints(col) if name in _INTEGER_METRICS else col) if col is not None else [None] * n
        for name, col in zip(METRICS, columns, strict=True)
    ]
    stamps = [_EPOCH + timedelta(milliseconds=ms) for ms in batch.ts_ms]
    return [(device_id, ts, *values) for ts, *values in zip(stamps, *filled, strict=True)]


def _ints(values: Sequence[float | None]) -> list[int | None]:
    return [None if v is None else round(v) for v in values]


class SampleStore:
    """Writes rows into ``telemetry.samples`` on the caller's connection and transaction."""

    def __init__(self) -> None:
        self._days_ready: set[date] = set()
        self._copy_samples = _copy_into(sql.Identifier("telemetry", "samples"))
        self._copy_staging = _copy_into(sql.Identifier("samples_staging"))

    def ensure_days(self, conn: Connection, rows: Iterable[Row]) -> None:
        """Create the daily partitions these rows need (a no-op on a hypertable)."""
        days = {ts.astimezone(UTC).date() for _, ts, *_ in rows if isinstance(ts, datetime)}
        for day in sorted(days - self._days_ready):
            conn.execute("SELECT telemetry.ensure_partitions(%s, 1)", (day,))
            self._days_ready.add(day)

    def write(self, conn: Connection, rows: list[Row]) -> int:
        """Store ``rows``; return how many were new. Runs inside the caller's transaction."""
        if not rows:
            return 0
        self.ensure_days(conn, rows)
        try:
            with conn.transaction():
                _copy(conn, self._copy_samples, rows)
        except psycopg.errors.UniqueViolation:
            return self._write_deduplicated(conn, rows)
        return len(rows)

    def _write_deduplicated(self, conn: Connection, rows: list[Row]) -> int:
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS samples_staging"
            " (LIKE telemetry.samples INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        conn.execute("TRUNCATE samples_staging")
        _copy(conn, self._copy_staging, rows)
        cols = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
        cur = conn.execute(
            sql.SQL(
                "INSERT INTO telemetry.samples ({cols}) SELECT {cols} FROM samples_staging"
                " ON CONFLICT (device_id, ts) DO NOTHING"
            ).format(cols=cols)
        )
        return max(cur.rowcount, 0)
