"""Server processes as the e2e tests run them: ``fitconnect up`` started with its output
piped and read until ready; a gateway waited for until it answers."""

import subprocess
import sys
import time

import httpx

from tests.waiting import wait_until


def start_up(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``fitconnect up ARGS`` with ``env``; its output (both streams) on ``stdout``, as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "up", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until_up(process: subprocess.Popen[str], timeout_s: float = 60) -> str:
    """Its output up to the "FitConnect is up" banner (which must come within ``timeout_s``)."""
    assert process.stdout is not None
    text = ""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and "FitConnect is up" not in text:
        line = process.stdout.readline()
        if not line:
            break
        text += line
    assert "FitConnect is up" in text, text
    return text


def wait_until_serving(base: str, timeout_s: float = 30) -> None:
    """Until the gateway at ``base`` answers ``/healthz`` with 200 (within ``timeout_s``)."""

    def healthy() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(healthy, timeout_s, "the gateway answering /healthz")
