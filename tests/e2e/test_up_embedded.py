"""``fitconnect up`` on a machine with nothing configured: embedded database and broker."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from fitconnect.runtime.ports import first_free_port
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.slow]


def _wait_for_line(process: subprocess.Popen[str], pattern: str, timeout_s: float) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if re.search(pattern, line):
            return lines
    pytest.fail(f"no line matching {pattern!r} in {timeout_s} s:\n{''.join(lines)}")


def _graphql_login(url: str) -> dict[str, Any]:
    """Log the demo athlete in through the running gateway (it may still be starting)."""
    query = (
        'mutation { login(email: "athlete@demo.fitconnect", password: "fitconnect-demo")'
        " { accessToken } }"
    )
    answers: list[dict[str, Any]] = []

    def answered() -> bool:
        try:
            answers.append(dict(httpx.post(url, json={"query": query}, timeout=10).json()))
        except httpx.TransportError:
            return False
        return True

    wait_until(answered, 30, "the gateway answering the login")
    return answers[0]


def test_up_starts_embedded_services_and_ctrl_c_leaves_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "data")
    # A stable address: the gateway's default port 8000, or the next free one above it. The
    # first free one from 8000 is held here, so up must take the one after it.
    held = socket.socket()
    held.bind(("127.0.0.1", first_free_port("127.0.0.1", 8000)))
    held.listen()
    process = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _wait_for_line(process, r"FitConnect is up", timeout_s=60)
        text = "".join(lines)
        assert "embedded PostgreSQL" in text
        assert re.search(r"broker:\s+embedded (mosquitto|amqtt)", text)
        url = re.search(r"GraphQL:\s+(\S+)", text)
        assert url is not None, text
        port = int(url.group(1).split(":")[2].split("/")[0])
        assert held.getsockname()[1] < port < 8100, text
        held.close()
        login = _graphql_login(url.group(1))
        assert login["data"]["login"]["accessToken"], login
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    finally:
        held.close()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, rest
    assert "stopped: nothing left running" in rest
    pgdata = str(tmp_path / "data" / "postgres")
    leftovers = [
        p
        for p in psutil.process_iter(["cmdline"])
        if any(pgdata in part or str(tmp_path) in part for part in p.info["cmdline"] or [])
    ]
    assert leftovers == []
    assert not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)
    assert not (tmp_path / "data" / "runtime.json").exists()
