"""Whether the database has TimescaleDB, so storage can use it and fall back when not."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True, slots=True)
class TimescaleStatus:
    """What the server offers: the extension available, installed, and its version."""

    available: bool
    installed: bool
    version: str | None

    def describe(self) -> str:
        if self.installed:
            return f"TimescaleDB {self.version} in use (hypertables, compression, aggregates)"
        if self.available:
            return "TimescaleDB available but not installed; `fitconnect db upgrade` installs it"
        return "TimescaleDB not available: plain PostgreSQL (native partitions, rollup table)"


def timescale_status(conn: psycopg.Connection[tuple[object, ...]]) -> TimescaleStatus:
    """Look the extension up in the catalogue (no side effects)."""
    row = conn.execute(
        "SELECT default_version, installed_version FROM pg_available_extensions"
        " WHERE name = 'timescaledb'"
    ).fetchone()
    if row is None:
        return TimescaleStatus(available=False, installed=False, version=None)
    installed = row[1] is not None
    return TimescaleStatus(
        available=True, installed=installed, version=str(row[1] if installed else row[0])
    )
