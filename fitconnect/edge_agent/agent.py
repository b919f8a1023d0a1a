"""The agent's pipeline: notification → decode → samples → batch → disk buffer.

A bad notification is counted and logged, never fatal. Publishing happens separately
(``Publisher`` drains the buffer), so a broker outage only makes the buffer grow.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

import msgspec

from fitconnect.edge_agent.batcher import Batcher
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.gatt import (
    DecodeError,
    RevolutionDeriver,
    decode_notification,
    to_samples,
)
from fitconnect.edge_agent.sources.base import Notification
from fitconnect.schemas import Channel, DeviceEvent, DeviceTopic, EventKind, TelemetryBatch, encode

log = logging.getLogger(__name__)

MACHINE_STATUS = "2ADA"
# Fitness Machine Status op codes that stop or start the machine's timer (FTMS v1.0):
# stopped or paused by the user, stopped by the safety key, started or resumed by the user.
_MACHINE_TIMER = {0x02: EventKind.PAUSE, 0x03: EventKind.PAUSE, 0x04: EventKind.RESUME}


@dataclass
class AgentCounters:
    notifications: int = 0
    decode_errors: int = 0
    batches: int = 0


class EdgeAgent:
    def __init__(
        self,
        tenant: str,
        buffer: DiskBuffer,
        wheel_circumference_m: float = 2.105,
        *,
        historical: bool = False,
    ) -> None:
        """``historical``: everything this agent sends was recorded earlier (a FIT import)."""
        self._tenant = tenant
        self._historical = historical
        self._buffer = buffer
        self._batcher = Batcher()
        self._circumference = wheel_circumference_m
        self._derivers: dict[str, RevolutionDeriver] = {}
        self._last_revolutions_at: dict[str, float] = {}
        self.counters = AgentCounters()
        for device_id, ts_ms, samples in buffer.journaled():  # what a crash left unbatched
            self._add(device_id, ts_ms, samples, journal=False)

    def handle(self, n: Notification) -> None:
        self.counters.notifications += 1
        try:
            m = decode_notification(n.characteristic, n.payload)
        except DecodeError as exc:
            self.counters.decode_errors += 1
            log.warning("device %s: %s (payload %s)", n.device_key, exc, n.payload.hex())
            return
        if m.characteristic == MACHINE_STATUS:
            kind = _MACHINE_TIMER.get(int(m["op_code"]))  # type: ignore[arg-type]
            if kind is not None:
                self.mark(n.device_key, kind, int(n.received_at * 1000))
            return
        samples = to_samples(m)
        if "cumulative_crank_revs" in m or "cumulative_wheel_revs" in m:
            deriver = self._derivers.setdefault(
                n.device_key, RevolutionDeriver(self._circumference)
            )
            previous = self._last_revolutions_at.get(n.device_key, n.received_at)
            self._last_revolutions_at[n.device_key] = n.received_at
            derived = deriver.update(m, elapsed_s=max(n.received_at - previous, 0.0))
            for name in ("cadence_rpm", "speed_kmh"):
                if name in derived:
                    samples[name] = derived[name]
        self._add(n.device_key, int(n.received_at * 1000), samples)

    def handle_samples(self, device_id: str, ts_ms: int, samples: dict[str, float]) -> None:
        """Samples that did not come as notifications (FIT replay) take the same path."""
        self._add(device_id, ts_ms, samples)

    def _add(
        self, device_id: str, ts_ms: int, samples: dict[str, float], *, journal: bool = True
    ) -> None:
        """Journal the samples on disk (a SIGKILL loses nothing), then batch them."""
        if not samples:
            return
        if journal:
            self._buffer.journal(device_id, ts_ms, samples)
        closed = self._batcher.add(device_id, ts_ms, samples)
        if closed is not None:
            self._store(closed)

    def flush_due(self, *, force: bool = False) -> None:
        for batch in self._batcher.flush_due(force=force):
            self._store(batch)

    def session_event(self, device_id: str, kind: EventKind, session_id: str, sport: str) -> None:
        self._event(
            DeviceEvent(
                device_id=device_id,
                kind=kind,
                ts_ms=int(time.time() * 1000),
                session_id=session_id,
                sport=sport,
            )
        )

    def mark(self, device_id: str, kind: EventKind, ts_ms: int) -> None:
        """A lap mark (lap pressed, or auto-lap) or the timer's pause or resume at ``ts_ms``."""
        self._event(DeviceEvent(device_id=device_id, kind=kind, ts_ms=ts_ms))

    def _event(self, event: DeviceEvent) -> None:
        topic = DeviceTopic(self._tenant, event.device_id, Channel.EVENTS)
        marked = msgspec.structs.replace(event, historical=self._historical)
        self._buffer.put(str(topic), encode(marked))

    def _store(self, batch: TelemetryBatch) -> None:
        topic = str(DeviceTopic(self._tenant, batch.device_id, Channel.TELEMETRY))

        def numbered(seq: int) -> tuple[str, bytes]:
            corr = f"{batch.device_id[:8]}-{seq}-{uuid.uuid4().hex[:6]}"
            sent = msgspec.structs.replace(batch, seq=seq, corr=corr, historical=self._historical)
            return topic, encode(sent)

        self._buffer.put_sequenced(batch.device_id, numbered, max(batch.ts_ms))
        self.counters.batches += 1
