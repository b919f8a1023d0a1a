"""The feed benchmark: one feed page (fan-out on read, as the service reads it) against the
same page read from a feed materialised at write time (fan-out on write), same run, same data.

A scratch database gets one tenant of ``athletes`` athletes, each following ``follows`` others
at random, each with ``per_athlete`` activities over the last 100 days; then ``pages`` first
pages of random viewers' feeds are timed both ways (the fan-out-on-write table is built for
the measured viewers only, and read through the same visibility function).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import psycopg

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.db import open_pool
from fitconnect.platform.db.scratch import scratch_database
from fitconnect.platform.social.activities import ActivityService
from fitconnect.platform.social.visibility import VISIBLE_ACTIVITIES
from fitconnect.settings import DatabaseSettings

_FANOUT_PAGE = (
    "SELECT a.id FROM bench_feed_items f JOIN "  # noqa: S608 - constants joined, no input
    + VISIBLE_ACTIVITIES
    + " AS a ON a.id = f.activity_id WHERE f.viewer = %(viewer)s"
    " ORDER BY f.sort_ts DESC, f.activity_id DESC LIMIT 21"
)


@dataclass(frozen=True, slots=True)
class SocialBenchResult:
    athletes: int
    follows: int
    activities: int
    pages: int
    feed_p50_ms: float
    feed_p99_ms: float
    fanout_write_p50_ms: float
    fanout_write_p99_ms: float

    @property
    def read_over_write(self) -> float:
        return round(self.feed_p99_ms / self.fanout_write_p99_ms, 2)

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "read_over_write": self.read_over_write}


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _seed(url: str, athletes: int, follows: int, per_athlete: int, viewers: int) -> list[Principal]:
    rng = random.Random(15)  # noqa: S311 - data, not secrets
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        tenant = conn.execute(
            "INSERT INTO users.tenants (slug, name) VALUES ('bench', 'Bench') RETURNING id"
        ).fetchone()
        assert tenant is not None  # noqa: S101 - RETURNING
        ids = [uuid.uuid4() for _ in range(athletes)]
        with conn.cursor().copy(
            "COPY users.accounts (id, tenant_id, email, password_hash, role, display_name)"
            " FROM STDIN"
        ) as copy:
            for i, a in enumerate(ids):
                copy.write_row((a, tenant[0], f"a{i}@bench.test", "x", "athlete", f"A {i}"))
        with conn.cursor().copy("COPY social.follows (follower_id, followee_id) FROM STDIN") as c:
            for a in ids:
                for b in rng.sample([x for x in ids if x != a], follows):
                    c.write_row((a, b))
        with conn.cursor().copy(
            "COPY social.activities (id, tenant_id, athlete_id, title, visibility, start_ts,"
            " duration_s, moving_time_s, figures_at) FROM STDIN"
        ) as c:
            for a in ids:
                for _ in range(per_athlete):
                    start = now - timedelta(seconds=rng.uniform(0, 100 * 86400))
                    visibility = rng.choice(("public", "public", "followers", "only_me"))
                    c.write_row(
                        (uuid.uuid4(), tenant[0], a, "Ride", visibility, start, 3600, 3500, now)
                    )
        measured = rng.sample(ids, viewers)
        conn.execute(
            "CREATE TABLE bench_feed_items (viewer uuid, sort_ts timestamptz, activity_id uuid,"
            " PRIMARY KEY (viewer, sort_ts, activity_id))"
        )
        conn.execute(
            "INSERT INTO bench_feed_items SELECT v, a.start_ts, a.id FROM unnest(%s::uuid[]) v"
            " JOIN social.activities a ON a.athlete_id = v OR a.athlete_id IN"
            " (SELECT followee_id FROM social.follows WHERE follower_id = v)",
            (measured,),
        )
        conn.execute("ANALYZE")
    return [Principal(v, tenant[0], Role.ATHLETE) for v in measured]


def run_social_bench(
    server_url: str,
    say: Callable[[str], None],
    *,
    athletes: int = 1000,
    follows: int = 200,
    per_athlete: int = 30,
    pages: int = 1000,
) -> SocialBenchResult:
    with scratch_database(server_url, "fc_bench_social") as url:
        say(f"seeding {athletes} athletes x {follows} follows x {per_athlete} activities")
        viewers = _seed(url, athletes, follows, per_athlete, min(100, athletes))
        result = asyncio.run(_measure(url, viewers, pages))
    return SocialBenchResult(athletes, follows, athletes * per_athlete, pages, *result)


async def _measure(
    url: str, viewers: list[Principal], pages: int
) -> tuple[float, float, float, float]:
    """p50 and p99 of the feed read, then of the fanned-out read (ms)."""
    pool = await open_pool(url, DatabaseSettings())
    service = ActivityService(pool)
    read, write = [], []
    try:
        for i in range(pages + 50):  # the first 50 warm the caches
            viewer = viewers[i % len(viewers)]
            began = time.perf_counter()
            await service.feed(viewer, 20, None)
            took = (time.perf_counter() - began) * 1000
            began = time.perf_counter()
            async with pool.connection() as conn:
                await conn.execute(
                    _FANOUT_PAGE, {"viewer": viewer.account_id, "viewer_tenant": viewer.tenant_id}
                )
            if i >= 50:
                read.append(took)
                write.append((time.perf_counter() - began) * 1000)
    finally:
        await pool.close()
    return (
        round(_p(read, 50), 2),
        round(_p(read, 99), 2),
        round(_p(write, 50), 2),
        round(_p(write, 99), 2),
    )
