"""Fixtures of the fault suite: a PostgreSQL and a Mosquitto of each test's own, and the figures.

Every test gets its own cluster (a copy of one migrated per session) and its own broker (the
project's configuration, persistence on, on a free port it keeps across restarts), so killing
them touches nothing else. The figures of every run are printed at the end of the session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.runtime.ports import free_port

from .harness import PG_BIN, Figures, OwnPostgres

FIGURES: list[Figures] = []


@pytest.fixture(scope="session")
def pg_template() -> Iterator[OwnPostgres]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 binaries not found in {PG_BIN}")
    template = OwnPostgres.template()
    yield template
    shutil.rmtree(template.root, ignore_errors=True)


@pytest.fixture
def own_pg(pg_template: OwnPostgres) -> Iterator[OwnPostgres]:
    server = pg_template.copy()
    yield server
    server.remove()


class OwnBroker:
    """Mosquitto on one port and one persistence folder, however often it is restarted."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.broker = EmbeddedBroker.start(folder, kind="mosquitto", port=self.port)
        self.url = self.broker.url

    def restart(self) -> None:
        self.broker = EmbeddedBroker.start(self.folder, kind="mosquitto", port=self.port)


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[OwnBroker]:
    broker = OwnBroker(tmp_path / "broker")
    yield broker
    broker.broker.stop()


@pytest.fixture
def record() -> Iterator[list[Figures]]:
    runs: list[Figures] = []
    yield runs
    FIGURES.extend(runs)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("fault runs: samples owed by the edge agent vs stored")
        for figures in FIGURES:
            terminalreporter.write_line(figures.line())
