"""What a viewer may see of an athlete and their activities: the one decision every read makes.

The rule lives in the database, as ``social.audience_admits`` (migration ``s001``), and is
applied by two published functions: ``social.visible_activities(viewer, tenant)``, the
activities a viewer may see with the fields their owners hide already blanked, and
``social.sees_athlete(viewer, tenant, athlete, athlete_tenant, audience)``. Every read path of
social (an activity, an athlete's list, the feed, a club feed, kudos and comments) reads from
them, and so do other contexts (search, leaderboards, exports, webhooks) through this module:

- ``VISIBLE_ACTIVITIES`` is the FROM item to select activities from, with ``%(viewer)s`` and
  ``%(viewer_tenant)s`` as its parameters (``viewer_params`` gives them);
- ``sees_athletes`` tells which athletes' figures (leaderboard entries, profiles) a viewer
  may see, and ``sees_athlete_sql`` is the same test as a condition of a query's own.

The rules, in words: nobody outside the athlete's tenant, and no anonymous viewer, sees
anything. The owner sees everything. A blocked viewer (either way round) sees nothing else of
the athlete. A public activity of a public account is seen by the whole tenant; a followers
activity, or any activity of a followers-only or private account, by the athlete's followers
(a private account approves each) and accepted coaches; an only-me activity by its owner.
Heart rate, power and the start time the owner hides, and the ends of a track inside their
privacy zone, are blanked for everyone but the owner.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import LiteralString

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.models import Principal
from fitconnect.platform.users import directory

Viewer = Principal | None
"""Who reads: a verified caller, or None for an anonymous one (who sees nothing)."""


class AccountVisibility(StrEnum):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    PRIVATE = "private"
    """Followers only, and each follower approved."""


class ActivityVisibility(StrEnum):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    ONLY_ME = "only_me"


class Audience(StrEnum):
    """Whom something of an athlete's is shared with, for ``sees_athletes``."""

    TENANT = "tenant"
    """The athlete's name and profile: everyone of the tenant they have not blocked."""
    PUBLIC = "public"
    """Their figures (a leaderboard entry): as a public activity."""


VISIBLE_ACTIVITIES: LiteralString = (
    "social.visible_activities(%(viewer)s::uuid, %(viewer_tenant)s::uuid)"
)
"""The FROM item of the activities a viewer may see. Its columns: id, tenant_id, athlete_id,
title, description, sport, visibility, sort_ts (the start, for ordering only: never shown),
start_ts (None when hidden), start_day, duration_s, moving_time_s, distance_m, avg_speed_kmh,
avg/max_heart_rate_bpm, avg/max_power_w (None when hidden), tss, calories_kcal,
start_lat/start_lon/end_lat/end_lon (None inside the privacy zone), created_at."""


def sees_athlete_sql(
    athlete: LiteralString, tenant: LiteralString, audience: Audience
) -> LiteralString:
    """A condition (for a WHERE) that the viewer (``%(viewer)s``, ``%(viewer_tenant)s``) may
    see what the athlete in column ``athlete`` of tenant column ``tenant`` shares with
    ``audience``: for a read that filters many rows in its own statement (a leaderboard)."""
    return (
        f"social.sees_athlete(%(viewer)s::uuid, %(viewer_tenant)s::uuid, {athlete}, {tenant},"
        f" '{audience.value}')"
    )


def viewer_params(viewer: Viewer) -> dict[str, uuid.UUID | None]:
    """The parameters ``VISIBLE_ACTIVITIES`` takes, for ``viewer``."""
    if viewer is None:
        return {"viewer": None, "viewer_tenant": None}
    return {"viewer": viewer.account_id, "viewer_tenant": viewer.tenant_id}


async def sees_athletes(
    pool: AsyncConnectionPool,
    viewer: Viewer,
    athletes: list[uuid.UUID],
    audience: Audience,
) -> set[uuid.UUID]:
    """The athletes among ``athletes`` (of any tenant: the users directory says whose) of whom
    the viewer may see what is shared with ``audience``, in two statements."""
    if viewer is None or not athletes:
        return set()
    tenant = list(await directory.summaries(pool, viewer.tenant_id, athletes))
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT a FROM unnest(%(athletes)s::uuid[]) AS a"
            " WHERE social.sees_athlete(%(viewer)s, %(viewer_tenant)s, a, %(viewer_tenant)s,"
            "   %(audience)s)",
            {"athletes": tenant, "audience": audience.value, **viewer_params(viewer)},
        )
        return {row[0] for row in await cur.fetchall()}
