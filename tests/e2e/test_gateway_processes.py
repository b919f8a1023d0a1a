"""`fitconnect gateway --workers 2`: two processes on one port, one /metrics for both."""

import os
import re
import signal
import subprocess
import sys

import httpx
import psutil
import pytest

from fitconnect.runtime.ports import free_port
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_two_gateway_processes_serve_one_port_and_count_together(database_url: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_ENVIRONMENT": "test",
        "FITCONNECT_SECRET_KEY": SECRET_KEY,
        "FITCONNECT_LOG_LEVEL": "WARNING",
    }
    env.pop("FITCONNECT_MQTT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "gateway", f"--port={port}", "--workers=2"], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, timeout_s=60)
        with httpx.Client(base_url=base) as client:  # new connections: both processes serve
            for _ in range(30):
                assert client.get("/healthz", headers={"Connection": "close"}).status_code == 200
            metrics = client.get("/metrics").text
        workers = [
            child
            for child in psutil.Process(process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())
        ]
        assert len(workers) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)

    served = re.search(
        r'fitconnect_gateway_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)',
        metrics,
    )
    assert served is not None, metrics
    assert float(served.group(1)) == 31  # the readiness probe and the 30, whoever served them
    assert process.returncode == 0
