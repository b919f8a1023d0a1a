"""Child processes that end when the process that started them dies, however it dies.

On Linux a process can ask the kernel for a signal when its parent dies
(``prctl(PR_SET_PDEATHSIG)``). Only the child can ask, between ``fork`` and ``exec``, and
Python's ``preexec_fn`` hook is unsafe once the parent has threads; so the child is started
through this module instead::

    python -m fitconnect.runtime.parent_death PARENT_PID exec|child ARGV...

It asks for SIGTERM, exits at once if its parent is no longer PARENT_PID (the parent died
before the request), then either replaces itself with ARGV (``exec``: the request survives
``exec``) or runs ARGV as its own child and passes SIGTERM on (``child``: for programs that
change their user, such as mosquitto started as root, since that clears the request).
``with_parent_death(argv)`` builds that command line. Elsewhere than Linux it returns ``argv``.

The kernel watches the *thread* that started the child: start such children from a thread
that lives as long as the process, such as the main thread.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import NoReturn

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel send this process SIGTERM when its parent dies (a no-op off Linux).

    Exits at once if the parent is no longer ``parent_pid``: it died before the request.
    """
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    if os.getppid() != parent_pid:
        raise SystemExit(f"parent process {parent_pid} has already exited")


def with_parent_death(argv: Sequence[str], *, as_child: bool = False) -> list[str]:
    """The command line that runs ``argv`` so that it gets SIGTERM when this process dies.

    ``as_child`` for programs that may change their user: they run under a small Python
    process that gets the signal and passes it on.
    """
    if sys.platform != "linux":
        return list(argv)
    mode = "child" if as_child else "exec"
    return [sys.executable, "-m", __name__, str(os.getpid()), mode, *argv]


def _run_as_child(parent_pid: int, argv: list[str]) -> NoReturn:
    program: subprocess.Popen[bytes] | None = None

    def pass_on(*_: object) -> None:
        if program is not None:
            program.terminate()

    signal.signal(signal.SIGTERM, pass_on)  # before the request: no signal can end us early
    die_with_parent(parent_pid)
    program = subprocess.Popen(argv)
    if os.getppid() != parent_pid:  # the parent died while the program started
        program.terminate()
    raise SystemExit(program.wait())


def main(args: list[str]) -> NoReturn:
    parent, mode, *argv = args
    if mode == "child":
        _run_as_child(int(parent), argv)
    die_with_parent(int(parent))
    os.execv(argv[0], argv)  # noqa: S606 - an argument list from our own code, no shell


if __name__ == "__main__":
    main(sys.argv[1:])
