"""Metrics of a FIT activity file through the same code path as database sessions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from fitconnect.analytics.fit_file import read_fit_samples
from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.metrics import session_metrics
from fitconnect.analytics.params import AthleteParams, params_frame
from fitconnect.analytics.report import session_report
from fitconnect.analytics.sessions import assign_sessions, empty_events


def file_sessions(path: Path, params: AthleteParams) -> list[dict[str, Any]]:
    """One report per session of the file (sessions cut as for a device without events)."""
    samples = read_fit_samples(path).with_columns(device_id=pl.lit(path.name))
    with_sessions = assign_sessions(samples, empty_events())
    ids = with_sessions.get_column(SESSION_KEY).unique().sort().to_list()
    metrics = session_metrics(with_sessions, params_frame(dict.fromkeys(ids, params)))
    return [session_report(row) for row in metrics.sort("start_ts").iter_rows(named=True)]
