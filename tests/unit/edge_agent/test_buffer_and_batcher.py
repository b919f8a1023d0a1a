import sqlite3
from pathlib import Path

import pytest

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.batcher import Batcher
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.sources.base import Notification
from fitconnect.schemas import DeviceEvent, EventKind, TelemetryBatch, decode


def test_buffered_batches_and_sequences_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "buffer.sqlite"
    first = DiskBuffer(path)
    for name in (b"one", b"two", b"three"):
        first.put_sequenced("d1", lambda seq, n=name: ("t", n + str(seq).encode()))
    first.close()
    again = DiskBuffer(path)
    assert [b.payload for b in again.pending()] == [b"one0", b"two1", b"three2"]
    assert again.next_seq("d1") == 3
    assert again.next_seq("d2") == 0


def test_a_failed_build_takes_no_sequence_number(tmp_path: Path) -> None:
    buffer = DiskBuffer(tmp_path / "b.sqlite")

    def broken(_seq: int) -> tuple[str, bytes]:
        raise RuntimeError("encoder failed")

    with pytest.raises(RuntimeError):
        buffer.put_sequenced("d1", broken)
    assert buffer.next_seq("d1") == 0
    assert len(buffer) == 0


def test_a_batch_leaves_only_when_deleted(tmp_path: Path) -> None:
    buffer = DiskBuffer(tmp_path / "b.sqlite")
    kept = buffer.put("t", b"a")
    gone = buffer.put("t", b"b")
    buffer.delete(gone)
    assert [b.id for b in buffer.pending()] == [kept]
    assert [b.id for b in buffer.pending(after_id=kept)] == []


def test_a_full_buffer_drops_the_oldest_and_counts_it(tmp_path: Path) -> None:
    buffer = DiskBuffer(tmp_path / "b.sqlite", max_batches=3)
    for i in range(5):
        buffer.put("t", bytes([i]))
    assert [b.payload for b in buffer.pending()] == [b"\x02", b"\x03", b"\x04"]
    assert buffer.dropped == 2


def test_batches_close_by_size_and_merge_samples_of_one_instant() -> None:
    batcher = Batcher(max_samples=3, max_age_s=60)
    assert batcher.add("d", 1000, {"heart_rate_bpm": 120.0}) is None
    assert batcher.add("d", 1000, {"power_w": 200.0}) is None  # same instant: one row
    assert batcher.add("d", 1250, {"heart_rate_bpm": 121.0, "unknown": 1.0}) is None
    closed = batcher.add("d", 1500, {"power_w": 210.0})
    assert closed is not None
    assert closed.ts_ms == [1000, 1250, 1500]
    assert closed.metrics == {
        "heart_rate_bpm": [120.0, 121.0, None],
        "power_w": [200.0, None, 210.0],
    }


def test_batches_close_by_age_when_flushed() -> None:
    batcher = Batcher(max_samples=100, max_age_s=0)
    batcher.add("d", 1, {"power_w": 1.0})
    [batch] = batcher.flush_due()
    assert batch.ts_ms == [1]
    assert batcher.flush_due() == []


def test_samples_not_yet_batched_survive_a_kill(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    first = EdgeAgent("tenant", DiskBuffer(path))
    for i in range(3):  # received, journaled, not yet batched (no flush): then the process dies
        first.handle(Notification("dev", "2A37", bytes([0, 100 + i]), 1_000.0 + i))
    assert len(DiskBuffer(path)) == 0
    second = EdgeAgent("tenant", DiskBuffer(path))
    second.flush_due(force=True)
    buffer = DiskBuffer(path)
    [stored] = buffer.pending()
    batch = decode(stored.payload, TelemetryBatch)
    assert batch.metrics["heart_rate_bpm"] == [100.0, 101.0, 102.0]
    assert buffer.journaled() == []


def test_a_trainer_paused_and_resumed_sends_pause_and_resume_events(tmp_path: Path) -> None:
    """Fitness Machine Status: paused by the user (0x02 0x02), resumed (0x04), stopped by the
    safety key (0x03); a target change (0x08) is no timer event."""
    agent = EdgeAgent("t1", DiskBuffer(tmp_path / "b.sqlite"))
    for i, hex_payload in enumerate(("0202", "04", "086000", "03")):
        agent.handle(Notification("trainer", "2ADA", bytes.fromhex(hex_payload), 1000.0 + i))
    events = [decode(b.payload, DeviceEvent) for b in DiskBuffer(tmp_path / "b.sqlite").pending()]
    assert [(e.kind, e.ts_ms) for e in events] == [
        (EventKind.PAUSE, 1_000_000),
        (EventKind.RESUME, 1_001_000),
        (EventKind.PAUSE, 1_003_000),
    ]
    assert all(not e.historical for e in events)


def test_a_sent_batch_stays_on_disk_until_its_commit_is_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    buffer = DiskBuffer(path)
    ids = [buffer.put_sequenced("d1", lambda seq: ("t", str(seq).encode())) for _ in range(4)]
    other = buffer.put_sequenced("d2", lambda _seq: ("t", b"d2"))
    buffer.mark_sent([*ids, other], at=100.0)  # the broker's PUBACKs
    assert buffer.pending() == []  # not sent again at once
    assert (len(buffer), buffer.awaiting_commit()) == (5, 5)
    assert buffer.settle("d1", [(0, 1), (3, 3)]) == 3  # ingest committed seq 0, 1 and 3
    assert [(b.seq, b.payload) for b in buffer.overdue(sent_before=101.0)] == [
        (2, b"2"),
        (0, b"d2"),
    ]
    assert buffer.overdue(sent_before=99.0) == []  # not yet overdue
    buffer.close()
    again = DiskBuffer(path)  # the agent killed and restarted: what awaited commit is kept
    assert again.awaiting_commit() == 2
    assert again.mark_unsent() == 2  # on reconnect: everything awaiting commit goes again
    assert [(b.seq, b.payload) for b in again.pending()] == [(2, b"2"), (0, b"d2")]
    assert again.settle("d1", [(0, 10)]) == 1
    assert again.settle("d2", [(0, 0)]) == 1
    assert len(again) == 0


def test_an_acknowledgement_names_only_its_own_devices_batches(tmp_path: Path) -> None:
    buffer = DiskBuffer(tmp_path / "b.sqlite")
    buffer.put_sequenced("d1", lambda _seq: ("t", b"x"))
    event = buffer.put("t/events", b"e")  # no sequence number: leaves at its PUBACK
    assert buffer.settle("d2", [(0, 5)]) == 0
    assert [b.awaits_commit for b in buffer.pending()] == [True, False]
    assert buffer.pending()[1].id == event
    assert buffer.devices() == ["d1"]


def test_a_buffer_written_before_commit_acknowledgements_opens_and_drains(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:  # the schema of the agents before this version
        db.executescript(
            "CREATE TABLE batches (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL,"
            " payload BLOB NOT NULL, created_at REAL NOT NULL);"
            "INSERT INTO batches (topic, payload, created_at) VALUES ('t', x'01', 0);"
        )
    buffer = DiskBuffer(path)
    (old,) = buffer.pending()
    assert (old.payload, old.awaits_commit) == (b"\x01", False)
    buffer.put_sequenced("d1", lambda _seq: ("t", b"new"))
    assert [b.seq for b in buffer.pending()] == [None, 0]
