"""The simulator sends what a power meter sends, so decoded cadence follows the simulated one."""

import itertools
from pathlib import Path
from statistics import fmean

import pytest

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.gatt import Measurement, decode_notification, encode_measurement
from fitconnect.edge_agent.physiology import Physiology
from fitconnect.edge_agent.simulator import SimulatedDevice
from fitconnect.edge_agent.sources.base import Notification
from fitconnect.schemas import TelemetryBatch, decode

HZ = 4.0
SECONDS = 900
T0 = 1_700_000_000.0
SEED = 7


def _ride(tmp_path: Path) -> tuple[dict[int, float], dict[int, float], list[tuple[int, int]]]:
    """(simulated cadence by ms, decoded cadence by ms, raw (revs, event time) per notification)
    of a 15-minute ride at 4 Hz through the real agent."""
    device, body = SimulatedDevice("bike", "ride", SEED), Physiology(SEED)
    agent = EdgeAgent("tenant", DiskBuffer(tmp_path / "edge.sqlite"))
    dt = 1 / HZ
    simulated: dict[int, float] = {}
    raw: list[tuple[int, int]] = []
    for step in range(int(SECONDS * HZ)):
        t = step * dt
        simulated[round((T0 + t) * 1000)] = body.step(t, dt).cadence_rpm
        for note in device.tick(t, dt, T0 + t):
            agent.handle(note)
            if note.characteristic == "2A63":
                m = decode_notification("2A63", note.payload)
                raw.append(
                    (int(m["cumulative_crank_revs"]), int(m["last_crank_event_time_raw_1024"]))
                )  # type: ignore[arg-type]
    agent.flush_due(force=True)
    decoded: dict[int, float] = {}
    buffer = DiskBuffer(tmp_path / "edge.sqlite")
    for item in buffer.pending(limit=100_000):
        if item.topic.endswith("/telemetry"):
            batch = decode(item.payload, TelemetryBatch)
            for ts, cadence in zip(batch.ts_ms, batch.metrics["cadence_rpm"], strict=True):
                if cadence is not None:
                    decoded[ts] = cadence
    return simulated, decoded, raw


def test_crank_values_move_only_with_a_revolution(tmp_path: Path) -> None:
    _, _, raw = _ride(tmp_path)
    for (revs0, time0), (revs1, time1) in itertools.pairwise(raw):
        assert (revs1 == revs0) == (time1 == time0)  # one moves exactly when the other does
        assert (revs1 - revs0) % 65536 <= 1  # at most one revolution per 0.25 s below 240 rpm
    assert any(t1 < t0 for (_, t0), (_, t1) in itertools.pairwise(raw))  # the 1/1024 s clock wraps


def test_decoded_cadence_follows_the_simulated_cadence(tmp_path: Path) -> None:
    simulated, decoded, _ = _ride(tmp_path)
    stamps = sorted(decoded)[8:]  # from the second revolution on
    values = [decoded[ts] for ts in stamps]
    assert min(values) > 0
    assert max(values) < 150
    window = int(30 * HZ)
    for i in range(0, len(stamps) - window, window):
        part = stamps[i : i + window]
        got = fmean(decoded[ts] for ts in part)
        want = fmean(simulated[ts] for ts in part)
        assert abs(got - want) < 1.0, (i, got, want)


def test_a_slow_cadence_between_notifications_is_not_taken_for_stopping(tmp_path: Path) -> None:
    """At 50 rpm a 4 Hz sensor repeats its values four times between revolutions; the agent
    measures that silence in seconds (1 s, not four), so cadence stays 50 rather than 0."""
    agent = EdgeAgent("tenant", DiskBuffer(tmp_path / "edge.sqlite"))
    for step in range(4 * 60):
        t = step / 4
        revs = int(t / 1.2)
        fields = {
            "cumulative_crank_revs": revs,
            "last_crank_event_time_raw_1024": round(revs * 1.2 * 1024) % 65536,
        }
        payload = encode_measurement(Measurement.of("2A5B", fields))
        agent.handle(Notification("crank", "2A5B", payload, T0 + t))
    agent.flush_due(force=True)
    cadences = [
        c
        for item in DiskBuffer(tmp_path / "edge.sqlite").pending(limit=1000)
        for c in decode(item.payload, TelemetryBatch).metrics["cadence_rpm"]
    ]
    assert len(cadences) == 4 * 60
    assert cadences[8:] == [pytest.approx(50.0, abs=0.1)] * (len(cadences) - 8)
