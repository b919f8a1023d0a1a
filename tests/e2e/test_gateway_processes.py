"""`fitconnect gateway --workers 2`: two processes on one port, one /metrics for both.

Which process served what is read from each process's own Prometheus file
(``PROMETHEUS_MULTIPROC_DIR/counter_<pid>.db``, the files /metrics adds up).
"""

import json
import os
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from prometheus_client.mmap_dict import MmapedDict

from fitconnect.runtime.ports import free_port
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


HEALTHZ_200 = {"method": "GET", "route": "/healthz", "status": "200"}


def healthz_served_by(metrics_dir: Path, pids: list[int]) -> dict[int, float]:
    """/healthz answers (200) each of ``pids`` counted in its own metrics file."""
    served = dict.fromkeys(pids, 0.0)
    for pid in pids:
        path = metrics_dir / f"counter_{pid}.db"
        if not path.exists():
            continue
        for key, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):
            _, name, labels, _ = json.loads(key)
            if name == "fitconnect_gateway_requests_total" and labels == HEALTHZ_200:
                served[pid] += value
    return served


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

    def probe(_: int) -> None:  # a new connection each: either process may accept it
        response = httpx.get(f"{base}/healthz", headers={"Connection": "close"}, timeout=10)
        assert response.status_code == 200

    try:
        wait_until_serving(base, timeout_s=60)
        workers: list[psutil.Process] = []

        def both_started() -> bool:
            workers[:] = [
                child
                for child in psutil.Process(process.pid).children()
                if "spawn_main" in " ".join(child.cmdline())
            ]
            return len(workers) == 2

        wait_until(both_started, 30, "two worker processes")
        pids = [w.pid for w in workers]
        metrics_dir = Path(workers[0].environ()["PROMETHEUS_MULTIPROC_DIR"])
        # The readiness probes the processes answered (one that timed out on our side under
        # load may still have been served and counted), so only our own probes follow.
        sent = int(sum(healthz_served_by(metrics_dir, pids).values()))
        with ThreadPoolExecutor(8) as pool:
            # Concurrent requests until each process has answered some (a kernel may hand
            # the first connections of a burst to one of them).
            while min(healthz_served_by(metrics_dir, pids).values()) == 0:
                assert sent < 2_000, (
                    f"one process served everything: {healthz_served_by(metrics_dir, pids)}"
                )
                list(pool.map(probe, range(16)))
                sent += 16
        per_process = healthz_served_by(metrics_dir, pids)
        metrics = httpx.get(f"{base}/metrics", timeout=10).text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)

    assert all(count > 0 for count in per_process.values()), per_process
    served = re.search(
        r'fitconnect_gateway_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)',
        metrics,
    )
    assert served is not None, metrics
    assert float(served.group(1)) == sum(per_process.values()) == sent  # /metrics adds both up
    assert process.returncode == 0
