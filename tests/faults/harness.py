"""The parts of a fault test, each a process of its own that the test may stop or kill.

``OwnPostgres``: a PostgreSQL 15 cluster of the machine's binaries on a free port in a temp
folder (copied from a migrated template), never the machine's server. ``Workers``:
``fitconnect ingest`` processes. ``EdgeLoad``: the real edge agent publishing a known load
(``edge_load.py``). ``Ledger``: counts what is stored against what was owed.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import psycopg

from fitconnect.platform.db import upgrade
from fitconnect.runtime.ports import free_port

from .edge_load import STEP_MS

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[2]
StopMode = Literal["fast", "immediate"]


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the ``postgres`` user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        for p in [path, *path.rglob("*")]:
            os.chown(p, entry.pw_uid, entry.pw_gid)


class OwnPostgres:
    """A cluster in ``root`` on its own port; ``stop(mode)`` and ``start()`` it as an operator
    would."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/fitconnect"

    @classmethod
    def template(cls) -> OwnPostgres:
        """A new cluster with the database ``fitconnect`` migrated; stopped."""
        server = cls(Path(tempfile.mkdtemp(prefix="fc-faults-pg-")))
        server.root.chmod(0o755)
        _give_to_postgres(server.root)
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(server.data), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            capture_output=True,
        )
        server.start()
        with psycopg.connect(server.url.replace("/fitconnect", "/postgres"), autocommit=True) as c:
            c.execute("CREATE DATABASE fitconnect")
        upgrade(server.url)
        server.stop("fast")
        return server

    def copy(self) -> OwnPostgres:
        """A running copy of this (stopped) cluster, on a port of its own."""
        server = OwnPostgres(Path(tempfile.mkdtemp(prefix="fc-faults-pg-")))
        server.root.chmod(0o755)
        shutil.copytree(self.data, server.data, symlinks=True)
        _give_to_postgres(server.root)
        server.start()
        return server

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "log"),
                    "-o",
                    options,
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode: StopMode) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=False,
            capture_output=True,
        )

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Workers:
    """``fitconnect ingest`` worker processes of one share group, by slot index."""

    database_url: str
    mqtt_url: str
    logs: Path
    group: str = field(default_factory=lambda: f"f{uuid.uuid4().hex[:8]}")
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, index: int) -> None:
        env = {
            **os.environ,
            "FITCONNECT_DATABASE_URL": self.database_url,
            "FITCONNECT_MQTT_URL": self.mqtt_url,
            "FITCONNECT_DATA_DIR": str(self.logs / "data"),
            "FITCONNECT_INGEST__METRICS_PORT": "0",
            "FITCONNECT_INGEST__SHARE_GROUP": self.group,
            "FITCONNECT_INGEST__CLIENT_ID_PREFIX": self.group,
            "FITCONNECT_INGEST__SESSION_EXPIRY_S": "600",
            "FITCONNECT_INGEST__BATCH_MAX_WAIT_S": "0.1",
        }
        log = self.logs / f"worker-{index}.log"
        offset = log.stat().st_size if log.exists() else 0
        with log.open("ab") as out:
            self.processes[index] = subprocess.Popen(
                [sys.executable, "-m", "fitconnect", "ingest", "--index", str(index)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for_line(log, offset, "subscribed: receiving", self.processes[index])

    def signal(self, index: int, sig: signal.Signals) -> None:
        """Send ``sig`` and wait for the worker to exit; it must exit in time."""
        process = self.processes.pop(index)
        process.send_signal(sig)
        process.wait(60)

    def stop_all(self) -> None:
        for index in list(self.processes):
            self.signal(index, signal.SIGTERM)


def _wait_for_line(log: Path, offset: int, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with log.open("rb") as f:
            f.seek(offset)
            if text.encode() in f.read():
                return
        assert process.poll() is None, f"{log.name}: exited with {process.returncode}"
        time.sleep(0.05)
    raise AssertionError(f"{log.name}: no {text!r} in 60 s")


@dataclass
class EdgeLoad:
    """The real edge agent publishing ``samples`` per device; restartable after a SIGKILL."""

    mqtt_url: str
    tenant: str
    devices: list[str]
    folder: Path
    samples: int
    rate: float
    t0_ms: int = field(default_factory=lambda: int(time.time() * 1000) - 600_000)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [sys.executable, "-m", "tests.faults.edge_load", "--broker", self.mqtt_url]
        argv += ["--tenant", self.tenant, "--dir", str(self.folder)]
        argv += ["--samples", str(self.samples), "--rate", str(self.rate)]
        argv += ["--t0-ms", str(self.t0_ms)]
        for device in self.devices:
            argv += ["--device", device]
        with (self.folder.parent / "edge.log").open("ab") as err:
            self.process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=err)

    @property
    def progress(self) -> int:
        """Samples per device the agent has taken so far."""
        path = self.folder / "progress"
        return int.from_bytes(path.read_bytes()[:8], "little") if path.exists() else 0

    def wait_for_progress(self, samples: int, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while self.progress < samples:
            assert time.monotonic() < deadline, f"the load reached {self.progress} < {samples}"
            assert self.process is not None
            assert self.process.poll() is None, "the load exited early"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.communicate()

    def finish(self, timeout_s: float = 180) -> dict[str, int]:
        """Wait until the load has taken every sample and the broker acknowledged them all."""
        assert self.process is not None
        out, _ = self.process.communicate(timeout=timeout_s)
        assert self.process.returncode == 0, f"the load ended with {self.process.returncode}"
        return dict(json.loads(out.decode().strip().splitlines()[-1]))

    def last_seq(self) -> dict[str, int]:
        """Per device, the sequence number of the agent's last batch."""
        import sqlite3  # noqa: PLC0415 - only the ledger reads the agent's buffer

        with sqlite3.connect(self.folder / "buffer.sqlite") as db:
            rows = db.execute("SELECT device_id, next_seq - 1 FROM sequences").fetchall()
        return {str(d): int(s) for d, s in rows}


@dataclass(frozen=True)
class Figures:
    """What a fault run did: the issue's figures."""

    fault: str
    sent: int
    stored: int
    lost: int
    gaps: int
    last_seq_off: int
    recovery_s: float

    def line(self) -> str:
        return (
            f"{self.fault:<34} sent {self.sent:>7}  stored {self.stored:>7}  lost {self.lost:>5}"
            f"  gaps {self.gaps:>3}  last seq off {self.last_seq_off:>2}"
            f"  recovery {self.recovery_s:5.1f} s"
        )


def ledger(database_url: str, load: EdgeLoad, fault: str, recovery_s: float) -> Figures:
    """Stored rows against the samples owed: 0..N-1 at t0 + i*STEP_MS for every device."""
    expected = set(range(load.samples))
    stored = lost = gaps = 0
    with psycopg.connect(database_url) as conn:
        for device in load.devices:
            rows = conn.execute(
                "SELECT (extract(epoch FROM ts) * 1000)::bigint FROM telemetry.samples"
                " WHERE device_id = %s",
                (device,),
            ).fetchall()
            have = {(int(str(ms)) - load.t0_ms) // STEP_MS for (ms,) in rows}
            stored += len(rows)
            missing = sorted(expected - have)
            lost += len(missing)
            gaps += sum(1 for a, b in zip([-2, *missing], missing, strict=False) if b != a + 1)
        last_seqs = dict(
            conn.execute(
                "SELECT device_id::text, last_seq FROM telemetry.device_state"
                " WHERE device_id = ANY(%s::uuid[])",
                (load.devices,),
            ).fetchall()
        )
    agent_seqs = load.last_seq()
    last_seq_off = sum(1 for d in load.devices if last_seqs.get(d) != agent_seqs.get(d))
    return Figures(
        fault, len(expected) * len(load.devices), stored, lost, gaps, last_seq_off, recovery_s
    )


def wait_stored(database_url: str, devices: list[str], total: int, timeout_s: float) -> None:
    """Until ``total`` rows are stored, or none came for 10 s, or ``timeout_s`` passed."""
    deadline = time.monotonic() + timeout_s
    last, last_change = -1, time.monotonic()
    while (now := stored_count(database_url, devices)) < total:
        if now != last:
            last, last_change = now, time.monotonic()
        if time.monotonic() > deadline or time.monotonic() - last_change > 10:
            return
        time.sleep(0.1)


def stored_count(database_url: str, devices: list[str]) -> int:
    with psycopg.connect(database_url, connect_timeout=2) as conn:
        row = conn.execute(
            "SELECT count(*) FROM telemetry.samples WHERE device_id = ANY(%s::uuid[])",
            (devices,),
        ).fetchone()
    return int(str(row[0])) if row else 0


def seconds_until_stored_grows(database_url: str, devices: list[str], timeout_s: float) -> float:
    """From now until the stored count grows (or errors stop): ingest flows again."""
    began = time.monotonic()
    before: int | None = None
    while time.monotonic() - began < timeout_s:
        try:
            now = stored_count(database_url, devices)
        except psycopg.OperationalError:
            time.sleep(0.1)
            continue
        if before is None:
            before = now
        elif now > before:
            return time.monotonic() - began
        time.sleep(0.05)
    return time.monotonic() - began


def register_devices(database_url: str, n: int) -> tuple[str, list[str]]:
    """``n`` devices of one new tenant in the real registry, registered an hour ago."""
    tenant, devices = uuid.uuid4(), [uuid.uuid4() for _ in range(n)]
    with psycopg.connect(database_url) as conn:
        for device in devices:
            conn.execute(
                "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind,"
                " mqtt_username, mqtt_password_hash, registered_at)"
                " VALUES (%s, %s, gen_random_uuid(), 'fault', 'hr', %s, 'x',"
                "         now() - interval '1 hour')",
                (device, tenant, f"dev-{device}"),
            )
    return str(tenant), [str(d) for d in devices]
