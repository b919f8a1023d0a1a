"""The SQL of the analytics jobs (samples are read by ``sample_reader``), and the writes.

Writes go through ``sync_rows``: rows of a scope that the new computation no longer has are
deleted, changed rows updated, identical rows left alone. A re-run over the same data thus
writes nothing, which is what makes the job idempotent and cheap to repeat.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from fitconnect.analytics.errors import AnalyticsError
from fitconnect.analytics.params import PARAM_SCHEMA, AthleteParams
from fitconnect.analytics.sessions import EVENT_SCHEMA

Connection = psycopg.Connection[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Device:
    """A registered device and whose it is."""

    device_id: str
    athlete_id: str
    tenant_id: str


def devices(conn: Connection, athlete_id: str | None = None) -> list[Device]:
    """Registered devices (of one athlete when given)."""
    rows = conn.execute(
        "SELECT id::text, athlete_id::text, tenant_id::text FROM devices.devices"
        " WHERE %(a)s::uuid IS NULL OR athlete_id = %(a)s::uuid",
        {"a": athlete_id},
    ).fetchall()
    return [Device(*row) for row in rows]


def latest_samples(conn: Connection, device_ids: Sequence[str]) -> dict[str, datetime]:
    """Time of each device's newest sample (devices without samples are absent)."""
    rows = conn.execute(
        "SELECT d, (SELECT max(ts) FROM telemetry.samples WHERE device_id = d)"
        " FROM unnest(%s::uuid[]) AS d",
        (list(device_ids),),
    ).fetchall()
    return {str(d): ts for d, ts in rows if ts is not None}


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


def watermarks(conn: Connection) -> dict[str, Watermark]:
    """Per device: newest sample and session/lap events already computed, and the version."""
    rows = conn.execute(
        "SELECT device_id::text, last_ts, events_seen, last_event_ts, version"
        " FROM analytics.device_watermarks"
    ).fetchall()
    return {d: Watermark(*rest) for d, *rest in rows}


def event_stats(conn: Connection, device_ids: Sequence[str]) -> dict[str, EventStats]:
    """Session start/stop and lap events per device (devices without any are absent)."""
    rows = conn.execute(
        "SELECT device_id::text, count(*), max(ts) FROM telemetry.device_events"
        " WHERE device_id = ANY(%s::uuid[]) AND kind IN ('session_start', 'session_stop', 'lap')"
        " GROUP BY device_id",
        (list(device_ids),),
    ).fetchall()
    return {d: EventStats(n, ts) for d, n, ts in rows}


def first_events_after(conn: Connection, after: dict[str, datetime]) -> dict[str, datetime]:
    """Per device, its first session or lap event later than an instant (absent when none)."""
    rows = conn.execute(
        "SELECT w.d::text, (SELECT min(e.ts) FROM telemetry.device_events e"
        "                   WHERE e.device_id = w.d AND e.ts > w.t"
        "                     AND e.kind IN ('session_start', 'session_stop', 'lap'))"
        " FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(d, t)",
        (list(after), list(after.values())),
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
    """Per device, its first sample later than the given instant (absent when none)."""
    rows = conn.execute(
        "SELECT w.d::text, (SELECT min(s.ts) FROM telemetry.samples s"
        "                   WHERE s.device_id = w.d AND s.ts > w.t)"
        " FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(d, t)",
        (list(after), list(after.values())),
    ).fetchall()
    return {d: ts for d, ts in rows if ts is not None}


def covering_starts(
    conn: Connection, changed: dict[str, datetime], gap_s: int
) -> dict[str, datetime]:
    """Per device, where a recompute of data changed from an instant must start.

    That is the earliest of: the instant, the first stored session the change can touch (one
    ending less than a session gap before it), and the start event of an explicit session
    still open at the instant.
    """
    rows = conn.execute(
        """
        SELECT w.d::text, LEAST(
            w.t,
            (SELECT min(s.start_ts) FROM analytics.sessions s
             WHERE s.device_id = w.d AND s.end_ts >= w.t - make_interval(secs => %s)),
            (SELECT CASE WHEN e.kind = 'session_start' THEN e.ts END
             FROM telemetry.device_events e
             WHERE e.device_id = w.d AND e.ts <= w.t
               AND e.kind IN ('session_start', 'session_stop')
             ORDER BY e.ts DESC LIMIT 1))
        FROM unnest(%s::uuid[], %s::timestamptz[]) AS w(d, t)
        """,
        (gap_s, list(changed), list(changed.values())),
    ).fetchall()
    return dict(rows)


def read_events(conn: Connection, from_ts: dict[str, datetime]) -> pl.DataFrame:
    """Session start/stop and lap events of each device from its start instant."""
    rows = conn.execute(
        "SELECT e.device_id::text, e.ts, e.kind FROM telemetry.device_events e"
        " JOIN unnest(%s::uuid[], %s::timestamptz[]) AS w(device_id, from_ts)"
        "   ON e.device_id = w.device_id AND e.ts >= w.from_ts"
        " WHERE e.kind IN ('session_start', 'session_stop', 'lap')",
        (list(from_ts), list(from_ts.values())),
    ).fetchall()
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")


def athlete_params(conn: Connection, athlete_ids: Sequence[str]) -> dict[str, AthleteParams]:
    """Stored parameters; an athlete without a row gets the defaults."""
    columns = ", ".join(PARAM_SCHEMA)
    rows = conn.execute(
        f"SELECT athlete_id::text, {columns} FROM analytics.athlete_params"  # noqa: S608 - constant
        " WHERE athlete_id = ANY(%s::uuid[])",
        (list(athlete_ids),),
    ).fetchall()
    found = {row[0]: AthleteParams(*row[1:]) for row in rows}
    return {a: found.get(a, AthleteParams()) for a in athlete_ids}


def set_athlete_params(conn: Connection, athlete_id: str, values: dict[str, object]) -> None:
    """Create or update an athlete's parameters; only the given columns change."""
    unknown = set(values) - set(PARAM_SCHEMA)
    if unknown:
        raise AnalyticsError(f"not athlete parameters: {sorted(unknown)}")
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


def latest_ftp_estimates(conn: Connection, athlete_ids: Sequence[str]) -> dict[str, float]:
    """The newest FTP estimate of each athlete that has one."""
    rows = conn.execute(
        "SELECT DISTINCT ON (athlete_id) athlete_id::text, ftp_estimate_w"
        " FROM analytics.ftp_estimates WHERE athlete_id = ANY(%s::uuid[])"
        " ORDER BY athlete_id, at DESC",
        (list(athlete_ids),),
    ).fetchall()
    return {a: float(w) for a, w in rows}


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
