"""Faults under load from the real edge agent: every sample it took is stored, none twice.

Each test runs its own PostgreSQL, Mosquitto, ``fitconnect ingest`` workers and edge agent
(``edge_load.py``: journal, batcher, disk buffer, publisher) as processes, injects one fault
a third of the way into the load, lets the load finish, and counts: the samples owed (every
device's 0..N-1), stored, lost, gaps (runs of missing samples: a lost batch, a gap in the
sequence, is one), devices whose last stored sequence number is not the agent's, and the
seconds from the end of the fault until rows are stored again. The figures are printed at
the end of the run.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import OwnBroker
from .harness import (
    EdgeLoad,
    Figures,
    OwnPostgres,
    Workers,
    ledger,
    register_devices,
    seconds_until_stored_grows,
    stored_count,
    wait_stored,
)

pytestmark = [pytest.mark.faults, pytest.mark.slow]

DEVICES, SAMPLES, RATE = 4, 8_000, 800.0  # per device: 10 s of load at 800 samples/s
DOWN_FOR = 1_600  # samples per device the agent takes while the fault lasts (2 s)


@dataclass
class Run:
    pg: OwnPostgres
    broker: OwnBroker
    workers: Workers
    load: EdgeLoad

    def down_for_a_while(self) -> None:
        """While the fault lasts, the agent goes on taking samples (and buffering them)."""
        self.load.wait_for_progress(self.load.progress + DOWN_FOR)

    def recovery(self) -> float:
        return seconds_until_stored_grows(self.pg.url, self.load.devices, 60)


@dataclass
class Parts:
    """A test's own database, broker, folder, and where its figures go."""

    pg: OwnPostgres
    broker: OwnBroker
    folder: Path
    record: list[Figures]


@pytest.fixture
def parts(
    own_pg: OwnPostgres, own_broker: OwnBroker, tmp_path: Path, record: list[Figures]
) -> Parts:
    return Parts(own_pg, own_broker, tmp_path, record)


def run_fault(
    fault: str, parts: Parts, *, inject: Callable[[Run], float], workers: int = 1
) -> None:
    pg, broker, tmp_path, record = parts.pg, parts.broker, parts.folder, parts.record
    tenant, devices = register_devices(pg.url, DEVICES)
    run = Run(
        pg,
        broker,
        Workers(pg.url, broker.url, tmp_path),
        EdgeLoad(broker.url, tenant, devices, tmp_path / "edge", SAMPLES, RATE),
    )
    for index in range(workers):
        run.workers.start(index)
    try:
        run.load.start()
        run.load.wait_for_progress(SAMPLES // 3)
        assert stored_count(pg.url, devices) > 0, "nothing stored before the fault"
        recovery_s = inject(run)
        run.load.finish()
        wait_stored(pg.url, devices, DEVICES * SAMPLES, 60)
    finally:
        if run.load.process is not None and run.load.process.poll() is None:
            run.load.kill()
        run.workers.stop_all()
    figures = ledger(pg.url, run.load, fault, recovery_s)
    record.append(figures)
    assert (figures.lost, figures.gaps, figures.last_seq_off) == (0, 0, 0), figures.line()
    assert figures.stored == figures.sent, figures.line()  # nothing twice


def restart_worker(sig: signal.Signals, index: int = 0) -> Callable[[Run], float]:
    def inject(run: Run) -> float:
        run.workers.signal(index, sig)
        run.down_for_a_while()
        run.workers.start(index)
        return run.recovery()

    return inject


# A killed Mosquitto loses what it had acknowledged to the agent and not yet delivered: it
# writes its persistence file at shutdown and on its autosave interval, not per message. With
# ingest keeping up that is little or nothing, but not never.
BROKER_KILLED_LOSES_ITS_QUEUE = pytest.mark.xfail(
    reason="a SIGKILLed Mosquitto loses its in-memory queue", strict=False
)


@BROKER_KILLED_LOSES_ITS_QUEUE
def test_broker_killed_and_restarted(parts: Parts) -> None:
    def inject(run: Run) -> float:
        run.broker.broker.kill()
        run.down_for_a_while()
        run.broker.restart()
        return run.recovery()

    run_fault("broker SIGKILL + restart", parts, inject=inject)


def test_broker_stopped_and_restarted(parts: Parts) -> None:
    """Mosquitto 2.0.11 does not restore shared subscriptions from its persistence file: until
    the workers subscribe again, the broker answers the agent "no matching subscribers", and
    the agent keeps those batches and sends them again (10,240 samples lost before)."""

    def inject(run: Run) -> float:
        run.broker.broker.stop()
        run.down_for_a_while()
        run.broker.restart()
        return run.recovery()

    run_fault("broker SIGTERM + restart", parts, inject=inject)


@pytest.mark.parametrize(
    ("sig", "workers"),
    [(signal.SIGKILL, 1), (signal.SIGKILL, 2), (signal.SIGTERM, 1), (signal.SIGTERM, 2)],
    ids=["SIGKILL-1", "SIGKILL-2", "SIGTERM-1", "SIGTERM-2"],
)
def test_worker_stopped_and_restarted(
    parts: Parts,
    sig: signal.Signals,
    workers: int,
) -> None:
    fault = f"worker {sig.name} (1 of {workers})"
    inject = restart_worker(sig)
    run_fault(fault, parts, inject=inject, workers=workers)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_stopped_and_restarted(
    parts: Parts,
    mode: str,
) -> None:
    def inject(run: Run) -> float:
        run.pg.stop(mode)  # type: ignore[arg-type]
        run.down_for_a_while()
        run.pg.start()
        return run.recovery()

    run_fault(f"PostgreSQL stop -m {mode}", parts, inject=inject)


def test_edge_agent_killed_and_restarted(parts: Parts) -> None:
    def inject(run: Run) -> float:
        run.load.kill()  # SIGKILL: journaled samples and buffered batches stay on its disk
        run.load.start()  # resumes where it stopped, with the same buffer
        return run.recovery()

    run_fault("edge agent SIGKILL + restart", parts, inject=inject)
