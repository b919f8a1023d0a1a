"""Columnar batches per device, closed by size or by age."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from fitconnect.schemas import METRICS, TelemetryBatch


@dataclass
class _Open:
    started: float
    rows: dict[int, dict[str, float]] = field(default_factory=dict)


class Batcher:
    """Collects samples per device; ``flush_due`` closes batches older than ``max_age_s``.

    Samples of one device at the same millisecond (HR and power notifications of one
    instant) merge into one row.
    """

    def __init__(self, max_samples: int = 256, max_age_s: float = 1.0) -> None:
        self._max = max_samples
        self._age = max_age_s
        self._open: dict[str, _Open] = {}

    def add(self, device_id: str, ts_ms: int, samples: dict[str, float]) -> TelemetryBatch | None:
        """Add samples; returns a closed batch when this one filled it."""
        known = {k: v for k, v in samples.items() if k in METRICS}
        if not known:
            return None
        batch = self._open.setdefault(device_id, _Open(time.monotonic()))
        batch.rows.setdefault(ts_ms, {}).update(known)
        if len(batch.rows) >= self._max:
            return self._close(device_id)
        return None

    def flush_due(self, *, force: bool = False) -> list[TelemetryBatch]:
        now = time.monotonic()
        due = [d for d, b in self._open.items() if force or now - b.started >= self._age]
        return [self._close(d) for d in due]

    def _close(self, device_id: str) -> TelemetryBatch:
        batch = self._open.pop(device_id)
        stamps = sorted(batch.rows)
        names = sorted({name for row in batch.rows.values() for name in row})
        return TelemetryBatch(
            device_id=device_id,
            seq=0,  # the disk buffer numbers it when storing it (DiskBuffer.put_sequenced)
            ts_ms=stamps,
            metrics={n: [batch.rows[t].get(n) for t in stamps] for n in names},
            sent_at_ms=int(time.time() * 1000),
        )
