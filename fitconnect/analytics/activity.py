"""Metrics of a FIT activity file through the same code path as database sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from fitconnect.analytics.fit_file import read_fit
from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.laps import LAP_EVENT
from fitconnect.analytics.params import AthleteParams, constant
from fitconnect.analytics.report import lap_report, session_report
from fitconnect.analytics.session_rows import compute_sessions
from fitconnect.analytics.sessions import EVENT_SCHEMA


def file_sessions(path: Path, params: AthleteParams) -> list[dict[str, Any]]:
    """One report per session of the file, each with its ``laps`` (the file is one device
    of one athlete, without session events; laps from the file's lap start times, moving time
    from its timer's stops and starts)."""
    activity = read_fit(path)
    samples = activity.samples.with_columns(device_id=pl.lit(path.name))
    marks = pl.DataFrame(
        {
            "device_id": path.name,
            "ts": [*activity.lap_starts, *(ts for ts, _ in activity.timer)],
            "kind": [LAP_EVENT] * len(activity.lap_starts) + [k for _, k in activity.timer],
        },
        schema=EVENT_SCHEMA,
    )
    computed = compute_sessions(
        samples, marks, {path.name: (path.name, "file")}, {path.name: constant(params)}
    )
    reports: list[dict[str, Any]] = []
    for row in computed.sessions.sort("start_ts").iter_rows(named=True):
        report = session_report(row)
        own = computed.laps.filter(pl.col(SESSION_KEY) == row[SESSION_KEY]).sort("lap")
        report["laps"] = [lap_report(lap) for lap in own.iter_rows(named=True)]
        reports.append(report)
    return reports
