"""The durable store-and-forward buffer: SQLite in WAL mode, on the agent's disk.

Every batch is written here before it is published. A telemetry batch (it has a device and a
sequence number) is deleted only when ingest says it committed it (a ``CommitAck`` on the
device's ``…/ack`` topic): the broker's PUBACK only marks it "sent, awaiting commit"
(``sent_at``), because a broker killed before delivering it would lose it. What awaits commit
too long, or when the agent connects again, is sent again (ingest drops repeats). Other
messages (events) leave at the PUBACK. So killing the agent (SIGKILL), the broker, or losing
the broker for minutes loses nothing: on restart the agent publishes what is still here.
Per-device sequence numbers live in the same file and only grow, across restarts.

When the buffer holds ``max_batches``, the oldest batch is dropped to make room (a device's
newest data is worth more than its oldest after hours offline), whether sent or not; every
drop is counted and logged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at REAL NOT NULL,
    device_id TEXT,
    seq INTEGER,
    sent_at REAL
);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    samples BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (
    device_id TEXT PRIMARY KEY,
    next_seq INTEGER NOT NULL
);
"""
# Buffers written before commit acknowledgements get the columns (their batches then carry
# no sequence number, and leave at the PUBACK as before).
_ADDED_COLUMNS = {"device_id": "TEXT", "seq": "INTEGER", "sent_at": "REAL"}
_INDEXES = "CREATE INDEX IF NOT EXISTS batches_device_seq ON batches (device_id, seq);"


@dataclass(frozen=True, slots=True)
class Buffered:
    id: int
    topic: str
    payload: bytes
    seq: int | None = None  # a telemetry batch: kept until ingest acknowledges its commit

    @property
    def awaits_commit(self) -> bool:
        return self.seq is not None


class DiskBuffer:
    """Thread-safe (one connection behind a lock): the agent writes, the publisher drains."""

    def __init__(self, path: Path, max_batches: int = 100_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        have = {str(r[1]) for r in self._db.execute("PRAGMA table_info(batches)").fetchall()}
        for column, kind in _ADDED_COLUMNS.items():
            if column not in have:
                self._db.execute(f"ALTER TABLE batches ADD COLUMN {column} {kind}")
        self._db.executescript(_INDEXES)
        self._lock = threading.Lock()
        self._max = max_batches
        self.dropped = 0

    def next_seq(self, device_id: str) -> int:
        """The sequence number the device's next batch will get (without taking it)."""
        with self._lock:
            row = self._db.execute(
                "SELECT next_seq FROM sequences WHERE device_id = ?", (device_id,)
            ).fetchone()
        return int(row[0]) if row else 0

    def journal(self, device_id: str, ts_ms: int, samples: dict[str, float]) -> None:
        """Keep one notification's samples until the batch that holds them is stored."""
        with self._lock:
            self._db.execute(
                "INSERT INTO journal (device_id, ts_ms, samples) VALUES (?, ?, ?)",
                (device_id, ts_ms, json.dumps(samples)),
            )

    def journaled(self) -> list[tuple[str, int, dict[str, float]]]:
        """Samples that were received but not yet batched when the agent last stopped."""
        with self._lock:
            rows = self._db.execute(
                "SELECT device_id, ts_ms, samples FROM journal ORDER BY id"
            ).fetchall()
        return [(str(d), int(t), json.loads(s)) for d, t, s in rows]

    def put_sequenced(
        self,
        device_id: str,
        make: Callable[[int], tuple[str, bytes]],
        journaled_through_ms: int | None = None,
    ) -> int:
        """Take the device's next sequence number and store the batch ``make`` builds with it,
        in one transaction: a crash leaves neither, so sequence numbers have no gaps. The
        journaled samples the batch holds (up to ``journaled_through_ms``) leave with it."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "INSERT INTO sequences (device_id, next_seq) VALUES (?, 1)"
                    " ON CONFLICT (device_id) DO UPDATE SET next_seq = next_seq + 1"
                    " RETURNING next_seq - 1",
                    (device_id,),
                ).fetchone()
                seq = int(row[0])
                topic, payload = make(seq)
                batch_id = self._insert(topic, payload, device_id, seq)
                if journaled_through_ms is not None:
                    self._db.execute(
                        "DELETE FROM journal WHERE device_id = ? AND ts_ms <= ?",
                        (device_id, journaled_through_ms),
                    )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return batch_id

    def put(self, topic: str, payload: bytes) -> int:
        """Store a message durably; drop the oldest if the buffer is full."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            batch_id = self._insert(topic, payload)
            self._db.execute("COMMIT")
        return batch_id

    def _insert(
        self, topic: str, payload: bytes, device_id: str | None = None, seq: int | None = None
    ) -> int:
        """Insert inside the caller's transaction, dropping the oldest when full."""
        count = self._db.execute("SELECT count(*) FROM batches").fetchone()[0]
        if count >= self._max:
            self._db.execute(
                "DELETE FROM batches WHERE id IN (SELECT id FROM batches ORDER BY id LIMIT ?)",
                (count - self._max + 1,),
            )
            self.dropped += count - self._max + 1
            log.warning("buffer full (%d batches): dropped the oldest", self._max)
        cur = self._db.execute(
            "INSERT INTO batches (topic, payload, created_at, device_id, seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (topic, payload, time.time(), device_id, seq),
        )
        return int(cur.lastrowid or 0)

    def pending(self, after_id: int = 0, limit: int = 500) -> list[Buffered]:
        """Batches after ``after_id`` not yet acknowledged by the broker, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, topic, payload, seq FROM batches"
                " WHERE id > ? AND sent_at IS NULL ORDER BY id LIMIT ?",
                (after_id, limit),
            ).fetchall()
        return [_buffered(row) for row in rows]

    def overdue(self, sent_before: float, limit: int = 500) -> list[Buffered]:
        """Batches sent before ``sent_before`` (``time.time()``) and still not committed."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, topic, payload, seq FROM batches"
                " WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY id LIMIT ?",
                (sent_before, limit),
            ).fetchall()
        return [_buffered(row) for row in rows]

    def mark_sent(self, batch_ids: list[int], at: float | None = None) -> None:
        """The broker has these batches: they await ingest's commit (a deleted one stays so)."""
        when = time.time() if at is None else at
        with self._lock:
            self._db.executemany(
                "UPDATE batches SET sent_at = ? WHERE id = ?", [(when, i) for i in batch_ids]
            )

    def mark_unsent(self, batch_ids: list[int] | None = None) -> int:
        """Send these batches (all that await commit, when ``None``) again; how many."""
        with self._lock:
            if batch_ids is None:
                cur = self._db.execute(
                    "UPDATE batches SET sent_at = NULL WHERE sent_at IS NOT NULL"
                )
                return int(cur.rowcount)
            cur = self._db.executemany(
                "UPDATE batches SET sent_at = NULL WHERE id = ?", [(i,) for i in batch_ids]
            )
            return int(cur.rowcount)

    def settle(self, device_id: str, seqs: list[tuple[int, int]]) -> int:
        """Delete the device's batches whose sequence number is in one of the inclusive
        ranges ``seqs`` (ingest committed them); how many there were."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                gone = 0
                for first, last in seqs:
                    cur = self._db.execute(
                        "DELETE FROM batches WHERE device_id = ? AND seq BETWEEN ? AND ?",
                        (device_id, first, last),
                    )
                    gone += int(cur.rowcount)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return gone

    def devices(self) -> list[str]:
        """The devices that have batches here awaiting commit, or sent-to-be."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT device_id FROM batches WHERE device_id IS NOT NULL"
            ).fetchall()
        return [str(r[0]) for r in rows]

    def awaiting_commit(self) -> int:
        """Batches the broker acknowledged that ingest has not yet said it committed."""
        with self._lock:
            row = self._db.execute(
                "SELECT count(*) FROM batches WHERE sent_at IS NOT NULL"
            ).fetchone()
        return int(row[0])

    def delete(self, batch_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM batches").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _buffered(row: tuple[Any, ...]) -> Buffered:
    batch_id, topic, payload, seq = row
    return Buffered(int(batch_id), str(topic), bytes(payload), None if seq is None else int(seq))
