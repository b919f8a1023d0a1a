"""Activities: a finished session as the athlete shares it, and every read of them.

Each session analytics publishes becomes an activity (``import_sessions``, run by the gateway's
worker): a default title from its sport and time of day, its summary figures, the public
visibility (capped by the account's). A recomputed session refreshes the figures and keeps
what the athlete wrote. Every read selects from ``visibility.VISIBLE_ACTIVITIES``, with the
kudos and comment counts in the same statement (no per-activity query).

Lists are newest first by (start, id); a page's cursor is its last activity's id (encoded, so
it says nothing of a start time the athlete hides): the next page starts after that activity's
place, so inserts never shift a page, and a cursor naming no activity the caller may see
(tampered, or of another caller) is refused.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import LiteralString

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.db.pages import MAX_PAGE, Page
from fitconnect.platform.db.rows import fetch_all, fetch_one
from fitconnect.platform.polling import every
from fitconnect.platform.social.errors import (
    ActivityNotFoundError,
    InvalidActivityError,
    InvalidFeedCursorError,
    NotActivityOwnerError,
)
from fitconnect.platform.social.visibility import (
    VISIBLE_ACTIVITIES,
    ActivityVisibility,
    Viewer,
    viewer_params,
)
from fitconnect.platform.training.sports import Sport, sport_sql

MAX_TITLE = 120
MAX_DESCRIPTION = 5000


@dataclass(frozen=True, slots=True)
class Activity:
    """An activity as one viewer may see it (hidden fields are None)."""

    id: uuid.UUID
    athlete_id: uuid.UUID
    title: str
    description: str
    sport: str | None
    visibility: str
    start_ts: datetime | None
    start_day: date
    duration_s: int
    moving_time_s: int
    distance_m: float | None
    avg_speed_kmh: float | None
    avg_heart_rate_bpm: float | None
    max_heart_rate_bpm: float | None
    avg_power_w: float | None
    max_power_w: float | None
    tss: float | None
    calories_kcal: float | None
    start_lat: float | None
    start_lon: float | None
    end_lat: float | None
    end_lon: float | None
    kudos: int
    comments: int
    kudoed_by_me: bool


@dataclass(frozen=True, slots=True)
class ActivityChange:
    """Only the fields given (not None) change."""

    title: str | None = None
    description: str | None = None
    visibility: ActivityVisibility | None = None


_ACTIVITY: LiteralString = (
    "SELECT a.id, a.athlete_id, a.title, a.description, a.sport, a.visibility, a.start_ts,"  # noqa: S608 - constants joined, no input
    " a.start_day, a.duration_s, a.moving_time_s, a.distance_m, a.avg_speed_kmh,"
    " a.avg_heart_rate_bpm, a.max_heart_rate_bpm, a.avg_power_w, a.max_power_w, a.tss,"
    " a.calories_kcal, a.start_lat, a.start_lon, a.end_lat, a.end_lon,"
    " (SELECT count(*)::int FROM social.kudos k WHERE k.activity_id = a.id) AS kudos,"
    " (SELECT count(*)::int FROM social.comments c WHERE c.activity_id = a.id) AS comments,"
    " EXISTS (SELECT 1 FROM social.kudos k WHERE k.activity_id = a.id"
    "   AND k.athlete_id = %(viewer)s) AS kudoed_by_me"
    " FROM " + VISIBLE_ACTIVITIES + " AS a"
)
_AFTER: LiteralString = (
    " AND (%(after)s::uuid IS NULL OR (a.sort_ts, a.id) <"
    "   (SELECT o.start_ts, o.id FROM social.activities o WHERE o.id = %(after)s))"
    " ORDER BY a.sort_ts DESC, a.id DESC LIMIT %(limit)s"
)

_PARTS_OF_DAY: tuple[tuple[int, LiteralString], ...] = (
    (5, "Night"),
    (11, "Morning"),
    (14, "Lunch"),
    (18, "Afternoon"),
    (22, "Evening"),
    (24, "Night"),
)
_NOUNS: dict[Sport, LiteralString] = {
    Sport.CYCLING: "ride",
    Sport.RUNNING: "run",
    Sport.ROWING: "row",
    Sport.SWIMMING: "swim",
    Sport.WALKING: "walk",
}


def _default_title_sql() -> LiteralString:
    """SQL of the default title of session ``s`` (with its ``sport``): "Morning ride"."""
    hour: LiteralString = "extract(hour FROM s.start_ts AT TIME ZONE 'UTC')"
    parts = " ".join(f"WHEN {hour} < {end} THEN '{name}'" for end, name in _PARTS_OF_DAY)
    nouns = " ".join(f"WHEN '{sport.value}' THEN '{noun}'" for sport, noun in _NOUNS.items())
    return f"(CASE {parts} END) || ' ' || (CASE s.sport {nouns} ELSE 'workout' END)"


# The session's sport is what its first device said when it started it (as training reads it).
_IMPORT: LiteralString = (
    "INSERT INTO social.activities AS t (id, tenant_id, athlete_id, session_id, title, sport,"  # noqa: S608 - constants joined, no input
    " start_ts, duration_s, moving_time_s, distance_m, avg_speed_kmh, avg_heart_rate_bpm,"
    " max_heart_rate_bpm, avg_power_w, max_power_w, tss, calories_kcal, figures_at)"
    " SELECT s.id, s.tenant_id, s.athlete_id, s.id, "
    + _default_title_sql()
    + ", s.sport, s.start_ts, s.duration_s, s.moving_time_s, s.distance_m, s.avg_speed_kmh,"
    " s.avg_heart_rate_bpm, s.max_heart_rate_bpm, s.avg_power_w, s.max_power_w, s.tss,"
    " s.calories_kcal, s.computed_at"
    " FROM (SELECT s.*, "
    + sport_sql("device_sport")
    + " AS sport FROM (SELECT s.*, (SELECT e.sport FROM telemetry.published_device_events e"
    "   WHERE e.device_id = ANY(s.devices) AND e.ts BETWEEN s.start_ts AND s.end_ts"
    "     AND e.kind = 'session_start' ORDER BY e.ts, e.device_id LIMIT 1) AS device_sport"
    "   FROM analytics.published_sessions s"
    "   WHERE s.computed_at >= coalesce("
    "     (SELECT max(figures_at) FROM social.activities), '-infinity')) AS s) AS s"
    " ON CONFLICT (id) DO UPDATE SET"
    " title = CASE WHEN t.title_edited THEN t.title ELSE EXCLUDED.title END,"
    " sport = EXCLUDED.sport, start_ts = EXCLUDED.start_ts, duration_s = EXCLUDED.duration_s,"
    " moving_time_s = EXCLUDED.moving_time_s, distance_m = EXCLUDED.distance_m,"
    " avg_speed_kmh = EXCLUDED.avg_speed_kmh, avg_heart_rate_bpm = EXCLUDED.avg_heart_rate_bpm,"
    " max_heart_rate_bpm = EXCLUDED.max_heart_rate_bpm, avg_power_w = EXCLUDED.avg_power_w,"
    " max_power_w = EXCLUDED.max_power_w, tss = EXCLUDED.tss,"
    " calories_kcal = EXCLUDED.calories_kcal, figures_at = EXCLUDED.figures_at"
    " WHERE t.figures_at < EXCLUDED.figures_at"
)


async def import_sessions(pool: AsyncConnectionPool) -> int:
    """Make the sessions computed since the last import activities (or refresh their figures);
    how many activities changed. Idempotent: a session already imported as it is now is left."""
    async with pool.connection() as conn:
        cur = await conn.execute(_IMPORT)
        return max(cur.rowcount, 0)


def activity_cursor(activity_id: uuid.UUID) -> str:
    """The opaque cursor of an activity's place in a list."""
    return base64.urlsafe_b64encode(activity_id.bytes).decode().rstrip("=")


def _cursor_id(cursor: str) -> uuid.UUID:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return uuid.UUID(bytes=raw)
    except (ValueError, binascii.Error) as exc:
        raise InvalidFeedCursorError(f"{cursor!r} is not a cursor of this list") from exc


class ActivityService:
    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def activity(self, viewer: Viewer, activity_id: uuid.UUID) -> Activity:
        """One activity as ``viewer`` may see it; ``ActivityNotFoundError`` when they may not."""
        found = await fetch_one(
            self._pool,
            Activity,
            _ACTIVITY + " WHERE a.id = %(id)s",
            {"id": activity_id, **viewer_params(viewer)},
        )
        if found is None:
            raise ActivityNotFoundError(f"no activity {activity_id}")
        return found

    async def by_ids(self, viewer: Viewer, ids: list[uuid.UUID]) -> dict[uuid.UUID, Activity]:
        """The activities among ``ids`` the viewer may see, in one statement."""
        found = await fetch_all(
            self._pool,
            Activity,
            _ACTIVITY + " WHERE a.id = ANY(%(ids)s)",
            {"ids": ids, **viewer_params(viewer)},
        )
        return {a.id: a for a in found}

    async def athlete_activities(
        self, viewer: Viewer, athlete_id: uuid.UUID, first: int, after: str | None
    ) -> Page[Activity]:
        """An athlete's activities the viewer may see, newest first."""
        return await self._page(
            viewer, " WHERE a.athlete_id = %(athlete)s", first, after, athlete=athlete_id
        )

    async def feed(self, viewer: Principal, first: int, after: str | None) -> Page[Activity]:
        """The caller's own and followed athletes' activities, newest first (fan-out on read:
        docs/performance.md has the measurement that chose it)."""
        return await self._page(
            viewer,
            " WHERE (a.athlete_id = %(viewer)s OR a.athlete_id IN"
            "  (SELECT f.followee_id FROM social.follows f WHERE f.follower_id = %(viewer)s))",
            first,
            after,
        )

    async def club_feed(
        self, viewer: Principal, club_id: uuid.UUID, first: int, after: str | None
    ) -> Page[Activity]:
        """The activities of a club's members the viewer may see (the caller checked they are a
        member), newest first."""
        return await self._page(
            viewer,
            " WHERE a.athlete_id IN"
            "  (SELECT m.athlete_id FROM social.club_members m WHERE m.club_id = %(club)s)",
            first,
            after,
            club=club_id,
        )

    async def _page(
        self, viewer: Viewer, where: LiteralString, first: int, after: str | None, **params: object
    ) -> Page[Activity]:
        anchor = None
        if after is not None:
            anchor = _cursor_id(after)
            if not await self.by_ids(viewer, [anchor]):
                raise InvalidFeedCursorError(f"{after!r} is not a cursor of this list")
        limit = min(max(first, 1), MAX_PAGE)
        rows = await fetch_all(
            self._pool,
            Activity,
            _ACTIVITY + where + _AFTER,
            {"after": anchor, "limit": limit + 1, **viewer_params(viewer), **params},
        )
        return Page(rows[:limit], has_next=len(rows) > limit, has_previous=anchor is not None)

    async def update(
        self, owner: Principal, activity_id: uuid.UUID, change: ActivityChange
    ) -> Activity:
        """Change the title, description or visibility of one of the caller's activities."""
        values: dict[str, object] = {}
        if change.title is not None:
            title = change.title.strip()
            if not 1 <= len(title) <= MAX_TITLE:
                raise InvalidActivityError(f"a title has 1 to {MAX_TITLE} characters")
            values["title"] = title
        if change.description is not None:
            if len(change.description) > MAX_DESCRIPTION:
                raise InvalidActivityError(
                    f"a description has at most {MAX_DESCRIPTION} characters"
                )
            values["description"] = change.description
        if change.visibility is not None:
            values["visibility"] = ActivityVisibility(change.visibility).value
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE social.activities SET"
                " title = coalesce(%(title)s, title),"
                " title_edited = title_edited OR %(title)s::text IS NOT NULL,"
                " description = coalesce(%(description)s, description),"
                " visibility = coalesce(%(visibility)s, visibility)"
                " WHERE id = %(id)s AND athlete_id = %(owner)s AND tenant_id = %(tenant)s",
                {
                    "title": values.get("title"),
                    "description": values.get("description"),
                    "visibility": values.get("visibility"),
                    "id": activity_id,
                    "owner": owner.account_id,
                    "tenant": owner.tenant_id,
                },
            )
            changed = cur.rowcount == 1
        if not changed:
            await self.activity(owner, activity_id)  # not found unless the caller sees it
            raise NotActivityOwnerError("only an activity's athlete changes it")
        return await self.activity(owner, activity_id)


async def run_activity_worker(
    pool: AsyncConnectionPool, stop: asyncio.Event, poll_s: float = 5.0
) -> None:
    """Turn newly computed sessions into activities every ``poll_s`` until ``stop``."""

    async def step() -> bool:
        await import_sessions(pool)
        return False  # one statement imports everything new

    await every(poll_s, stop, step)
