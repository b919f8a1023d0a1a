"""The README's run command with ``--simulate 20``: within a minute, sessions (with the sport
their devices announced first thing) and live data through GraphQL, and non-zero ingest
counters on /metrics."""

import os
import re
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.processes import read_until_up, start_up
from tests.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.slow]

LOGIN = (
    'mutation { login(email: "athlete@demo.fitconnect", password: "fitconnect-demo")'
    " { accessToken } }"
)
DASHBOARD = (
    "{ sessions { edges { node { start durationS avgPowerW sport } } }"
    " stream(maxPoints: 10) { powerW heartRateBpm } }"
)


def _gql(url: str, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return dict(httpx.post(url, json={"query": query}, headers=headers, timeout=10).json())


def _stored_samples(metrics_url: str) -> float:
    text = httpx.get(metrics_url, timeout=5).text
    return sum(
        float(m.group(1))
        for m in re.finditer(
            r'fitconnect_ingest_samples_total\{[^}]*result="stored"[^}]*\} (\S+)', text
        )
    )


def test_simulated_fleet_shows_sessions_live_data_and_ingest_counters(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "data")
    process = start_up(env, "--simulate", "20")
    try:
        text = read_until_up(process)
        graphql = re.search(r"GraphQL:\s+(\S+)", text)
        ingest_metrics = re.search(r"ingest: (\S+/metrics)", text)
        assert graphql is not None, text
        assert ingest_metrics is not None, text
        token = None
        sessions: list[Any] = []
        stream: list[Any] = []

        def dashboard_filled() -> bool:
            nonlocal token, sessions, stream
            try:
                token = token or _gql(graphql.group(1), LOGIN)["data"]["login"]["accessToken"]
                data = _gql(graphql.group(1), DASHBOARD, token)["data"]
            except httpx.TransportError:
                return False
            sessions = [edge["node"] for edge in data["sessions"]["edges"]]
            stream = data["stream"]
            return bool(sessions and stream)

        wait_until(dashboard_filled, 60, "a session and a stream on the dashboard")
        assert len(sessions) == 1, "the 20 simulated devices of one athlete make one workout"
        # Their session_start events, published at once, were stored: ingest's subscription
        # existed before the simulator could publish.
        assert sessions[0]["sport"] == "CYCLING"
        assert any(p["powerW"] for p in stream)
        assert any(p["heartRateBpm"] for p in stream)
        assert _stored_samples(ingest_metrics.group(1)) > 0
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)  # reaped, its pipe closed
    assert process.returncode == 0
    assert "stopped: nothing left running" in rest
