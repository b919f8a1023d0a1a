"""docker-compose.yml, run piece by piece as compose would (Docker is not on these machines).

Every FitConnect service's command runs with its environment against local stand-ins: the
broker is Mosquitto started by the compose file's own script and configuration (after the
broker-init service wrote its users), the database is the test PostgreSQL. Host names become
loopback, container paths temporary folders, container ports free ports; then the service's
health check runs, retried as compose retries it. So the file cannot drift from the code.
"""

import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import yaml

from fitconnect.runtime.ports import free_port, is_free

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("mosquitto") is None, reason="needs the mosquitto binary"),
    pytest.mark.skipif(
        shutil.which("mosquitto_sub") is None, reason="needs mosquitto_sub (mosquitto-clients)"
    ),
]

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
BIN = Path(sys.executable).parent
# Ports the services listen on inside their containers, each mapped to a free one here; the
# 91xx ones keep their distance (an ingest worker's metrics port is 9101 + its index).
METRICS_PORTS = ("9101", "9102", "9103", "9104")
VARIABLE = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def _container_ports() -> dict[str, str]:
    while True:
        base = free_port()
        block = [base + int(p) - 9100 for p in METRICS_PORTS]
        if all(port < 65536 and is_free("127.0.0.1", port) for port in block):
            return {
                "8000": str(free_port()),
                **dict(zip(METRICS_PORTS, map(str, block), strict=True)),
            }


def _ours(name: str) -> bool:
    return SERVICES[name].get("image") == "fitconnect:latest"


class Stand:
    """The local stand-ins and the translation of compose values to them."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp = tmp
        self.database_url = database_url
        self.broker_port = free_port()
        self.variables = {
            "FITCONNECT_SECRET_KEY": secrets.token_urlsafe(32),
            "FITCONNECT_MQTT_INGEST_PASSWORD": secrets.token_urlsafe(12),
            "FITCONNECT_MQTT_SIMULATOR_PASSWORD": secrets.token_urlsafe(12),
            "MINIO_ROOT_PASSWORD": secrets.token_urlsafe(12),
            "GRAFANA_ADMIN_PASSWORD": secrets.token_urlsafe(12),
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def interpolate(self, text: str) -> str:
        def value(m: re.Match[str]) -> str:
            name, kind, default = m.group(1), m.group(2), m.group(3) or ""
            if name in self.variables:
                return self.variables[name]
            assert kind == "-", f"${{{name}}} is required and the test does not know it"
            return default

        return VARIABLE.sub(value, text).replace("$$", "$")

    def local(self, service: str, text: str, ports: dict[str, str]) -> str:
        """A compose value as it is on this machine."""
        text = self.interpolate(text)
        text = re.sub(r"postgresql://[^@\s]+@timescaledb:5432/fitconnect", self.database_url, text)
        text = text.replace("@mosquitto:1883", f"@127.0.0.1:{self.broker_port}")
        text = text.replace("http://minio:9000", f"http://127.0.0.1:{free_port()}")
        text = text.replace("0.0.0.0", "127.0.0.1")  # noqa: S104 - what is replaced
        for folder in ("/mosquitto/auth", "/mosquitto/data", "/mosquitto/config", "/edge-fleet"):
            text = text.replace(folder, str(self.tmp / folder.strip("/").replace("/", "-")))
        text = text.replace("/var/lib/fitconnect", str(self.tmp / service / "data"))
        for inside, outside in ports.items():
            text = re.sub(rf"\b{inside}\b", outside, text)
        return text

    def environment(self, service: str, ports: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
        declared = SERVICES[service].get("environment", {})
        env |= {k: self.local(service, str(v), ports) for k, v in declared.items()}
        env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
        return env

    def argv(self, service: str, ports: dict[str, str]) -> list[str]:
        spec = SERVICES[service]
        entrypoint = spec.get("entrypoint", ["fitconnect"])
        command = [self.local(service, str(c), ports) for c in spec.get("command", [])]
        program = str(BIN / entrypoint[0]) if _ours(service) else entrypoint[0]
        return [program, *entrypoint[1:], *command]

    def healthy(self, service: str, ports: dict[str, str], env: dict[str, str]) -> bool:
        """The service's health check, retried until it passes or compose would give up."""
        check = SERVICES[service]["healthcheck"]["test"]
        kind, *rest = check
        if kind == "CMD-SHELL":
            argv = ["sh", "-c", self.local(service, rest[0], ports)]
        else:
            argv = [self.local(service, part, ports) for part in rest]
            if argv[0] in {"python", "fitconnect"}:
                argv[0] = sys.executable if argv[0] == "python" else str(BIN / "fitconnect")
        argv = [a.replace("-h localhost", f"-h 127.0.0.1 -p {self.broker_port}") for a in argv]
        deadline = time.monotonic() + 90
        while True:
            result = subprocess.run(argv, env=env, capture_output=True, timeout=60, check=False)
            if result.returncode == 0:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(1)  # compose's interval, shortened

    def start(
        self, service: str, ports: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
        ports = ports or _container_ports()
        env = self.environment(service, ports)
        (self.tmp / service).mkdir(parents=True, exist_ok=True)
        with (self.tmp / service / "log").open("wb") as log:
            process = subprocess.Popen(
                self.argv(service, ports), env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        assert self.healthy(service, ports, env), self.log(service)
        return process, ports

    def log(self, service: str) -> str:
        return f"{service}:\n" + (self.tmp / service / "log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def stand(tmp_path: Path, database_url: str) -> Iterator[Stand]:
    stand = Stand(tmp_path, database_url)
    config = tmp_path / "mosquitto-config"
    shutil.copytree(ROOT / "deploy" / "mosquitto", config)
    yield stand
    stand.stop()


def _run_once(stand: Stand, service: str, ports: dict[str, str] | None = None) -> None:
    ports = ports or _container_ports()
    result = subprocess.run(
        stand.argv(service, ports),
        env=stand.environment(service, ports),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{service}: {result.stdout}{result.stderr}"


def _start_broker(stand: Stand) -> None:
    """The mosquitto service: its script and configuration, listening on a loopback port."""
    config = stand.tmp / "mosquitto-config" / "mosquitto.conf"
    text = stand.local("mosquitto", config.read_text(), {})
    text = text.replace("listener 1883 127.0.0.1", f"listener {stand.broker_port} 127.0.0.1")
    if os.geteuid() == 0:  # pytest's folders are closed to the mosquitto user it would become
        text = "user root\n" + text
    config.write_text(text)
    (stand.tmp / "mosquitto-data").mkdir(exist_ok=True)
    env = stand.environment("mosquitto", {})
    env["MOSQUITTO_CONF"] = str(config)
    env["MOSQUITTO_AUTH_DIR"] = str(stand.tmp / "mosquitto-auth")
    entrypoint = SERVICES["mosquitto"]["entrypoint"]
    script = stand.local("mosquitto", entrypoint[1], {})
    (stand.tmp / "mosquitto").mkdir(exist_ok=True)
    with (stand.tmp / "mosquitto" / "log").open("wb") as log:
        stand.processes.append(
            subprocess.Popen([entrypoint[0], script], env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    assert stand.healthy("mosquitto", {}, env), stand.log("mosquitto")


def test_every_fitconnect_service_starts_and_passes_its_health_check(stand: Stand) -> None:
    _run_once(stand, "broker-init")
    _start_broker(stand)
    _run_once(stand, "migrate")
    _, gateway_ports = stand.start("gateway")
    for service in ("ingest-1", "ingest-2", "analytics", "worker"):
        stand.start(service)
    # sim-init writes the agent's file edge-sim runs: one container port mapping for both.
    edge_ports = _container_ports()
    _run_once(stand, "sim-init", edge_ports)
    _run_once(stand, "sim-init", edge_ports)  # a re-run (a restarted stack) reuses the devices
    stand.start("edge-sim", edge_ports)
    # The simulator's own broker user gets in: the edge job scrapes a connected agent.
    deadline = time.monotonic() + 30
    while "fitconnect_edge_broker_connected 1.0" not in (
        text := httpx.get(f"http://127.0.0.1:{edge_ports['9104']}/metrics", timeout=5).text
    ):
        assert time.monotonic() < deadline, text
        time.sleep(0.5)
    # Its devices are the ones sim-init registered: ingest stores every one's samples.
    fleet = _fleet_devices(stand)
    assert len(fleet) == _devices_asked()
    deadline = time.monotonic() + 60
    while (stored := _devices_with_samples(stand.database_url, fleet)) != set(fleet):
        assert time.monotonic() < deadline, (stored, stand.log("ingest-1"))
        time.sleep(0.5)
    assert _registered(stand.database_url, fleet) == set(fleet)
    assert httpx.get(f"http://127.0.0.1:{gateway_ports['9103']}/metrics", timeout=5).is_success
    # The reload path across containers: a device the gateway registers is let in by the
    # broker once run-broker.sh has seen the rewritten files.
    username, password = _register_device(f"http://127.0.0.1:{gateway_ports['8000']}")
    assert not _connects(stand.broker_port, username, "a wrong password")
    deadline = time.monotonic() + 15
    while not _connects(stand.broker_port, username, password):
        assert time.monotonic() < deadline, "the broker never reloaded its password file"
        time.sleep(0.5)


def _fleet_devices(stand: Stand) -> list[str]:
    """The device ids of the agent configuration sim-init wrote for edge-sim."""
    spec = SERVICES["edge-sim"]["command"]
    path = Path(stand.local("edge-sim", spec[spec.index("--config") + 1], {}))
    return [d["id"] for d in tomllib.loads(path.read_text())["devices"]]


def _devices_asked() -> int:
    command = SERVICES["sim-init"]["command"]
    return int(command[command.index("--devices") + 1])


def _devices_with_samples(database_url: str, devices: list[str]) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT device_id::text FROM telemetry.samples"
            " WHERE device_id = ANY(%s::uuid[])",
            (devices,),
        ).fetchall()
    return {d for (d,) in rows}


def _registered(database_url: str, devices: list[str]) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT id::text FROM devices.devices WHERE id = ANY(%s::uuid[])"
            " AND revoked_at IS NULL",
            (devices,),
        ).fetchall()
    return {d for (d,) in rows}


def _register_device(base: str) -> tuple[str, str]:
    email, secret = f"{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(16)
    account = {"email": email, "password": secret, "display_name": "Compose"}
    httpx.post(f"{base}/api/v1/auth/register", json=account, timeout=30).raise_for_status()
    login = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": email, "password": secret}, timeout=30
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    made = httpx.post(
        f"{base}/api/v1/devices", json={"name": "strap", "kind": "hr"}, headers=headers, timeout=30
    )
    made.raise_for_status()
    return made.json()["mqtt_username"], made.json()["mqtt_password"]


def _connects(port: int, username: str, password: str) -> bool:
    result = subprocess.run(
        ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", username, "-P", password,
         "-t", "fc/v1/none", "-W", "1"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    # Refused: "Connection error: Not authorized"; let in, it waits 1 s for nothing (exit 27).
    return "Not authorized" not in result.stderr and "refused" not in result.stderr.lower()


def test_every_prometheus_target_is_a_port_its_service_serves() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    for job in config["scrape_configs"]:
        for target in job["static_configs"][0]["targets"]:
            service, port = target.split(":")
            spec = SERVICES[service]
            # What it is told to serve, or its health check asks for (which the test above
            # proves it serves).
            said = " ".join(
                map(
                    str,
                    [
                        *spec.get("command", []),
                        *spec.get("environment", {}).values(),
                        *spec["healthcheck"]["test"],
                    ],
                )
            )
            assert port in said, f"{job['job_name']}: {service} does not serve {port}"
            everywhere = "0.0.0.0"  # noqa: S104 - what a container must bind to be scraped
            assert everywhere in said, f"{service} binds loopback only: Prometheus cannot scrape"
