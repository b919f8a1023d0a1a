"""The durable store-and-forward buffer: SQLite in WAL mode, on the agent's disk.

Every batch is written here before it is published and deleted only after the broker's
PUBACK, so killing the agent (SIGKILL) or losing the broker for minutes loses nothing: on
restart the agent publishes what is still here. Per-device sequence numbers live in the same
file and only grow, across restarts.

When the buffer holds ``max_batches``, the oldest batch is dropped to make room (a device's
newest data is worth more than its oldest after hours offline); every drop is counted and
logged.
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

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at REAL NOT NULL
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


@dataclass(frozen=True, slots=True)
class Buffered:
    id: int
    topic: str
    payload: bytes


class DiskBuffer:
    """Thread-safe (one connection behind a lock): the agent writes, the publisher drains."""

    def __init__(self, path: Path, max_batches: int = 100_000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
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
                topic, payload = make(int(row[0]))
                batch_id = self._insert(topic, payload)
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

    def _insert(self, topic: str, payload: bytes) -> int:
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
            "INSERT INTO batches (topic, payload, created_at) VALUES (?, ?, ?)",
            (topic, payload, time.time()),
        )
        return int(cur.lastrowid or 0)

    def pending(self, after_id: int = 0, limit: int = 500) -> list[Buffered]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, topic, payload FROM batches WHERE id > ? ORDER BY id LIMIT ?",
                (after_id, limit),
            ).fetchall()
        return [Buffered(int(i), str(t), bytes(p)) for i, t, p in rows]

    def delete(self, batch_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM batches").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
