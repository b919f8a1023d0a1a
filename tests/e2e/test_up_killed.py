"""``fitconnect up`` killed with SIGKILL takes its children with it (Linux: PR_SET_PDEATHSIG).

The embedded PostgreSQL is no child of ``up`` (``pg_ctl`` detaches it) and stays, on purpose:
the next ``up`` reuses it. The ``leftovers`` fixture stops it after the test.
"""

import os
import re
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import psutil
import pytest

from tests.e2e.processes import read_until_up, start_up, wait_until_serving

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux only"),
]

SERVERS = (
    "fitconnect ingest",
    "fitconnect gateway --worker",
    "fitconnect analytics run",
    "fitconnect gateway --port",
    "fitconnect.edge_agent simulate",
)


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (a zombie has exited; only its entry waits for its parent)."""
    alive = []
    for process in processes:
        with suppress(psutil.NoSuchProcess):
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
    return alive


@pytest.fixture
def leftovers(tmp_path: Path) -> Iterator[list[psutil.Process]]:
    """Processes ended after the test whatever happened: those the test adds, and any whose
    command line names ``tmp_path`` (the embedded PostgreSQL and broker)."""
    processes: list[psutil.Process] = []
    yield processes
    processes += [
        p
        for p in psutil.process_iter(["cmdline"])
        if any(str(tmp_path) in part for part in p.info["cmdline"] or [])
    ]
    for process in _alive(processes):
        with suppress(psutil.NoSuchProcess):
            process.terminate()
    psutil.wait_procs(_alive(processes), timeout=10)
    for process in _alive(processes):
        with suppress(psutil.NoSuchProcess):
            process.kill()


def _kill_up_once_serving(env: dict[str, str], leftovers: list[psutil.Process]) -> list[str]:
    """Run ``up --simulate 2`` until its gateway answers, SIGKILL it, and check that every one
    of its children is gone within 10 s. Returns the children's command lines."""
    process = start_up(env, "--simulate", "2")
    try:
        text = read_until_up(process)
        gateway = re.search(r"GraphQL:\s+(\S+)/graphql", text)
        assert gateway is not None, text
        wait_until_serving(gateway.group(1))
        children = psutil.Process(process.pid).children(recursive=True)
        leftovers += children
        commands = {child: " ".join(child.cmdline()) for child in children}
        for server in SERVERS:
            assert any(server in command for command in commands.values()), (server, commands)
        process.kill()
        process.wait(10)
        psutil.wait_procs(children, timeout=10)  # the kernel's SIGTERM reaches them at once
        assert [commands[child] for child in _alive(children)] == []
    finally:
        process.kill()
        process.communicate(timeout=30)  # reaped, its pipe closed
    return list(commands.values())


@pytest.mark.embedded
def test_killed_up_leaves_no_child_with_embedded_services(
    tmp_path: Path, leftovers: list[psutil.Process]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "data")
    commands = _kill_up_once_serving(env, leftovers)
    assert any(re.search(r"mosquitto|amqtt", command) for command in commands), commands


@pytest.mark.integration
def test_killed_up_leaves_no_child_with_configured_services(
    tmp_path: Path, leftovers: list[psutil.Process], database_url: str, mqtt_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env |= {
        "FITCONNECT_DATA_DIR": str(tmp_path / "data"),
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_MQTT_URL": mqtt_url,
    }
    _kill_up_once_serving(env, leftovers)
