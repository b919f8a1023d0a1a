"""Writing samples at the speed of COPY, each (device, timestamp) stored once.

The fast path is a binary ``COPY`` straight into ``telemetry.samples`` inside a savepoint: its
primary key (device_id, ts) is the only index, so this is the table's own COPY ceiling. A
redelivered or replayed batch makes that COPY fail with a unique violation; then, and only
then, the batch goes through a temporary staging table and ``INSERT … ON CONFLICT DO NOTHING``,
which keeps the new rows and drops the repeats. Duplicates are rare (a redelivery after a crash),
so the common case pays nothing for deduplication.
"""

from __future__ import annotations

import functools
import struct
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import psycopg
from psycopg import sql

from fitconnect.schemas import METRICS, TelemetryBatch

COLUMNS: tuple[str, ...] = ("device_id", "ts", *METRICS)
_METRIC_TYPES: dict[str, np.dtype[np.generic]] = {
    "heart_rate_bpm": np.dtype(">i2"),  # int2
    "power_w": np.dtype(">i4"),  # int4
    "cadence_rpm": np.dtype(">f4"),  # float4
    "speed_kmh": np.dtype(">f4"),
    "distance_m": np.dtype(">f8"),  # float8
    "stroke_rate_spm": np.dtype(">f4"),
    "altitude_m": np.dtype(">f4"),
}
_INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "heart_rate_bpm": (-(2**15), 2**15 - 1),
    "power_w": (-(2**31), 2**31 - 1),
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PG_EPOCH_MS = 946_684_800_000  # 2000-01-01, PostgreSQL's timestamp zero, in Unix ms
_DAY_MS = 86_400_000
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)
_LENGTH = np.dtype(">i4")

Connection = psycopg.Connection[tuple[object, ...]]
Floats = npt.NDArray[np.float64]


def timestamp_of(ms: int) -> datetime:
    """Epoch milliseconds (the wire's time) as an aware UTC datetime."""
    return _EPOCH + timedelta(milliseconds=ms)


@functools.cache
def _row_type(nulls: frozenset[str]) -> np.dtype[np.void]:
    """One binary COPY tuple as a numpy record: the field count, then each field's length
    and value; a NULL field (a metric in ``nulls``) is its length (-1) alone."""
    fields: list[tuple[str, np.dtype[np.generic]]] = [
        ("fields", np.dtype(">i2")),
        ("device_id_len", _LENGTH),
        ("device_id", np.dtype("V16")),
        ("ts_len", _LENGTH),
        ("ts", np.dtype(">i8")),
    ]
    for metric in METRICS:
        fields.append((f"{metric}_len", _LENGTH))
        if metric not in nulls:
            fields.append((metric, _METRIC_TYPES[metric]))
    return np.dtype(fields)


@dataclass(slots=True)
class SampleRows:
    """Rows for ``telemetry.samples``, gathered column by column from the wire's arrays and
    encoded for binary COPY in one numpy pass, with no Python object per sample. A metric a
    batch lacks, or a None in its array, is NULL."""

    count: int = 0
    _devices: list[bytes] = field(default_factory=list)
    _lengths: list[int] = field(default_factory=list)
    _ts_ms: list[int] = field(default_factory=list)
    _values: dict[str, list[float | None]] = field(
        default_factory=lambda: {metric: [] for metric in METRICS}
    )
    _present: dict[str, list[bool]] = field(
        default_factory=lambda: {metric: [] for metric in METRICS}
    )
    _encoded: tuple[bytes, set[date]] | None = None

    def add(self, device_id: uuid.UUID, batch: TelemetryBatch) -> None:
        """Append ``batch``'s samples as rows of ``device_id``."""
        n = len(batch.ts_ms)
        if n == 0:
            return
        self._devices.append(device_id.bytes)
        self._lengths.append(n)
        self._ts_ms.extend(batch.ts_ms)
        for metric, column in self._values.items():
            values = batch.metrics.get(metric)
            self._present[metric].append(values is not None)
            if values is not None:
                column.extend(values)
        self.count += n
        self._encoded = None

    def encoded(self) -> bytes:
        """The rows as the tuples of a binary COPY stream (no header, no trailer), in no
        particular order; encoded once."""
        return self._encode()[0]

    def days(self) -> set[date]:
        """The UTC days the rows fall on."""
        return self._encode()[1]

    def _encode(self) -> tuple[bytes, set[date]]:
        if self._encoded is not None:
            return self._encoded
        ms = np.asarray(self._ts_ms, dtype=np.int64)
        devices = np.repeat(np.frombuffer(b"".join(self._devices), dtype="V16"), self._lengths)
        values = {metric: self._column(metric) for metric in METRICS}
        # Rows are grouped by which of their metrics are NULL (one group, or a few): each
        # group is one record type, so every row is written by whole-column assignments.
        pattern = np.zeros(self.count, dtype=np.int64)
        for bit, column in enumerate(values.values()):
            pattern |= np.isnan(column).astype(np.int64) << bit
        parts: list[bytes] = []
        for code in np.unique(pattern).tolist():
            nulls = frozenset(m for bit, m in enumerate(METRICS) if code >> bit & 1)
            chosen = pattern == code
            rows = np.empty(int(np.count_nonzero(chosen)), dtype=_row_type(nulls))
            rows["fields"] = len(COLUMNS)
            rows["device_id_len"] = 16
            rows["device_id"] = devices[chosen]
            rows["ts_len"] = 8
            rows["ts"] = (ms[chosen] - _PG_EPOCH_MS) * 1000
            for metric, column in values.items():
                null = metric in nulls
                rows[f"{metric}_len"] = -1 if null else _METRIC_TYPES[metric].itemsize
                if not null:
                    rows[metric] = column[chosen]
            parts.append(rows.tobytes())
        days = {timestamp_of(int(d) * _DAY_MS).date() for d in np.unique(ms // _DAY_MS)}
        self._encoded = (b"".join(parts), days)
        return self._encoded

    def _column(self, metric: str) -> Floats:
        """The metric for every row, NaN where it is NULL; integer columns rounded half to
        even. ``ValueError`` (the message is refused) for a value its column cannot hold:
        plausibility keeps values far inside, so this guards the encoder, not the data."""
        out = np.full(self.count, np.nan)
        given = self._values[metric]
        if given:  # the batches that carry it (a None in them becomes NaN)
            out[np.repeat(self._present[metric], self._lengths)] = np.asarray(
                given, dtype=np.float64
            )
        bounds = _INTEGER_RANGES.get(metric)
        if bounds is not None:
            out = np.rint(out)
            if np.nanmin(out, initial=0) < bounds[0] or np.nanmax(out, initial=0) > bounds[1]:
                raise ValueError(f"{metric} holds a value outside its column's range")
        return out


def sample_rows(device_id: uuid.UUID, batch: TelemetryBatch) -> SampleRows:
    """One batch's rows (``SampleRows.add``)."""
    rows = SampleRows()
    rows.add(device_id, batch)
    return rows


def _copy_into(table: sql.Identifier) -> sql.Composed:
    columns = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
    return sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(table, columns)


def _copy(conn: Connection, statement: sql.Composed, stream: bytes) -> None:
    with conn.cursor() as cur, cur.copy(statement) as copy:
        copy.write(_HEADER)
        copy.write(stream)
        copy.write(_TRAILER)


class SampleStore:
    """Writes rows into ``telemetry.samples`` on the caller's connection and transaction."""

    def __init__(self) -> None:
        self._days_ready: set[date] = set()
        self._copy_samples = _copy_into(sql.Identifier("telemetry", "samples"))
        self._copy_staging = _copy_into(sql.Identifier("samples_staging"))

    def ensure_days(self, conn: Connection, rows: SampleRows) -> None:
        """Create the daily partitions these rows need (a no-op on a hypertable)."""
        for day in sorted(rows.days() - self._days_ready):
            conn.execute("SELECT telemetry.ensure_partitions(%s, 1)", (day,))
            self._days_ready.add(day)

    def write(self, conn: Connection, rows: SampleRows) -> int:
        """Store ``rows``; return how many were new. Runs inside the caller's transaction."""
        if not rows.count:
            return 0
        self.ensure_days(conn, rows)
        try:
            with conn.transaction():
                _copy(conn, self._copy_samples, rows.encoded())
        except psycopg.errors.UniqueViolation:
            return self._write_deduplicated(conn, rows)
        return rows.count

    def _write_deduplicated(self, conn: Connection, rows: SampleRows) -> int:
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS samples_staging"
            " (LIKE telemetry.samples INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        conn.execute("TRUNCATE samples_staging")
        _copy(conn, self._copy_staging, rows.encoded())
        cols = sql.SQL(", ").join(map(sql.Identifier, COLUMNS))
        cur = conn.execute(
            sql.SQL(
                "INSERT INTO telemetry.samples ({cols}) SELECT {cols} FROM samples_staging"
                " ON CONFLICT (device_id, ts) DO NOTHING"
            ).format(cols=cols)
        )
        return max(cur.rowcount, 0)
