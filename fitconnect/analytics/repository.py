"""The SQL of the analytics jobs (samples are read by ``sample_reader``), and the writes.

Writes go through ``sync_rows``: rows of a scope that the new computation no longer has are
deleted, changed rows updated, identical rows left alone. A re-run over the same data thus
writes nothing, which is what makes the job idempotent and cheap to repeat.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import polars as pl
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from fitconnect.analytics.errors import AnalyticsError
from fitconnect.analytics.params import AthleteParams, History, ParamsChange
from fitconnect.analytics.sessions import EVENT_SCHEMA
from fitconnect.analytics.sources import STREAMS
from fitconnect.analytics.timer import TIMER_EVENTS, TIMER_SLACK_S

Connection = psycopg.Connection[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Device:
    """A registered device, whose it is and what it is (``sources`` ranks it by kind)."""

    device_id: str
    athlete_id: str
    tenant_id: str
    kind: str


def devices(
    conn: Connection, athlete_id: str | None = None, athletes: Sequence[str] | None = None
) -> list[Device]:
    """Registered devices (of one athlete when given; of ``athletes`` when given)."""
    rows = conn.execute(
        "SELECT id::text, athlete_id::text, tenant_id::text, kind FROM devices.published_devices"
        " WHERE (%(a)s::uuid IS NULL OR athlete_id = %(a)s::uuid)"
        "   AND (%(among)s::uuid[] IS NULL OR athlete_id = ANY(%(among)s::uuid[]))",
        {"a": athlete_id, "among": None if athletes is None else list(athletes)},
    ).fetchall()
    return [Device(*row) for row in rows]


_WITH_NEWS = """
WITH dev AS (
    SELECT d.id, d.athlete_id FROM devices.published_devices d
    WHERE %(a)s::uuid IS NULL OR d.athlete_id = %(a)s::uuid
)
SELECT dev.athlete_id::text
FROM dev LEFT JOIN analytics.device_watermarks w ON w.device_id = dev.id
WHERE CASE WHEN w.device_id IS NULL
    THEN EXISTS (SELECT 1 FROM telemetry.published_samples s WHERE s.device_id = dev.id)
    ELSE w.version <> %(version)s
      OR EXISTS (SELECT 1 FROM telemetry.published_samples s
                 WHERE s.device_id = dev.id AND s.ts > w.last_ts)
      OR w.events_seen <> (SELECT count(*) FROM telemetry.published_device_events e
                           WHERE e.device_id = dev.id AND e.kind = ANY(%(kinds)s::text[]))
    END
UNION
SELECT c.athlete_id::text
FROM (
    SELECT a.athlete_id, GREATEST(
        (SELECT max(recorded_at) FROM users.athlete_parameters p
         WHERE p.athlete_id = a.athlete_id),
        (SELECT updated_at FROM analytics.athlete_params q WHERE q.athlete_id = a.athlete_id),
        (SELECT max(updated_at) FROM analytics.source_overrides o
         WHERE o.athlete_id = a.athlete_id)) AS t
    FROM (SELECT DISTINCT athlete_id FROM dev) a
    OFFSET 0
) c
LEFT JOIN analytics.athlete_watermarks aw ON aw.athlete_id = c.athlete_id
WHERE c.t IS NOT NULL AND c.t IS DISTINCT FROM aw.params_changed_at
"""


def athletes_with_news(conn: Connection, version: int, athlete_id: str | None) -> list[str]:
    """Athletes (one when given) an incremental run may have something to do for, in one
    statement: one of their devices has samples and none computed yet, was computed by
    another metrics ``version``, has samples past its watermark or another count of
    session, lap and timer events; or their parameters or sources changed since the run
    that computed them (``parameters_changed_at`` against ``athlete_watermarks``).

    A superset (the planner decides from the named athletes' devices as before); every
    other athlete's results are up to date, so a run reads nothing more of them."""
    rows = conn.execute(
        _WITH_NEWS, {"a": athlete_id, "version": version, "kinds": list(COMPUTED_EVENTS)}
    ).fetchall()
    return sorted(a for (a,) in rows)


def source_overrides(conn: Connection, athlete_ids: Sequence[str]) -> dict[tuple[str, str], str]:
    """(athlete, stream) -> the device the athlete chose for that stream."""
    rows = conn.execute(
        "SELECT athlete_id::text, metric, device_id::text FROM analytics.source_overrides"
        " WHERE athlete_id = ANY(%s::uuid[])",
        (list(athlete_ids),),
    ).fetchall()
    return {(a, m): d for a, m, d in rows}


def set_source_override(conn: Connection, athlete_id: str, stream: str, device_id: str) -> None:
    """The athlete's choice of their device for a stream (it wins over the kinds' ranks; the
    next run recomputes the athlete's sessions with it)."""
    if stream not in STREAMS:
        raise AnalyticsError(f"{stream!r} is not one of {', '.join(STREAMS)}")
    if not any(d.device_id == device_id for d in devices(conn, athlete_id)):
        raise AnalyticsError(f"device {device_id} is not one of athlete {athlete_id}'s")
    conn.execute(
        "INSERT INTO analytics.source_overrides (athlete_id, metric, device_id)"
        " VALUES (%s, %s, %s) ON CONFLICT (athlete_id, metric)"
        " DO UPDATE SET device_id = EXCLUDED.device_id, updated_at = now()",
        (athlete_id, stream, device_id),
    )


def latest_samples(
    conn: Connection, device_ids: Sequence[str], floor: datetime | None = None
) -> dict[str, datetime]:
    """Time of each device's newest sample (devices without samples are absent).

    ``floor``: none of the devices' newest samples is older (each has a watermark from it
    on, and samples are only ever removed oldest first); PostgreSQL then plans only the
    partitions from it on, instead of every day the table holds.
    """
    rows = conn.execute(
        "SELECT d, (SELECT max(ts) FROM telemetry.published_samples"
        "           WHERE device_id = d AND ts >= %s)"
        " FROM unnest(%s::uuid[]) AS d",
        (floor or _NO_FLOOR, list(device_ids)),
    ).fetchall()
    return {str(d): ts for d, ts in rows if ts is not None}


_NO_FLOOR = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Watermark:
    """What a device's stored results were computed from."""

    last_ts: datetime
    events_seen: int
    last_event_ts: datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class EventStats:
    """How many session and lap events a device has, and the newest one's time."""

    count: int
    last_ts: datetime | None


def watermarks(conn: Connection, device_ids: Sequence[str]) -> dict[str, Watermark]:
    """Per device: newest sample and session/lap events already computed, and the version."""
    rows = conn.execute(
        "SELECT device_id::text, last_ts, events_seen, last_event_ts, version"
        " FROM analytics.device_watermarks WHERE device_id = ANY(%s::uuid[])",
        (list(device_ids),),
    ).fetchall()
    return {d: Watermark(*rest) for d, *rest in rows}


COMPUTED_EVENTS: tuple[str, ...] = ("session_start", "session_stop", "lap", *TIMER_EVENTS)
"""The device events analytics computes with: session boundaries, lap marks, the timer."""


def event_stats(conn: Connection, device_ids: Sequence[str]) -> dict[str, EventStats]:
    """Session, lap and timer events per device (devices without any are absent)."""
    rows = conn.execute(
        "SELECT device_id::text, count(*), max(ts) FROM telemetry.published_device_events"
        " WHERE device_id = ANY(%s::uuid[]) AND kind = ANY(%s::text[])"
        " GROUP BY device_id",
        (list(device_ids), list(COMPUTED_EVENTS)),
    ).fetchall()
    return {d: EventStats(n, ts) for d, n, ts in rows}


def first_events_after(conn: Connection, after: dict[str, datetime]) -> dict[str, datetime]:
    """Per device, its first session, lap or timer event later than an instant (absent when
    none)."""
    rows = conn.execute(
        "SELECT w.d::text, (SELECT min(e.ts) FROM telemetry.published_device_events e"
        "                   WHERE e.device_id = w.d AND e.ts > w.t"
        "                     AND e.kind = ANY(%s::text[]))"
        " FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(d, t)",
        (list(COMPUTED_EVENTS), list(after), list(after.values())),
    ).fetchall()
    return {d: ts for d, ts in rows if ts is not None}


def set_watermarks(
    conn: Connection,
    marks: dict[str, datetime],
    events: dict[str, EventStats],
    version: int,
) -> None:
    """Record what has been computed (after the results are written, same transaction)."""
    none = EventStats(0, None)
    conn.cursor().executemany(
        "INSERT INTO analytics.device_watermarks"
        " (device_id, last_ts, events_seen, last_event_ts, version) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (device_id) DO UPDATE SET last_ts = EXCLUDED.last_ts,"
        " events_seen = EXCLUDED.events_seen, last_event_ts = EXCLUDED.last_event_ts,"
        " version = EXCLUDED.version, computed_at = now()",
        [
            (d, ts, events.get(d, none).count, events.get(d, none).last_ts, version)
            for d, ts in marks.items()
        ],
    )


def first_samples_after(conn: Connection, after: dict[str, datetime]) -> dict[str, datetime]:
    """Per device, its first sample later than the given instant (absent when none); the
    earliest instant bounds the partitions PostgreSQL plans."""
    rows = conn.execute(
        "SELECT w.d::text, (SELECT min(s.ts) FROM telemetry.published_samples s"
        "                   WHERE s.device_id = w.d AND s.ts > w.t AND s.ts > %s)"
        " FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(d, t)",
        (min(after.values(), default=_NO_FLOOR), list(after), list(after.values())),
    ).fetchall()
    return {d: ts for d, ts in rows if ts is not None}


def covering_starts(
    conn: Connection, changed: dict[str, datetime], gap_s: int
) -> dict[str, datetime]:
    """Per athlete, where a recompute of their data changed from an instant must start.

    That is the earliest of: the instant, the first stored session of the athlete the change
    can touch (one ending less than a session gap before it), and the start event of an
    explicit session of one of their devices still open at the instant.
    """
    rows = conn.execute(
        """
        SELECT w.a::text, LEAST(
            w.t,
            (SELECT min(s.start_ts) FROM analytics.sessions s
             WHERE s.athlete_id = w.a AND s.end_ts >= w.t - make_interval(secs => %s)),
            (SELECT min(o.ts) FROM devices.published_devices d CROSS JOIN LATERAL (
                SELECT CASE WHEN e.kind = 'session_start' THEN e.ts END AS ts
                FROM telemetry.published_device_events e
                WHERE e.device_id = d.id AND e.ts <= w.t
                  AND e.kind IN ('session_start', 'session_stop')
                ORDER BY e.ts DESC LIMIT 1) AS o
             WHERE d.athlete_id = w.a))
        FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(a, t)
        """,
        (gap_s, list(changed), list(changed.values())),
    ).fetchall()
    return dict(rows)


def read_events(conn: Connection, from_ts: dict[str, datetime]) -> pl.DataFrame:
    """Session, lap and timer events of each device from its start instant (timer events
    from ``TIMER_SLACK_S`` earlier: a unit starts its timer before its first sample)."""
    rows = conn.execute(
        "SELECT e.device_id::text, e.ts, e.kind FROM telemetry.published_device_events e"
        " JOIN unnest(%s::uuid[], %s::timestamptz[]) AS w(device_id, from_ts)"
        "   ON e.device_id = w.device_id"
        "  AND e.ts >= w.from_ts - CASE WHEN e.kind = ANY(%s::text[])"
        "                          THEN make_interval(secs => %s) ELSE '0 s' END"
        " WHERE e.kind = ANY(%s::text[])",
        (
            list(from_ts),
            list(from_ts.values()),
            list(TIMER_EVENTS),
            TIMER_SLACK_S,
            list(COMPUTED_EVENTS),
        ),
    ).fetchall()
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")


_HISTORY = """
SELECT p.athlete_id::text, p.valid_from, p.ftp_w::float8, p.hr_max_bpm::float8,
       p.hr_rest_bpm::float8, p.weight_kg::float8, p.sex, p.birth_date
FROM users.athlete_parameters p WHERE p.athlete_id = ANY(%s::uuid[])
ORDER BY p.athlete_id, p.valid_from NULLS FIRST
"""

_PROFILE_FIELDS = ("ftp_w", "hr_max_bpm", "hr_rest_bpm", "weight_kg", "sex", "birth_date")


def _filled(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """One athlete's snapshots, oldest first, each field's first value carried back."""
    snapshots = [dict(zip(("valid_from", *_PROFILE_FIELDS), row, strict=True)) for row in rows]
    for name in _PROFILE_FIELDS:
        first = next((s[name] for s in snapshots if s[name] is not None), None)
        for snapshot in snapshots:
            if snapshot[name] is not None:
                break
            snapshot[name] = first
    return snapshots


def parameter_history(conn: Connection, athlete_ids: Sequence[str]) -> History:
    """Each athlete's parameters over time: their profile's statements (the users context's
    ``users.athlete_parameters``) and threshold heart rate and zone method from
    ``analytics.athlete_params``; unstated values are the defaults."""
    rows = conn.execute(_HISTORY, (list(athlete_ids),)).fetchall()
    by_athlete: dict[str, list[tuple[Any, ...]]] = {}
    for athlete, *rest in rows:
        by_athlete.setdefault(athlete, []).append(tuple(rest))
    extra = {
        a: (lthr, karvonen)
        for a, lthr, karvonen in conn.execute(
            "SELECT athlete_id::text, lthr_bpm, hr_zones_karvonen FROM analytics.athlete_params"
            " WHERE athlete_id = ANY(%s::uuid[])",
            (list(athlete_ids),),
        ).fetchall()
    }
    history: dict[str, list[ParamsChange]] = {}
    for athlete in athlete_ids:
        lthr, karvonen = extra.get(athlete, (None, False))
        base = AthleteParams(lthr_bpm=lthr, hr_zones_karvonen=karvonen)
        changes = [
            ParamsChange(
                s["valid_from"],
                replace(
                    base,
                    ftp_w=s["ftp_w"],
                    hr_max_bpm=s["hr_max_bpm"],
                    hr_rest_bpm=s["hr_rest_bpm"] or base.hr_rest_bpm,
                    weight_kg=s["weight_kg"] or base.weight_kg,
                    sex="female" if s["sex"] == "female" else "male",
                ),
                s["birth_date"],
            )
            for s in _filled(by_athlete.get(athlete, []))
        ]
        history[athlete] = changes or [ParamsChange(None, base)]
    return history


def parameters_changed_at(conn: Connection, athlete_ids: Sequence[str]) -> dict[str, datetime]:
    """When each athlete's parameters (profile or analytics') or choice of sources last
    changed (absent: never)."""
    rows = conn.execute(
        "SELECT a::text, GREATEST("
        "  (SELECT max(recorded_at) FROM users.athlete_parameters p WHERE p.athlete_id = a),"
        "  (SELECT updated_at FROM analytics.athlete_params q WHERE q.athlete_id = a),"
        "  (SELECT max(updated_at) FROM analytics.source_overrides o WHERE o.athlete_id = a))"
        " FROM unnest(%s::uuid[]) AS a",
        (list(athlete_ids),),
    ).fetchall()
    return {a: ts for a, ts in rows if ts is not None}


def athlete_watermarks(conn: Connection, athlete_ids: Sequence[str]) -> dict[str, datetime]:
    """Per athlete: the parameter change the stored results were computed with."""
    rows = conn.execute(
        "SELECT athlete_id::text, params_changed_at FROM analytics.athlete_watermarks"
        " WHERE athlete_id = ANY(%s::uuid[])",
        (list(athlete_ids),),
    ).fetchall()
    return dict(rows)


def set_athlete_watermarks(conn: Connection, seen: dict[str, datetime]) -> None:
    conn.cursor().executemany(
        "INSERT INTO analytics.athlete_watermarks (athlete_id, params_changed_at)"
        " VALUES (%s, %s) ON CONFLICT (athlete_id)"
        " DO UPDATE SET params_changed_at = EXCLUDED.params_changed_at",
        list(seen.items()),
    )


def set_analytics_params(conn: Connection, athlete_id: str, values: dict[str, object]) -> None:
    """Create or update the athlete's analytics-only parameters (threshold heart rate, zone
    method); only the given columns change."""
    unknown = set(values) - set(ANALYTICS_ONLY)
    if unknown:
        raise AnalyticsError(f"not analytics parameters: {sorted(unknown)}")
    names = ["athlete_id", *values]
    conn.execute(
        sql.SQL(
            "INSERT INTO analytics.athlete_params ({cols}) VALUES ({vals})"
            " ON CONFLICT (athlete_id) DO UPDATE SET {updates}, updated_at = now()"
        ).format(
            cols=sql.SQL(", ").join(sql.Identifier(n) for n in names),
            vals=sql.SQL(", ").join(sql.Placeholder() for _ in names),
            updates=sql.SQL(", ").join(
                sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(n)) for n in values
            ),
        ),
        [athlete_id, *values.values()],
    )


ANALYTICS_ONLY: tuple[str, ...] = ("lthr_bpm", "hr_zones_karvonen")
"""The parameters ``analytics.athlete_params`` holds (the rest are the profile's)."""


def read_table(conn: Connection, query: str, params: Sequence[Any]) -> pl.DataFrame:
    """A query's rows as a Polars frame (column names from the cursor)."""
    cur = conn.execute(query, params)
    names = [c.name for c in cur.description or []]
    return pl.DataFrame(cur.fetchall(), schema=names, orient="row", infer_schema_length=None)


def _adapt(value: object) -> object:
    if isinstance(value, dict):
        return Jsonb(value)
    return value


Rows = Sequence[dict[str, Any]] | pl.DataFrame
"""Rows to write: dicts (any adaptable values), or a frame of plain columns (sent as CSV)."""


def _copy_in(
    conn: Connection,
    table: sql.Identifier,
    cols: sql.Composable,
    rows: Rows,
    columns: Sequence[str],
) -> None:
    """COPY ``rows`` into ``table``: a frame in one CSV block, dicts row by row."""
    if isinstance(rows, pl.DataFrame):
        data = io.BytesIO()
        rows.select(columns).write_csv(data, include_header=False)
        statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(table, cols)
        with conn.cursor().copy(statement) as copy:
            copy.write(data.getvalue())
        return
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, cols)) as copy:
        for row in rows:
            copy.write_row([_adapt(row[c]) for c in columns])


@dataclass(frozen=True, slots=True)
class SyncCount:
    """Rows a sync wrote: new or changed, and deleted."""

    upserted: int
    deleted: int


def sync_rows(
    conn: Connection,
    table: str,
    *,
    key: Sequence[str],
    scope: tuple[str, Sequence[Any]],
    scope_filter: str,
    rows: Rows,
    columns: Sequence[str],
) -> SyncCount:
    """Make ``table``'s rows inside ``scope`` equal ``rows`` (see the module docstring).

    ``scope`` is (column, values): the slice of the table this computation owns;
    ``scope_filter`` an extra SQL condition on the target alias ``t`` (e.g. a time bound).
    """
    target = sql.SQL(table)
    tmp = sql.Identifier(f"_sync_{table.replace('.', '_')}")
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    conn.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            tmp, cols, target
        )
    )
    _copy_in(conn, tmp, cols, rows, columns)
    key_match = sql.SQL(" AND ").join(
        sql.SQL("n.{0} = t.{0}").format(sql.Identifier(k)) for k in key
    )
    others = [c for c in columns if c not in key]
    updates = sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in others
    )
    old = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in others)
    new = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in others)
    on_conflict = (
        sql.SQL("DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})").format(updates, old, new)
        if others
        else sql.SQL("DO NOTHING")
    )
    # One statement: the delete and the upsert see the same snapshot and touch disjoint keys.
    row = conn.execute(
        sql.SQL(
            "WITH deleted AS (DELETE FROM {target} t WHERE t.{scope} = ANY(%s) AND ({extra})"
            " AND NOT EXISTS (SELECT 1 FROM {tmp} n WHERE {match}) RETURNING 1),"
            " upserted AS (INSERT INTO {target} AS t ({cols}) SELECT {cols} FROM {tmp}"
            " ON CONFLICT ({key}) {on_conflict} RETURNING 1)"
            " SELECT (SELECT count(*) FROM deleted), (SELECT count(*) FROM upserted)"
        ).format(
            target=target,
            scope=sql.Identifier(scope[0]),
            extra=sql.SQL(scope_filter),
            tmp=tmp,
            match=key_match,
            cols=cols,
            key=sql.SQL(", ").join(sql.Identifier(k) for k in key),
            on_conflict=on_conflict,
        ),
        (list(scope[1]),),
    ).fetchone()
    deleted, upserted = row if row else (0, 0)
    conn.execute(sql.SQL("DROP TABLE {}").format(tmp))
    return SyncCount(upserted=upserted, deleted=deleted)
