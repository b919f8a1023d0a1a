"""Metrics of a FIT activity file through the same code path as database sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from fitconnect.analytics.fit_file import read_fit
from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.laps import LAP_EVENT, lap_metrics
from fitconnect.analytics.metrics import session_metrics
from fitconnect.analytics.params import AthleteParams, params_frame
from fitconnect.analytics.report import lap_report, session_report
from fitconnect.analytics.sessions import EVENT_SCHEMA, assign_sessions


def file_sessions(path: Path, params: AthleteParams) -> list[dict[str, Any]]:
    """One report per session of the file, each with its ``laps`` (sessions cut as for a
    device without session events; laps from the file's lap start times)."""
    activity = read_fit(path)
    samples = activity.samples.with_columns(device_id=pl.lit(path.name))
    marks = pl.DataFrame(
        {"device_id": path.name, "ts": activity.lap_starts, "kind": LAP_EVENT},
        schema=EVENT_SCHEMA,
    )
    with_sessions = assign_sessions(samples, marks)
    ids = with_sessions.get_column(SESSION_KEY).unique().sort().to_list()
    metrics = session_metrics(with_sessions, params_frame(dict.fromkeys(ids, params)))
    laps = lap_metrics(with_sessions, marks)
    reports: list[dict[str, Any]] = []
    for row in metrics.sort("start_ts").iter_rows(named=True):
        report = session_report(row)
        own = laps.filter(pl.col(SESSION_KEY) == row[SESSION_KEY]).sort("lap")
        report["laps"] = [lap_report(lap) for lap in own.iter_rows(named=True)]
        reports.append(report)
    return reports
