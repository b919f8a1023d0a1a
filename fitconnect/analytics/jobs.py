"""The analytics job: recompute what new samples touched, idempotently, over PostgreSQL.

One run: find devices whose newest sample or session event is past their watermark, and
athletes whose parameters changed (or everything from ``since``); read all devices of those
athletes from the start of the first session the change can touch (sessions are the
athlete's, fused from all their devices) and recompute those sessions (two athlete ranges
side by side, ``session_pipeline``), then everything per athlete and those athletes' places
on the leaderboards (``board_sync``), and move the watermarks, all in one transaction.
Rows equal to what is stored are not rewritten, so a run over unchanged data writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl
import psycopg

from fitconnect.analytics import athlete_notices
from fitconnect.analytics import repository as repo
from fitconnect.analytics.athlete_rows import athlete_tables, board_totals
from fitconnect.analytics.board_sync import TOTAL_COLUMNS, sync_boards
from fitconnect.analytics.gamification.badges import BADGES
from fitconnect.analytics.gamification.challenges import Challenge
from fitconnect.analytics.metrics import METRICS_VERSION
from fitconnect.analytics.session_pipeline import sessions_from_database
from fitconnect.analytics.session_rows import (
    LAP_COLUMNS,
    SESSION_COLUMNS,
    Computed,
    lap_rows,
    session_rows,
)
from fitconnect.analytics.sessions import SESSION_GAP_S
from fitconnect.analytics.sources import rank_frame

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Callback (stage, done, total) for progress bars."""

_KEYS: dict[str, tuple[str, ...]] = {
    "analytics.daily_load": ("athlete_id", "day"),
    "analytics.weekly_volume": ("athlete_id", "week_start"),
    "analytics.personal_records": ("athlete_id", "metric"),
    "analytics.ftp_estimates": ("athlete_id", "at"),
    "analytics.notices": ("athlete_id", "kind", "at"),
    "gamification.athlete_progress": ("athlete_id",),
    "gamification.badge_awards": ("athlete_id", "badge_id"),
    "gamification.challenge_progress": ("challenge_id", "athlete_id"),
}

_SESSION_READ = """
SELECT device_id::text, athlete_id::text, tenant_id::text, start_ts, moving_time_s, distance_m,
       work_kj, stress_score, plausible,
       (power_curve_w->>'5')::float8 AS mmp_5s, (power_curve_w->>'60')::float8 AS mmp_60s,
       (power_curve_w->>'300')::float8 AS mmp_300s, (power_curve_w->>'1200')::float8 AS mmp_1200s,
       (power_curve_w->>'3600')::float8 AS mmp_3600s
FROM analytics.sessions WHERE athlete_id = ANY(%s::uuid[]) ORDER BY start_ts
"""

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did."""

    devices: int
    samples: int
    sessions: int
    athletes: int
    rows_written: int
    elapsed_s: float


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which athletes to recompute from when (all their devices), and the new watermarks."""

    start: dict[str, datetime]
    """Device -> where its samples are read from (its athlete's start)."""
    athlete_start: dict[str, datetime]
    newest: dict[str, datetime]
    events: dict[str, repo.EventStats]
    owners: dict[str, tuple[str, str]]
    kinds: dict[str, str]
    params_seen: dict[str, datetime]


_BEGINNING = datetime.min.replace(tzinfo=UTC)


def _changed_events(
    conn: repo.Connection, marks: dict[str, repo.Watermark], events: dict[str, repo.EventStats]
) -> tuple[dict[str, datetime], set[str]]:
    """Devices whose session events changed: (device -> first new event, devices to redo).

    A new event later than those seen is found by time; one inserted among older events
    (only the count tells) sends its device to a full recompute.
    """
    after: dict[str, datetime] = {}
    redo: set[str] = set()
    for device, mark in marks.items():
        stats = events.get(device, repo.EventStats(0, None))
        if stats.count == mark.events_seen:
            continue
        if stats.last_ts is not None and (
            mark.last_event_ts is None or stats.last_ts > mark.last_event_ts
        ):
            after[device] = mark.last_event_ts or _BEGINNING
        else:
            redo.add(device)
    return (repo.first_events_after(conn, after) if after else {}), redo


def _device_changes(
    conn: repo.Connection, since: datetime | None, latest: dict[str, datetime]
) -> tuple[set[str], dict[str, datetime], dict[str, repo.EventStats]]:
    """(devices to recompute fully, device -> first changed instant, event counts).

    A device never computed changes from its first sample or event (its athlete's sessions
    before that stay as they are); one computed by another metrics version fully.
    """
    events = repo.event_stats(conn, list(latest))
    marks = repo.watermarks(conn, list(latest))
    full = {d for d, m in marks.items() if m.version != METRICS_VERSION}
    if since is not None:
        after = dict.fromkeys(latest, since - timedelta(microseconds=1))
        return set(), repo.first_samples_after(conn, after), events
    new = dict.fromkeys((d for d in latest if d not in marks), _BEGINNING)
    after = {d: m.last_ts for d, m in marks.items() if d not in full and latest[d] > m.last_ts}
    changed = repo.first_samples_after(conn, after | new) if after or new else {}
    for device, ts in (repo.first_events_after(conn, new) if new else {}).items():
        changed[device] = min(ts, changed.get(device, ts))
    new_events, redo = _changed_events(
        conn, {d: m for d, m in marks.items() if d not in full}, events
    )
    for device, ts in new_events.items():
        changed[device] = min(ts, changed.get(device, ts))
    return full | redo, changed, events


def _floor(conn: repo.Connection, since: datetime | None, devices: list[str]) -> datetime | None:
    """The oldest watermark of ``devices`` when every one has one (their newest samples are
    no older), else None; None with ``since`` too (everything is looked at)."""
    if since is not None or not devices:
        return None
    marks = repo.watermarks(conn, devices)
    if len(marks) < len(devices):
        return None
    return min(m.last_ts for m in marks.values())


def _plan(conn: repo.Connection, since: datetime | None, athlete_id: str | None) -> _Plan:
    """Athletes with new samples, session events or parameters since their watermarks (or
    since ``since``), and from when: sessions belong to athletes, so a change of one device
    recomputes its athlete's sessions it can touch, from all of the athlete's devices.

    Without ``since``, only the athletes ``athletes_with_news`` names are looked at (the
    others' results are up to date): a run after one new session plans one athlete."""
    among = (
        None if since is not None else repo.athletes_with_news(conn, METRICS_VERSION, athlete_id)
    )
    if among == []:
        return _Plan({}, {}, {}, {}, {}, {}, {})
    devices = repo.devices(conn, athlete_id, among)
    owners = {d.device_id: (d.athlete_id, d.tenant_id) for d in devices}
    latest = repo.latest_samples(conn, list(owners), _floor(conn, since, list(owners)))
    full, changed, events = _device_changes(conn, since, latest)
    athletes = sorted({owners[d][0] for d in latest})
    params_now = repo.parameters_changed_at(conn, athletes)
    seen = repo.athlete_watermarks(conn, athletes)
    full_athletes = {owners[d][0] for d in full}
    if since is None:
        full_athletes |= {a for a, t in params_now.items() if seen.get(a) != t}
    from_ts: dict[str, datetime] = {}
    for device, ts in changed.items():
        athlete = owners[device][0]
        from_ts[athlete] = min(ts, from_ts.get(athlete, ts))
    athlete_start = dict.fromkeys(full_athletes, _BEGINNING)
    partial = {a: t for a, t in from_ts.items() if a not in full_athletes}
    if partial:
        athlete_start |= repo.covering_starts(conn, partial, SESSION_GAP_S)
    start = {d: athlete_start[owners[d][0]] for d in latest if owners[d][0] in athlete_start}
    return _Plan(
        start=start,
        athlete_start=athlete_start,
        newest={d: latest[d] for d in start},
        events=events,
        owners=owners,
        kinds={d.device_id: d.kind for d in devices},
        params_seen={a: t for a, t in params_now.items() if a in athlete_start},
    )


def _challenges(conn: repo.Connection) -> list[Challenge]:
    rows = conn.execute(
        "SELECT id, name, metric, target, starts_at, ends_at, tenant_id::text"
        " FROM gamification.challenges"
    ).fetchall()
    return [Challenge(*row) for row in rows]


def _write_sessions(
    conn: repo.Connection, athlete_start: dict[str, datetime], computed: Computed
) -> int:
    """Sessions of each athlete from their window's start on, then those sessions' laps."""
    conn.execute(
        "CREATE TEMP TABLE _job_window ON COMMIT DROP AS"
        " SELECT * FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(athlete_id, from_ts)",
        (list(athlete_start), list(athlete_start.values())),
    )
    sessions = session_rows(computed.sessions)
    count = repo.sync_rows(
        conn,
        "analytics.sessions",
        key=("id",),
        scope=("athlete_id", list(athlete_start)),
        scope_filter="t.start_ts >= (SELECT w.from_ts FROM _job_window w"
        " WHERE w.athlete_id = t.athlete_id)",
        rows=sessions,
        columns=SESSION_COLUMNS,
    )
    written = count.upserted + count.deleted
    # Laps of deleted sessions went with them (cascade); these are the computed sessions'.
    laps = repo.sync_rows(
        conn,
        "analytics.laps",
        key=("session_id", "lap"),
        scope=("session_id", [s["id"] for s in sessions]),
        scope_filter="true",
        rows=lap_rows(computed.laps),
        columns=LAP_COLUMNS,
    )
    return written + laps.upserted + laps.deleted


def _write_athletes(
    conn: repo.Connection, athletes: list[str], stored: pl.DataFrame, as_of: date
) -> int:
    """Everything per athlete from ``stored``, all of ``athletes``' sessions; what changed
    is notified (``athlete_notices``)."""
    tables = athlete_tables(stored, as_of, _challenges(conn)) if stored.height else None
    before = athlete_notices.stored(conn, athletes)
    written = 0
    for table, key in _KEYS.items():
        rows = tables.rows.get(table, []) if tables else []
        if isinstance(rows, pl.DataFrame):
            columns = rows.columns
        else:
            columns = list(rows[0]) if rows else list(key)
        count = repo.sync_rows(
            conn,
            table,
            key=key,
            scope=("athlete_id", athletes),
            scope_filter="true",
            rows=rows,
            columns=columns,
        )
        written += count.upserted + count.deleted
    if tables:
        athlete_notices.notify(conn, tables.rows, before)
    return written


def _first_period(changed_from: datetime) -> datetime:
    """Start of the earliest board period (week or month) data changed from can touch."""
    if changed_from <= _EPOCH + timedelta(days=62):
        return _EPOCH
    day = changed_from.astimezone(UTC).date()
    first = min(day.replace(day=1), day - timedelta(days=day.weekday()))
    return datetime(first.year, first.month, first.day, tzinfo=UTC)


def _write_boards(
    conn: repo.Connection, athletes: list[str], stored: pl.DataFrame, changed_from: datetime
) -> int:
    """Update the boards of ``athletes`` (``stored``: all their sessions) from ``changed_from``."""
    bound = _first_period(changed_from)
    recent = stored.filter(pl.col("start_ts") >= bound)
    totals = pl.DataFrame(schema=list(TOTAL_COLUMNS))
    if recent.height:
        # Boards starting before the bound hold no changed session; the partial sums the
        # filter leaves for them are dropped (every board from the bound on is complete).
        totals = board_totals(recent).filter(pl.col("period_start") >= bound.date())
    return sync_boards(conn, totals, athletes, bound.date())


def _write_badges(conn: repo.Connection) -> None:
    conn.cursor().executemany(
        "INSERT INTO gamification.badges (id, name, counter, threshold) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, counter = EXCLUDED.counter,"
        " threshold = EXCLUDED.threshold WHERE (gamification.badges.name,"
        " gamification.badges.counter, gamification.badges.threshold)"
        " IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.counter, EXCLUDED.threshold)",
        [(b.id, b.name, b.counter, b.threshold) for b in BADGES],
    )


def run_once(
    database_url: str,
    *,
    since: datetime | None = None,
    athlete_id: str | None = None,
    as_of: date | None = None,
    progress: Progress = _noop,
) -> RunSummary:
    """One incremental, idempotent pass (see the module docstring); safe to call repeatedly."""
    began = time.perf_counter()
    today = as_of or datetime.now(UTC).date()
    with psycopg.connect(database_url) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        # One run at a time (the scheduler and a manual run may overlap); released at commit.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('fitconnect.analytics.run'))")
        _write_badges(conn)
        progress("plan", 0, 5)
        plan = _plan(conn, since, athlete_id)
        start, owners = plan.start, plan.owners
        if not start:
            progress("done", 5, 5)
            return RunSummary(0, 0, 0, 0, 0, time.perf_counter() - began)
        events = repo.read_events(conn, start)
        athletes = sorted(plan.athlete_start)
        params = repo.parameter_history(conn, athletes)
        ranks = rank_frame({d: plan.kinds[d] for d in start}, repo.source_overrides(conn, athletes))
        progress("read and sessions", 1, 5)
        samples, computed = sessions_from_database(
            conn, database_url, start, events=events, owners=owners, params=params, ranks=ranks
        )
        progress("write sessions", 2, 5)
        written = _write_sessions(conn, plan.athlete_start, computed)
        progress("athletes", 3, 5)
        stored = repo.read_table(conn, _SESSION_READ, (athletes,))
        written += _write_athletes(conn, athletes, stored, today)
        progress("leaderboards", 4, 5)
        written += _write_boards(conn, athletes, stored, min(start.values()))
        repo.set_watermarks(conn, plan.newest, plan.events, METRICS_VERSION)
        repo.set_athlete_watermarks(conn, plan.params_seen)
        progress("done", 5, 5)
    summary = RunSummary(
        devices=len(start),
        samples=samples,
        sessions=computed.sessions.height,
        athletes=len(athletes),
        rows_written=written,
        elapsed_s=time.perf_counter() - began,
    )
    log.info("analytics run: %s", summary)
    return summary
