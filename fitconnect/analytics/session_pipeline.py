"""Read and compute the sessions of many athletes, one athlete range per thread, side by side.

Sessions never span athletes, so the devices of each contiguous range of athletes are read
(``sample_reader``, its own connection) and computed (``compute_sessions``) on their own.
With two ranges, the server formats one range's rows while the client decodes or computes
the other, and the single-threaded stretches of the Polars work run two at a time.
A few devices (an incremental run) are one range, read on the job's own connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import polars as pl

from fitconnect.analytics.params import History
from fitconnect.analytics.repository import Connection
from fitconnect.analytics.sample_reader import read_few_samples, read_samples
from fitconnect.analytics.session_rows import Computed, compute_sessions

RANGES = 2
"""Athlete ranges computed at once (the machine the figures were taken on has two cores)."""

BULK_FROM_DEVICES = 16
"""Fewer devices than this are read on the job's connection: new connections cost more."""


def device_ranges(
    owners: Mapping[str, tuple[str, str]], devices: list[str], ranges: int = RANGES
) -> list[list[str]]:
    """``devices`` in at most ``ranges`` groups of near-equal size, each holding all the
    devices of a contiguous range of athletes (``owners``: device -> athlete, tenant)."""
    by_athlete: dict[str, list[str]] = {}
    for device in sorted(devices):
        by_athlete.setdefault(owners[device][0], []).append(device)
    athletes = sorted(by_athlete)
    size = max(1, -(-len(athletes) // ranges))
    return [
        [d for a in athletes[i : i + size] for d in by_athlete[a]]
        for i in range(0, len(athletes), size)
    ]


def sessions_from_database(
    conn: Connection,
    database_url: str,
    start: Mapping[str, datetime],
    *,
    events: pl.DataFrame,
    owners: Mapping[str, tuple[str, str]],
    params: History,
    ranks: pl.DataFrame,
) -> tuple[int, Computed]:
    """(samples read, ``compute_sessions`` of them) for every device of ``start``.

    ``conn`` is the job's connection (in UTC); ``database_url`` where the bulk reads connect.
    """
    if len(start) < BULK_FROM_DEVICES:
        samples = read_few_samples(conn, dict(start))
        return samples.height, compute_sessions(samples, events, owners, params, ranks)

    def one_range(devices: list[str]) -> tuple[int, Computed]:
        samples = read_samples(database_url, {d: start[d] for d in devices})
        return samples.height, compute_sessions(samples, events, owners, params, ranks)

    ranges = device_ranges(owners, list(start))
    with ThreadPoolExecutor(len(ranges)) as pool:
        results = list(pool.map(one_range, ranges))
    computed = Computed(
        sessions=pl.concat([c.sessions for _, c in results], how="diagonal_relaxed"),
        laps=pl.concat([c.laps for _, c in results], how="diagonal_relaxed"),
    )
    return sum(n for n, _ in results), computed
