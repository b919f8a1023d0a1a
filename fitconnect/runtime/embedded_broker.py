"""The MQTT broker started when no ``FITCONNECT_MQTT_URL`` is set.

Mosquitto with the project's tuning when the ``mosquitto`` binary is on PATH; otherwise the
pure-Python amqtt broker (MQTT 3.1.1 only, no shared subscriptions, ~3,000 QoS-1 msg/s), which
is enough to run the platform on a machine with nothing installed. Both bind a free loopback
port, never one already in use, and get SIGTERM if the process that started them dies.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Self

from fitconnect.errors import FitConnectError
from fitconnect.runtime.parent_death import with_parent_death
from fitconnect.runtime.ports import free_port, is_listening

log = logging.getLogger(__name__)

BrokerKind = Literal["mosquitto", "amqtt"]


class BrokerStartError(FitConnectError):
    """The embedded broker did not start listening in time."""


def tuning_dir() -> Path:
    """The folder of the project's Mosquitto snippets (``deploy/mosquitto/conf.d``)."""
    packaged = Path(str(importlib.resources.files("fitconnect.runtime") / "mosquitto.d"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "deploy" / "mosquitto" / "conf.d"


def _mosquitto_config(port: int, data_dir: Path, *, persistence: bool, authenticated: bool) -> str:
    run_as = _run_as(data_dir)
    if authenticated:  # the files of broker_users.prepare and the gateway, as in production
        access = [
            "allow_anonymous false",
            f"password_file {data_dir}/passwd",
            f"acl_file {data_dir}/acl",
            f"pid_file {data_dir}/mosquitto.pid",  # the gateway's SIGHUP finds it here
        ]
    else:
        access = ["allow_anonymous true"]
    lines = [
        *([run_as] if run_as else []),
        f"listener {port} 127.0.0.1",
        *access,
        f"include_dir {tuning_dir()}",
    ]
    if persistence:
        lines += ["persistence true", f"persistence_location {data_dir}/"]
    return "\n".join(lines) + "\n"


def _run_as(data_dir: Path) -> str | None:
    """The ``user`` line Mosquitto needs to write its persistence file, if any.

    Started as root, Mosquitto drops to the ``mosquitto`` user. That user gets the data folder;
    if it cannot even reach it (a parent folder closed to others, like pytest's), the broker
    stays root: it only ever listens on loopback.
    """
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam("mosquitto")
    except KeyError:
        return "user root"
    os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    for parent in data_dir.resolve().parents:
        if not parent.stat().st_mode & stat.S_IXOTH:
            return "user root"
    return None


def _amqtt_config(port: int, data_dir: Path, *, authenticated: bool) -> str:
    if authenticated:  # the same passwd and acl files as Mosquitto (runtime.amqtt_plugins)
        plugins = (
            "  fitconnect.runtime.amqtt_plugins.PasswordFileAuth:\n"
            f"    password_file: {json.dumps(str(data_dir / 'passwd'))}\n"
            "  fitconnect.runtime.amqtt_plugins.AclFileTopics:\n"
            f"    acl_file: {json.dumps(str(data_dir / 'acl'))}\n"
        )
    else:
        plugins = "  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n"
    return (
        f"listeners:\n  default:\n    type: tcp\n    bind: 127.0.0.1:{port}\nplugins:\n" + plugins
    )


@dataclass
class EmbeddedBroker:
    """A broker process this process started; ``stop()`` ends it."""

    kind: BrokerKind
    host: str
    port: int
    started_in_s: float
    _process: subprocess.Popen[bytes] = field(repr=False)
    authenticated: bool = False

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    @property
    def process_group(self) -> int:
        """The process group of the broker and its watcher (benchmarks read its CPU from
        ``/proc``)."""
        return self._process.pid

    @classmethod
    def start(
        cls,
        data_dir: Path,
        *,
        kind: BrokerKind | None = None,
        port: int | None = None,
        persistence: bool = True,
        authenticated: bool = False,
        timeout_s: float = 15.0,
    ) -> Self:
        """Start Mosquitto (or amqtt when Mosquitto is missing or ``kind='amqtt'``).

        ``authenticated``: the broker checks the ``passwd`` and ``acl`` files in ``data_dir``
        (``broker_users.prepare`` writes them): Mosquitto itself, amqtt through the plugins of
        ``runtime.amqtt_plugins``.
        """
        data_dir.mkdir(parents=True, exist_ok=True)
        mosquitto = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        chosen: BrokerKind = kind or ("mosquitto" if mosquitto else "amqtt")
        port = port or free_port()
        began = time.perf_counter()
        log_file = (data_dir / f"{chosen}.log").open("ab")
        if chosen == "mosquitto":
            if mosquitto is None:
                raise BrokerStartError("mosquitto is not installed")
            conf = data_dir / "mosquitto.conf"
            conf.write_text(
                _mosquitto_config(
                    port, data_dir, persistence=persistence, authenticated=authenticated
                )
            )
            # As a child of a watcher: started as root, mosquitto may switch to its own user,
            # which would clear a parent-death request made before its exec.
            argv = with_parent_death([mosquitto, "-c", str(conf)], as_child=True)
        else:
            conf = data_dir / "amqtt.yaml"
            conf.write_text(_amqtt_config(port, data_dir, authenticated=authenticated))
            argv = with_parent_death(
                [sys.executable, "-m", "amqtt.scripts.broker_script", "-c", str(conf)]
            )
        # Its own process group (the broker and its watcher): Ctrl-C goes to the starter alone,
        # which stops the broker after its clients; _kill ends the whole group.
        process = subprocess.Popen(
            argv, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        log_file.close()
        deadline = time.monotonic() + timeout_s
        while not is_listening("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                _kill(process)
                raise BrokerStartError(
                    f"{chosen} did not listen on 127.0.0.1:{port}; see {data_dir}/{chosen}.log"
                )
            time.sleep(0.02)
        elapsed = time.perf_counter() - began
        log.info("embedded %s ready in %.2f s on 127.0.0.1:%d", chosen, elapsed, port)
        return cls(chosen, "127.0.0.1", port, elapsed, process, authenticated)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Terminate the broker and wait for it (kill it if it will not go)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                _kill(self._process)

    def kill(self) -> None:
        """SIGKILL the broker (what it has not saved is gone, as after a crash)."""
        _kill(self._process)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the broker's process group (the broker and, for mosquitto, its watcher)."""
    with suppress(ProcessLookupError):  # the group is already empty
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
