"""Leaderboards after a run: the touched athletes' new totals merged into the stored boards.

A run computes board totals for the athletes it touched only (from their own sessions). Every
board those athletes are or were on is then re-ranked in PostgreSQL from their new totals and
the other athletes' entries as stored, in one statement that writes only the rows whose value,
rank or version changed and deletes the entries the touched athletes no longer have. One new
session thus costs the rank shifts it causes, not a rewrite of its tenant's boards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from fitconnect.analytics.athlete_rows import BOARD_COLUMNS
from fitconnect.analytics.repository import Connection

TOTAL_COLUMNS: tuple[str, ...] = tuple(c for c in BOARD_COLUMNS if c != "rank")
"""What ``sync_boards`` takes: one athlete's total on one board, and the version."""

_SYNC = """
WITH fresh AS (
    SELECT * FROM unnest(%(tenant_id)s::uuid[], %(period)s::text[], %(metric)s::text[],
                         %(period_start)s::date[], %(athlete_id)s::uuid[],
                         %(value)s::float8[], %(version)s::integer[])
        AS f(tenant_id, period, metric, period_start, athlete_id, value, version)
),
dropped AS (
    DELETE FROM gamification.leaderboards t
    WHERE t.athlete_id = ANY(%(touched)s::uuid[]) AND t.period_start >= %(bound)s
      AND NOT EXISTS (
          SELECT 1 FROM fresh f
          WHERE (f.tenant_id, f.period, f.metric, f.period_start, f.athlete_id)
              = (t.tenant_id, t.period, t.metric, t.period_start, t.athlete_id))
    RETURNING t.tenant_id, t.period, t.metric, t.period_start
),
boards AS (
    SELECT tenant_id, period, metric, period_start FROM fresh
    UNION
    SELECT tenant_id, period, metric, period_start FROM dropped
),
entries AS (
    SELECT l.tenant_id, l.period, l.metric, l.period_start, l.athlete_id, l.value, l.version
    FROM gamification.leaderboards l
    JOIN boards b USING (tenant_id, period, metric, period_start)
    WHERE l.athlete_id <> ALL(%(touched)s::uuid[])
    UNION ALL
    SELECT * FROM fresh
),
written AS (
    INSERT INTO gamification.leaderboards AS t
        (tenant_id, period, metric, period_start, athlete_id, value, rank, version)
    SELECT tenant_id, period, metric, period_start, athlete_id, value,
           rank() OVER (PARTITION BY tenant_id, period, metric, period_start
                        ORDER BY value DESC)::integer,
           version
    FROM entries
    ON CONFLICT (tenant_id, period, metric, period_start, athlete_id) DO UPDATE
    SET value = EXCLUDED.value, rank = EXCLUDED.rank, version = EXCLUDED.version
    WHERE (t.value, t.rank, t.version)
        IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.rank, EXCLUDED.version)
    RETURNING 1
)
SELECT (SELECT count(*) FROM dropped) + (SELECT count(*) FROM written)
"""


def sync_boards(conn: Connection, totals: pl.DataFrame, touched: Sequence[str], bound: date) -> int:
    """Merge ``touched`` athletes' ``totals`` (boards from ``bound`` on); rows written.

    ``totals`` has ``TOTAL_COLUMNS`` and holds every board entry of those athletes from
    ``bound`` on; their stored entries from then on that it lacks are deleted.
    """
    params: dict[str, object] = {c: totals.get_column(c).to_list() for c in TOTAL_COLUMNS}
    params |= {"touched": list(touched), "bound": bound}
    row = conn.execute(_SYNC, params).fetchone()
    return int(row[0]) if row else 0
