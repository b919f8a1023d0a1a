"""The edge agent's hot paths: decodes per second per core, and the agent's CPU for a fleet."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
import psutil
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from fitconnect.edge_agent.gatt import decode_notification

# A realistic mix: heart rate with RR-intervals, power with crank data, CSC, indoor bike.
MIX: tuple[tuple[str, bytes], ...] = (
    ("2A37", bytes.fromhex("16485401ec02")),
    ("2A37", bytes.fromhex("0050")),
    ("2A63", bytes.fromhex("2000700190010004")),
    ("2A63", bytes.fromhex("0000fa00")),
    ("2A5B", bytes.fromhex("0339300000e8035901d007")),
    ("2AD2", bytes.fromhex("4402da020201220100")),
)


def decode_rate(seconds: float = 1.0) -> float:
    """Notifications decoded per second on one core."""
    count = 0
    began = time.perf_counter()
    while (elapsed := time.perf_counter() - began) < seconds:
        for char, payload in MIX * 200:
            decode_notification(char, payload)
        count += len(MIX) * 200
    return count / elapsed


def agent_cpu_percent(
    broker_url: str, devices: int = 20, hz: float = 4.0, seconds: float = 20
) -> float:
    """CPU of one agent process (percent of one core) for ``devices`` at ``hz``, steady state.

    The first 3 s (interpreter start, imports) are left out of the measurement. A subscriber
    stands in for ingest (the agent keeps and re-sends what nobody subscribed to).
    """
    with tempfile.TemporaryDirectory() as tmp, _sink(broker_url):
        args = [
            sys.executable,
            "-m",
            "fitconnect.edge_agent",
            "simulate",
            "--broker",
            broker_url,
            "--tenant",
            str(uuid.uuid4()),
            "--devices",
            str(devices),
            "--hz",
            str(hz),
            "--seconds",
            str(seconds),
            "--buffer-path",
            str(Path(tmp) / "b.sqlite"),
        ]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            watched = psutil.Process(process.pid)
            time.sleep(3)
            before, t0 = watched.cpu_times(), time.monotonic()
            time.sleep(max(seconds - 5, 1))
            after, t1 = watched.cpu_times(), time.monotonic()
        finally:
            process.wait(60)
    used = (after.user + after.system) - (before.user + before.system)
    return 100.0 * used / (t1 - t0)


@contextmanager
def _sink(broker_url: str) -> Iterator[None]:
    """A QoS-0 subscriber to every device topic, connected before the agent publishes."""
    parts = urlsplit(broker_url)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv5)
    if parts.username:
        client.username_pw_set(parts.username, parts.password)
    subscribed = threading.Event()
    client.on_subscribe = lambda *_: subscribed.set()
    client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
    client.loop_start()
    client.subscribe("fc/v1/#", qos=0)
    try:
        if not subscribed.wait(10):
            raise RuntimeError(f"{broker_url} did not acknowledge the bench's subscription")
        yield
    finally:
        client.disconnect()
        client.loop_stop()


@contextmanager
def spawned_mosquitto() -> Iterator[str]:
    """A throwaway Mosquitto on a free loopback port (the edge has no server package)."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
