"""CPU time of processes, read from ``/proc``: what a benchmark's unit of work costs, in a
figure that travels between machines (unlike a rate measured on shared cores)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of ``pids`` so far (``/proc/PID/stat``), seconds; a process that
    has ended counts nothing."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def group_cpu_seconds(group: int) -> float:
    """User and system CPU so far of the processes of process group ``group``, seconds."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == group:  # pgrp
            members.append(int(stat.parent.name))
    return cpu_seconds(members)


def backend_cpu_seconds(db_url: str) -> float:
    """CPU so far of the PostgreSQL backends connected to ``db_url``'s database, this
    query's own left out (the server must run on this machine)."""
    with psycopg.connect(db_url) as conn:
        pids = [
            int(row[0])
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return cpu_seconds(pids)
