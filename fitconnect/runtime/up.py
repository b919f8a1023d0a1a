"""``fitconnect up``: the whole platform on one machine, embedded services when none are set."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fitconnect.ingest.metrics_reader import subscribed
from fitconnect.ingest.process import create_sessions
from fitconnect.platform.db import upgrade
from fitconnect.platform.db.urls import redacted
from fitconnect.runtime.broker_users import write_device_files
from fitconnect.runtime.demo import demo_devices, seed_demo
from fitconnect.runtime.errors import StartupError
from fitconnect.runtime.ports import first_free_port, free_port, is_free
from fitconnect.runtime.services import Services, ensure_writable, runtime_file, start_services
from fitconnect.runtime.status import StatusLine
from fitconnect.runtime.supervisor import ChildSpec, Supervisor
from fitconnect.settings import Settings

log = logging.getLogger(__name__)


STATUS_EVERY_S = 5.0
INGEST_READY_S = 60.0
ANALYTICS_EVERY_S = 15


@dataclass(frozen=True, slots=True)
class UpOptions:
    simulate: int = 0


@dataclass(frozen=True, slots=True)
class Ports:
    """Ports chosen at start, never one already in use.

    The gateway's is a stable address: FITCONNECT_GATEWAY__PORT when set (refused with a
    sentence when taken), else its default 8000 or the next free port above it.
    """

    ingest_metrics: int
    gateway: int
    analytics_metrics: int

    @classmethod
    def pick(cls, settings: Settings) -> Ports:
        gateway = settings.gateway
        if "port" in gateway.model_fields_set:
            if not is_free(gateway.host, gateway.port):
                raise StartupError(
                    f"port {gateway.port} on {gateway.host} (FITCONNECT_GATEWAY__PORT) is taken "
                    "by another process: stop it, or set another port (unset: the first free "
                    "from 8000)"
                )
            port = gateway.port
        else:
            port = first_free_port(gateway.host, gateway.port)
        return cls(ingest_metrics=free_port(), gateway=port, analytics_metrics=free_port())


def children_for(options: UpOptions, ports: Ports) -> list[ChildSpec]:
    """The server processes ``up`` runs, in start order (they stop in reverse)."""
    del options
    return [
        ChildSpec(
            "ingest",
            ("ingest",),
            {"FITCONNECT_INGEST__METRICS_PORT": str(ports.ingest_metrics)},
        ),
        ChildSpec("worker", ("gateway", "--worker")),
        ChildSpec(
            "analytics",
            ("analytics", "run", "--every", str(ANALYTICS_EVERY_S)),
            {"FITCONNECT_ANALYTICS_METRICS_PORT": str(ports.analytics_metrics)},
        ),
        ChildSpec("gateway", ("gateway", "--port", str(ports.gateway))),
    ]


def run_up(settings: Settings, options: UpOptions, say: Callable[[str], None]) -> None:
    """Start everything, print where it listens, wait for Ctrl-C/SIGTERM, stop in order."""
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    began = time.perf_counter()
    exited: list[str] = []
    try:
        ports = Ports.pick(settings)
        ensure_writable(settings.data_dir)
        with start_services(settings, broker=True) as services:
            _report_services(services, say)
            upgrade(services.database_url)
            say("database: migrations applied")
            if services.mqtt_url:  # before anything can publish: the broker queues for ingest
                create_sessions(services.mqtt_url, settings.ingest)
            if services.mqtt_auth_dir is not None:  # devices registered now reach the broker
                settings = settings.model_copy(update={"mqtt_auth_dir": services.mqtt_auth_dir})
            for account in seed_demo(settings, services.database_url):
                say(f"demo:     {account}")
            if services.mqtt_auth_dir is not None:
                write_device_files(settings, services.database_url)
            _write_runtime_file(settings, services)
            supervisor = Supervisor(env=_child_env(services), log_dir=settings.data_dir / "logs")
            try:
                for spec in children_for(options, ports):
                    supervisor.start(spec)
                _wait_for_ingest(supervisor, ports.ingest_metrics, stop)
                if options.simulate:
                    supervisor.start(_simulator(settings, services, options.simulate))
                    say(f"edge:     {options.simulate} simulated devices of the demo athlete")
                _report_urls(ports, say)
                say(f"FitConnect is up in {time.perf_counter() - began:.1f} s. Ctrl-C stops it.")
                status = StatusLine(services.database_url, [ports.ingest_metrics])
                while not stop.wait(STATUS_EVERY_S):
                    if exited := supervisor.dead():
                        break
                    say(status.render())
            finally:
                say("stopping…")
                supervisor.stop()
                runtime_file(settings).unlink(missing_ok=True)
        say("stopped: nothing left running")
        if exited:
            logs = ", ".join(str(settings.data_dir / "logs" / f"{name}.log") for name in exited)
            raise StartupError(f"{', '.join(exited)} exited on its own: its log says why ({logs})")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _wait_for_ingest(supervisor: Supervisor, metrics_port: int, stop: threading.Event) -> None:
    """Until the ingest worker has its subscription (devices start after that)."""
    deadline = time.monotonic() + INGEST_READY_S
    while not subscribed(metrics_port):
        if "ingest" in supervisor.dead() or time.monotonic() > deadline:
            raise StartupError(
                f"ingest did not subscribe within {INGEST_READY_S:.0f} s: its log says why "
                f"({supervisor.log_dir / 'ingest.log'})"
            )
        if stop.wait(0.1):
            return


def _report_services(services: Services, say: Callable[[str], None]) -> None:
    if services.embedded_postgres is not None:
        pg = services.embedded_postgres
        say(f"database: embedded PostgreSQL ({pg.started_in_s:.2f} s) {redacted(pg.url)}")
    else:
        say(f"database: {redacted(services.database_url)}")
    if services.embedded_broker is not None:
        broker = services.embedded_broker
        where = f"{broker.kind} ({broker.started_in_s:.2f} s) {broker.url}"
        say(f"broker:   embedded {where} (per-device passwords and ACLs, as in production)")
    else:
        say(f"broker:   {redacted(services.mqtt_url or '')}")


def _simulator(settings: Settings, services: Services, count: int) -> ChildSpec:
    """The simulated fleet: the demo athlete's devices through the real edge agent."""
    tenant, devices = demo_devices(settings, services.database_url, count)
    args = [
        "simulate",
        "--broker",
        services.simulator_mqtt_url or services.mqtt_url or "",
        "--tenant",
        tenant,
        "--buffer-path",
        str(settings.data_dir / "edge" / "buffer.sqlite"),
    ]
    for device in devices:
        args += ["--device", device]
    return ChildSpec("edge-simulator", tuple(args), module="fitconnect.edge_agent")


def _report_urls(ports: Ports, say: Callable[[str], None]) -> None:
    base = f"http://127.0.0.1:{ports.gateway}"
    say(f"web app:  {base}/   (sign in with a demo account above)")
    say(f"GraphQL:  {base}/graphql   (GraphiQL in development)")
    say(f"REST:     {base}/api/v1/docs")
    say(f"metrics:  {base}/metrics   ingest: http://127.0.0.1:{ports.ingest_metrics}/metrics")


def _child_env(services: Services) -> dict[str, str]:
    env = {"FITCONNECT_DATABASE_URL": services.database_url}
    if services.mqtt_url:
        env["FITCONNECT_MQTT_URL"] = services.mqtt_url
    if services.mqtt_auth_dir is not None:  # the gateway rewrites the broker's files there
        env["FITCONNECT_MQTT_AUTH_DIR"] = str(services.mqtt_auth_dir)
    return env


def _write_runtime_file(settings: Settings, services: Services) -> None:
    path = runtime_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # the URL carries the ingest user's password
    path.write_text(json.dumps({"mqtt_url": services.mqtt_url}))
