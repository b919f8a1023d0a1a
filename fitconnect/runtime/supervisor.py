"""Child processes of ``fitconnect up``: started with the resolved endpoints, stopped in order."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fitconnect.runtime.parent_death import with_parent_death

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """A server process to run: its name and its ``fitconnect`` arguments."""

    name: str
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    module: str = "fitconnect"  # or "fitconnect.edge_agent"


@dataclass
class Supervisor:
    """Runs children in their own process groups; ``stop()`` ends them in reverse order.

    Each child also gets SIGTERM from the kernel if this process dies without stopping them.
    """

    env: dict[str, str]
    log_dir: Path
    children: list[tuple[ChildSpec, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, spec: ChildSpec) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / f"{spec.name}.log").open("ab") as out:
            process = subprocess.Popen(
                with_parent_death([sys.executable, "-m", spec.module, *spec.args]),
                env={**os.environ, **self.env, **spec.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.children.append((spec, process))
        log.info("started %s (pid %d)", spec.name, process.pid)

    def dead(self) -> list[str]:
        """Names of children that exited on their own."""
        return [spec.name for spec, proc in self.children if proc.poll() is not None]

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM each child, newest first, and wait; SIGKILL what does not go in time."""
        for spec, process in reversed(self.children):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop in %.0f s; killing it", spec.name, timeout_s)
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.info("stopped %s", spec.name)
        self.children.clear()
