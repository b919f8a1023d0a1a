"""Read and compute the sessions of many devices, one device range per thread, side by side.

Sessions never span devices, so each contiguous range of devices is read (``sample_reader``,
its own connection) and computed (``compute_sessions``) on its own. With two ranges, the
server formats one range's rows while the client decodes or computes the other, and the
single-threaded stretches of the Polars work (running sums, fills) run two at a time.
A few devices (an incremental run) are one range, read on the job's own connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import polars as pl

from fitconnect.analytics.params import AthleteParams
from fitconnect.analytics.repository import Connection
from fitconnect.analytics.sample_reader import read_few_samples, read_samples
from fitconnect.analytics.session_rows import Computed, compute_sessions

RANGES = 2
"""Device ranges computed at once (the machine the figures were taken on has two cores)."""

BULK_FROM_DEVICES = 16
"""Fewer devices than this are read on the job's connection: new connections cost more."""


def device_ranges(devices: list[str], ranges: int = RANGES) -> list[list[str]]:
    """``devices`` sorted and cut into at most ``ranges`` contiguous, near-equal ranges."""
    ordered = sorted(devices)
    size = max(1, -(-len(ordered) // ranges))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def sessions_from_database(
    conn: Connection,
    database_url: str,
    start: Mapping[str, datetime],
    *,
    events: pl.DataFrame,
    owners: Mapping[str, tuple[str, str]],
    params: Mapping[str, AthleteParams],
) -> tuple[int, Computed]:
    """(samples read, ``compute_sessions`` of them) for every device of ``start``.

    ``conn`` is the job's connection (in UTC); ``database_url`` where the bulk reads connect.
    """
    if len(start) < BULK_FROM_DEVICES:
        samples = read_few_samples(conn, dict(start))
        return samples.height, compute_sessions(samples, events, owners, params)

    def one_range(devices: list[str]) -> tuple[int, Computed]:
        samples = read_samples(database_url, {d: start[d] for d in devices})
        return samples.height, compute_sessions(samples, events, owners, params)

    ranges = device_ranges(list(start))
    with ThreadPoolExecutor(len(ranges)) as pool:
        results = list(pool.map(one_range, ranges))
    computed = Computed(
        sessions=pl.concat([c.sessions for _, c in results], how="diagonal_relaxed"),
        laps=pl.concat([c.laps for _, c in results], how="diagonal_relaxed"),
    )
    return sum(n for n, _ in results), computed
