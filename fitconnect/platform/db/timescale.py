"""Whether the database has TimescaleDB, so storage can use it and fall back when not."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# True when the server preloaded TimescaleDB's loader, which defines this integer setting
# (a placeholder of the same name set in postgresql.conf alone is a string). Without it
# ``CREATE EXTENSION timescaledb`` ends the connection (FATAL "must be preloaded").
PRELOADED_SQL = (
    "SELECT count(*) > 0 FROM pg_settings"
    " WHERE name = 'timescaledb.bgw_launcher_poll_time' AND vartype = 'integer'"
)

# Said (with the server's reason) when the server offers TimescaleDB but cannot load it.
NOT_PRELOADED = (
    "TimescaleDB is installed on the server but not preloaded: continuing on plain"
    " PostgreSQL; to use it, set shared_preload_libraries = 'timescaledb' in postgresql.conf,"
    " restart the server and run `fitconnect db upgrade` on a new database"
)


@dataclass(frozen=True, slots=True)
class TimescaleStatus:
    """What the server offers: the extension available, preloaded, installed, its version."""

    available: bool
    installed: bool
    version: str | None
    preloaded: bool = False

    def describe(self) -> str:
        if self.installed:
            return f"TimescaleDB {self.version} in use (hypertables, compression, aggregates)"
        if self.available and not self.preloaded:
            return (
                "TimescaleDB installed on the server but not preloaded: plain PostgreSQL; set"
                " shared_preload_libraries = 'timescaledb' and restart the server to use it"
            )
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
    loader = conn.execute(PRELOADED_SQL).fetchone()
    return TimescaleStatus(
        available=True,
        installed=installed,
        version=str(row[1] if installed else row[0]),
        preloaded=bool(loader and loader[0]),
    )
