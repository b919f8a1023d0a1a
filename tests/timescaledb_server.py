"""A PostgreSQL 15 cluster of the tests' own with TimescaleDB preloaded, as production runs it.

The machine's PostgreSQL 15 offers the extension once ``../shared/timescaledb/install`` has
put its files in place, but only a server started with ``shared_preload_libraries =
'timescaledb'`` can use it, and the machine's server on 5432 is never reconfigured. So the
harness initialises a cluster in a data directory of its own, on a free port of its own, with
the background scheduler on (compression, retention and aggregate policies run as in
production). PostgreSQL refuses to run as root: as root, the cluster belongs to ``postgres``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from fitconnect.runtime.ports import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_LIB = Path("/usr/lib/postgresql/15/lib")
OS_USER = "postgres"  # who runs the cluster when the tests run as root

CONFIG = """
shared_preload_libraries = 'timescaledb'
timescaledb.telemetry_level = off
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
max_worker_processes = 32
timescaledb.max_background_workers = 16
"""


def missing() -> str | None:
    """Why no such cluster can start here (None when it can)."""
    if not (PG_BIN / "initdb").is_file():
        return f"PostgreSQL 15 is not installed ({PG_BIN} has no initdb)"
    if not (PG_LIB / "timescaledb.so").is_file():
        return "TimescaleDB is not installed for PostgreSQL 15: run ../shared/timescaledb/install"
    return None


def _as_owner(argv: list[str]) -> list[str]:
    return ["runuser", "-u", OS_USER, "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class TimescaleServer:
    """A running cluster; ``stop()`` (or ``with``) ends it and removes its data directory."""

    root: Path
    port: int
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @classmethod
    def start(cls) -> Self:
        """initdb, configure and start a cluster; raise with the server's log if it fails."""
        reason = missing()
        if reason is not None:
            raise RuntimeError(reason)
        root = Path(tempfile.mkdtemp(prefix="fc-timescaledb-"))
        if os.geteuid() == 0:
            shutil.chown(root, OS_USER, OS_USER)
        server = cls(root=root, port=free_port())
        try:
            server._init_and_start()
        except BaseException:
            server.stop()
            raise
        return server

    def _init_and_start(self) -> None:
        subprocess.run(
            _as_owner(
                [str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
        )
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(CONFIG.format(port=self.port, socket_dir=self.data_dir))
        log = self.root / "log"
        started = subprocess.run(
            _as_owner(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l", str(log), "-w", "start"]
            ),
            check=False,
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            said = log.read_text() if log.exists() else started.stderr
            raise RuntimeError(f"the TimescaleDB cluster did not start:\n{said}")

    def stop(self) -> None:
        """A fast shutdown that waits for the server to exit, then the directory goes."""
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                _as_owner(
                    [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]
                ),
                check=False,
                capture_output=True,
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
