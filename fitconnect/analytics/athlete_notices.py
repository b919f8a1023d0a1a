"""What a run tells an athlete: a higher FTP estimate, a new record, a badge, a level.

Raised in the run's transaction (``enqueue_sync``) from the rows it is about to store,
compared with those stored before it: only a change is news. A recompute finds the same
events again and queues nothing (each has a stable event key), and an event from a session
older than ``RECENT`` (history imported today) is not news either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from fitconnect.analytics import repository as repo
from fitconnect.analytics.gamification.badges import BADGES
from fitconnect.platform.notifications.service import NotificationKind, enqueue_sync

RECENT = timedelta(days=7)
_BADGE_NAMES = {b.id: b.name for b in BADGES}
_RECORD_NAMES = {
    "mmp_5s": ("5 s power", "W"),
    "mmp_60s": ("1 min power", "W"),
    "mmp_300s": ("5 min power", "W"),
    "mmp_1200s": ("20 min power", "W"),
    "mmp_3600s": ("1 h power", "W"),
    "distance_m": ("longest distance", "m"),
    "moving_time_s": ("longest moving time", "s"),
    "work_kj": ("most work", "kJ"),
}


@dataclass(frozen=True, slots=True)
class Stored:
    """What the athletes had before this run."""

    levels: dict[str, int]
    badges: set[tuple[str, str]]
    records: dict[tuple[str, str], float]


def stored(conn: repo.Connection, athletes: list[str]) -> Stored:
    levels = conn.execute(
        "SELECT athlete_id::text, level FROM gamification.athlete_progress"
        " WHERE athlete_id = ANY(%s::uuid[])",
        (athletes,),
    ).fetchall()
    badges = conn.execute(
        "SELECT athlete_id::text, badge_id FROM gamification.badge_awards"
        " WHERE athlete_id = ANY(%s::uuid[])",
        (athletes,),
    ).fetchall()
    records = conn.execute(
        "SELECT athlete_id::text, metric, value FROM analytics.personal_records"
        " WHERE athlete_id = ANY(%s::uuid[])",
        (athletes,),
    ).fetchall()
    return Stored(
        levels={a: int(level) for a, level in levels},
        badges={(a, b) for a, b in badges},
        records={(a, m): float(v) for a, m, v in records},
    )


def _rows(rows: list[dict[str, Any]] | pl.DataFrame) -> list[dict[str, Any]]:
    return list(rows.iter_rows(named=True)) if isinstance(rows, pl.DataFrame) else rows


def notify(
    conn: repo.Connection,
    tables: dict[str, list[dict[str, Any]] | pl.DataFrame],
    before: Stored,
    now: datetime | None = None,
) -> int:
    """Queue the notifications of what changed; how many were queued."""
    since = (now or datetime.now(UTC)) - RECENT
    queued = 0

    def send(athlete: str, kind: NotificationKind, data: dict[str, Any], key: str) -> None:
        nonlocal queued
        queued += enqueue_sync(conn, uuid.UUID(athlete), kind, data, event_key=key)

    for r in _rows(tables.get("analytics.ftp_estimates", [])):
        if r["rose"] and r["previous_w"] is not None and r["at"] >= since:
            data = {"old_ftp_w": round(r["previous_w"]), "new_ftp_w": round(r["ftp_estimate_w"])}
            send(r["athlete_id"], NotificationKind.FTP_UP, data, f"ftp:{r['at'].isoformat()}")
    for r in _rows(tables.get("analytics.personal_records", [])):
        old = before.records.get((r["athlete_id"], r["metric"]))
        if old is not None and r["value"] > old and r["achieved_at"] >= since:
            name, unit = _RECORD_NAMES.get(r["metric"], (r["metric"], ""))
            data = {"record": name, "value": f"{r['value']:.0f} {unit}".strip()}
            key = f"record:{r['metric']}:{r['achieved_at'].isoformat()}"
            send(r["athlete_id"], NotificationKind.PERSONAL_RECORD, data, key)
    for r in _rows(tables.get("gamification.badge_awards", [])):
        new = (r["athlete_id"], r["badge_id"]) not in before.badges
        if new and r["awarded_at"] >= since:
            data = {"badge_name": _BADGE_NAMES.get(r["badge_id"], r["badge_id"])}
            send(r["athlete_id"], NotificationKind.BADGE_EARNED, data, f"badge:{r['badge_id']}")
    for r in _rows(tables.get("gamification.athlete_progress", [])):
        if r["level"] > before.levels.get(r["athlete_id"], 1):
            key = f"level:{r['level']}"
            send(r["athlete_id"], NotificationKind.LEVEL_UP, {"level": r["level"]}, key)
    return queued
