"""Moving time from the device's own timer: its ``pause`` and ``resume`` events.

A head unit's moving time (a FIT file's ``total_timer_time``) is the time its timer ran: it
stops when the athlete pauses or auto-pause triggers and starts again on resume. Where one of
a session's devices sent such events (a FIT file's timer stops and starts, replayed as ``pause``
and ``resume``), the moving time of the session and of each of its laps is the time that timer
ran inside them; sessions without timer events keep counting their sampled seconds on the
1 Hz grid (``grid``).

A timer event belongs to the session of its device's athlete that it falls in, the session's
span widened by ``TIMER_SLACK_S`` on each side: units start their timer before their first
record (the Edge 530 file starts and at once auto-pauses it 45 s before) and stop it after
their last (the ELEMNT: 4 s after). The session's timed
span runs from the earlier of its first sample and first timer event to the later of its last
second and last timer event. In it the timer runs from the start, unless the first event is a
``resume`` (then it was stopped until that event), stops at each ``pause`` and runs again at
each ``resume``. Events at one instant count in the order given: a FIT file's (the Edge 530
starts its timer and auto-pauses it in the same second), and a replay publishes same-second
events a millisecond apart to keep that order in the database.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from fitconnect.analytics.frame import SAMPLE_SCHEMA, SESSION_KEY

PAUSE_EVENT = "pause"
RESUME_EVENT = "resume"
TIMER_EVENTS: tuple[str, ...] = (PAUSE_EVENT, RESUME_EVENT)
"""``telemetry.device_events.kind`` of the timer's stops and starts."""

TIMER_SLACK_S = 300
"""How far before a session's first sample or after its last a timer event still belongs to it."""

_TS = SAMPLE_SCHEMA["ts"]
_SECOND = timedelta(seconds=1)
_SLACK = timedelta(seconds=TIMER_SLACK_S)
_RUNS_SCHEMA: dict[str, pl.DataType] = {SESSION_KEY: pl.Int64(), "run_start": _TS, "run_end": _TS}


def timer_runs(cut: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """(``session_id``, ``run_start``, ``run_end``): when the timer of each session of ``cut``
    (``assign_sessions`` output) ran, for the sessions with timer events (``events`` carries
    ``athlete_id``, as ``cut`` does)."""
    timer = events.filter(pl.col("kind").is_in(TIMER_EVENTS)).select(
        pl.col("athlete_id").cast(pl.String), pl.col("ts").cast(_TS), "kind"
    )
    if timer.is_empty():
        return pl.DataFrame(schema=_RUNS_SCHEMA)
    spans = cut.group_by(SESSION_KEY).agg(
        pl.col("athlete_id").first().cast(pl.String),
        pl.col("ts").min().alias("_first"),
        (pl.col("ts").max().dt.truncate("1s") + _SECOND).alias("_end"),
    )
    owned = (
        timer.sort("ts", maintain_order=True)
        .join_asof(
            spans.with_columns((pl.col("_first") - _SLACK).alias("_from")).sort("_from"),
            left_on="ts",
            right_on="_from",
            by="athlete_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("ts") <= pl.col("_end") + _SLACK)
        .select(SESSION_KEY, "ts", (pl.col("kind") == RESUME_EVENT).alias("running"))
        .sort(SESSION_KEY, "ts", maintain_order=True)
    )
    if owned.is_empty():
        return pl.DataFrame(schema=_RUNS_SCHEMA)
    bounds = (
        owned.group_by(SESSION_KEY, maintain_order=True)
        .agg(
            pl.col("ts").first().alias("_e0"),
            pl.col("ts").last().alias("_e1"),
            pl.col("running").first().alias("_first_resumes"),
        )
        .join(spans, on=SESSION_KEY)
    )
    lead = bounds.select(
        SESSION_KEY,
        pl.min_horizontal("_first", "_e0").alias("ts"),
        (~pl.col("_first_resumes")).alias("running"),
        pl.lit(0).alias("_order"),
    )
    tail = bounds.select(
        SESSION_KEY,
        pl.max_horizontal("_end", "_e1").alias("ts"),
        pl.lit(value=False).alias("running"),
        pl.lit(2).alias("_order"),
    )
    changes = pl.concat([lead, owned.with_columns(pl.lit(1).alias("_order")), tail]).sort(
        SESSION_KEY, "ts", "_order", maintain_order=True
    )
    return (
        changes.with_columns(pl.col("ts").shift(-1).over(SESSION_KEY).alias("run_end"))
        .filter(pl.col("running") & (pl.col("run_end") > pl.col("ts")))
        .select(SESSION_KEY, pl.col("ts").alias("run_start"), "run_end")
    )


def running_seconds(runs: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """How long the timer ran inside each span of ``spans`` (``session_id``, ``span_start``,
    ``span_end`` and any key columns; a null bound is open): the key columns plus
    ``timer_moving_s``, for the spans of sessions in ``runs`` only (``timer_runs``)."""
    keys = [c for c in spans.columns if c not in ("span_start", "span_end")]
    start = pl.max_horizontal("span_start", "run_start")  # nulls are ignored: open bounds
    end = pl.min_horizontal("span_end", "run_end")
    return (
        spans.join(runs, on=SESSION_KEY)
        .with_columns((end - start).dt.total_microseconds().clip(lower_bound=0).alias("_us"))
        .group_by(keys)
        .agg(_seconds(pl.col("_us").sum()))
    )


def empty_timer() -> pl.DataFrame:
    """No session with timer events (``session_timer``'s schema)."""
    return pl.DataFrame(schema={SESSION_KEY: pl.Int64(), "timer_moving_s": pl.Int64()})


def session_timer(cut: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """(``session_id``, ``timer_moving_s``) of the sessions with timer events."""
    runs = timer_runs(cut, events)
    if runs.is_empty():
        return empty_timer()
    ran = (pl.col("run_end") - pl.col("run_start")).dt.total_microseconds()
    return runs.group_by(SESSION_KEY).agg(_seconds(ran.sum()))


def _seconds(microseconds: pl.Expr) -> pl.Expr:
    return (microseconds / 1_000_000).round().cast(pl.Int64).alias("timer_moving_s")
