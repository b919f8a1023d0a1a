"""TimescaleDB's jobs (refresh, compression and retention policies) run by a test when it needs
them, as the scheduler runs them every minute or day, with ``CALL run_job``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

JOBS = (
    "SELECT job_id FROM timescaledb_information.jobs"
    " WHERE proc_name LIKE %s AND hypertable_schema = 'telemetry' ORDER BY job_id"
)


def uses_timescaledb(database_url: str) -> bool:
    """True when the database's samples are a hypertable (TimescaleDB), not partitions."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"
        ).fetchone()
    return bool(row and row[0])


def jobs(database_url: str, proc: str) -> list[int]:
    """The ids of the telemetry jobs running ``proc`` (e.g. ``policy_compression``)."""
    with psycopg.connect(database_url) as conn:
        return [int(str(r[0])) for r in conn.execute(JOBS, (proc,)).fetchall()]


def run_jobs(database_url: str, proc: str) -> None:
    """Run those jobs now, one after the other (a refresh cannot run inside a transaction)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for job in jobs(database_url, proc):
            conn.execute("CALL run_job(%s)", (job,))


def refresh_rollups(database_url: str) -> None:
    """What the scheduler does every minute: the continuous aggregates' refresh policies."""
    run_jobs(database_url, "policy_refresh_continuous_aggregate")


@contextmanager
def held_jobs(database_url: str) -> Iterator[None]:
    """The scheduler leaves this database's telemetry jobs alone inside the block
    (``run_jobs`` still runs them): a test that must see the state between two refreshes is
    not raced by one. They are scheduled again afterwards."""
    held = jobs(database_url, "%")
    with psycopg.connect(database_url, autocommit=True) as conn:
        for job in held:
            conn.execute("SELECT alter_job(%s, scheduled => false)", (job,))
        try:
            yield
        finally:
            for job in held:
                conn.execute("SELECT alter_job(%s, scheduled => true)", (job,))
