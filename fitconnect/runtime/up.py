"""``fitconnect up``: the whole platform on one machine, embedded services when none are set."""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fitconnect.platform.db import upgrade
from fitconnect.platform.db.urls import redacted
from fitconnect.runtime.services import Services, runtime_file, start_services
from fitconnect.runtime.supervisor import ChildSpec, Supervisor
from fitconnect.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UpOptions:
    simulate: int = 0


def children_for(options: UpOptions) -> list[ChildSpec]:
    """The server processes ``up`` runs; each part adds itself here as it lands."""
    del options
    return []


def run_up(settings: Settings, options: UpOptions, say: Callable[[str], None]) -> None:
    """Start everything, print where it listens, wait for Ctrl-C/SIGTERM, stop in order."""
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    began = time.perf_counter()
    try:
        with start_services(settings, broker=True) as services:
            _report_services(services, say)
            upgrade(services.database_url)
            say("database: migrations applied")
            _write_runtime_file(settings, services)
            supervisor = Supervisor(env=_child_env(services), log_dir=settings.data_dir / "logs")
            try:
                for spec in children_for(options):
                    supervisor.start(spec)
                say(f"FitConnect is up in {time.perf_counter() - began:.1f} s. Ctrl-C stops it.")
                while not stop.wait(1.0):
                    if dead := supervisor.dead():
                        say(f"stopping: {', '.join(dead)} exited; see {settings.data_dir}/logs")
                        break
            finally:
                say("stopping…")
                supervisor.stop()
                runtime_file(settings).unlink(missing_ok=True)
        say("stopped: nothing left running")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _report_services(services: Services, say: Callable[[str], None]) -> None:
    if services.embedded_postgres is not None:
        pg = services.embedded_postgres
        say(f"database: embedded PostgreSQL ({pg.started_in_s:.2f} s) {redacted(pg.url)}")
    else:
        say(f"database: {redacted(services.database_url)}")
    if services.embedded_broker is not None:
        broker = services.embedded_broker
        say(f"broker:   embedded {broker.kind} ({broker.started_in_s:.2f} s) {broker.url}")
    else:
        say(f"broker:   {redacted(services.mqtt_url or '')}")


def _child_env(services: Services) -> dict[str, str]:
    env = {"FITCONNECT_DATABASE_URL": services.database_url}
    if services.mqtt_url:
        env["FITCONNECT_MQTT_URL"] = services.mqtt_url
    return env


def _write_runtime_file(settings: Settings, services: Services) -> None:
    path = runtime_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"mqtt_url": services.mqtt_url}))
