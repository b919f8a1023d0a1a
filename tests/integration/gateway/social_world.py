"""A tenant of athletes around three owners (public, followers-only and private accounts),
each with a public, a followers and an only-me activity, and a viewer of every kind: what the
social visibility tests read, built once per module through the real app."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from fastapi.testclient import TestClient

from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.db import open_pool
from fitconnect.platform.social.activities import import_sessions
from fitconnect.settings import DatabaseSettings

from .support import PASSWORD, gql, invitation

OWNER = "owner"
FOLLOWER = "follower"
NON_FOLLOWER = "non_follower"
BLOCKED = "blocked"
COACH = "coach"
OTHER_TENANT = "other_tenant"
ANONYMOUS = "anonymous"
VIEWERS = (OWNER, FOLLOWER, NON_FOLLOWER, BLOCKED, COACH, OTHER_TENANT, ANONYMOUS)
ACCOUNTS = ("PUBLIC", "FOLLOWERS", "PRIVATE")
ACTIVITIES = ("PUBLIC", "FOLLOWERS", "ONLY_ME")


def expected(viewer: str, account: str, activity: str) -> bool:
    """The rules as a user reads them (written here, apart from the code that applies them)."""
    if viewer == OWNER:
        return True
    if viewer in {OTHER_TENANT, ANONYMOUS, BLOCKED} or activity == "ONLY_ME":
        return False
    if viewer in {FOLLOWER, COACH}:
        return True
    return account == "PUBLIC" and activity == "PUBLIC"


def expected_figures(viewer: str, account: str) -> bool:
    """Whether an owner's leaderboard entry shows (their figures are as a public activity)."""
    return expected(viewer, account, "PUBLIC")


@dataclass
class Person:
    token: str
    id: str
    tenant: str
    role: Role = Role.ATHLETE

    @property
    def principal(self) -> Principal:
        return Principal(uuid.UUID(self.id), uuid.UUID(self.tenant), self.role)


@dataclass
class World:
    prefix: str
    owners: dict[str, Person] = field(default_factory=dict)  # by account visibility
    viewers: dict[str, Person] = field(default_factory=dict)  # all but owner and anonymous
    activities: dict[tuple[str, str], str] = field(default_factory=dict)  # (account, activity)
    club: str = ""

    def viewer(self, kind: str, account: str) -> Person | None:
        """The person reading as ``kind`` (the owner is the account's owner; anonymous: None)."""
        if kind == ANONYMOUS:
            return None
        return self.owners[account] if kind == OWNER else self.viewers[kind]

    def owner_of(self, activity_id: str) -> str:
        return next(acc for (acc, _), a in self.activities.items() if a == activity_id)


def join(
    client: TestClient, email: str, owner: str | None, role: str = "ATHLETE", name: str = "Ann"
) -> Person:
    body = gql(
        client,
        "mutation($e: String!, $p: String!, $r: Role!, $i: String, $n: String!) {"
        " register(email: $e, password: $p, displayName: $n, role: $r, invitation: $i) { id } }",
        e=email,
        p=PASSWORD,
        r=role,
        n=name,
        i=invitation(client, owner, role) if owner else None,
    )
    assert "errors" not in body, body
    token = gql(
        client,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=email,
        p=PASSWORD,
    )["data"]["login"]["accessToken"]
    me = gql(client, "{ me { id tenantId } }", token)["data"]["me"]
    return Person(token, me["id"], me["tenantId"], Role(role.lower()))


def add_session(database_url: str, athlete: Person, start: datetime, **figures: float) -> str:
    """What the analytics job stores for one finished session; returns its id."""
    session = uuid.uuid4()
    columns = {"avg_heart_rate_bpm": 140.0, "avg_power_w": 210.0, "distance_m": 30_000.0}
    columns |= figures
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
            " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s, tss,"
            " plausible, version, avg_heart_rate_bpm, avg_power_w, distance_m)"
            " VALUES (%s, ARRAY[%s]::uuid[], %s, %s, %s, %s, false, %s, %s, 3600, 3500, 50,"
            " true, 1, %s, %s, %s)",
            (
                session,
                session,
                session,
                start,
                athlete.id,
                athlete.tenant,
                start,
                start + timedelta(hours=1),
                columns["avg_heart_rate_bpm"],
                columns["avg_power_w"],
                columns["distance_m"],
            ),
        )
    return str(session)


def run_import(database_url: str) -> int:
    async def run() -> int:
        pool = await open_pool(database_url, DatabaseSettings())
        try:
            return await import_sessions(pool)
        finally:
            await pool.close()

    return asyncio.run(run())


def ok(body: Any) -> Any:
    assert "errors" not in body, body
    return body["data"]


def build(client: TestClient, database_url: str) -> World:
    w = World(prefix=uuid.uuid4().hex[:8])
    first = join(client, f"{w.prefix}.public@example.com", None, name="Pia Public")
    w.owners["PUBLIC"] = first
    w.owners["FOLLOWERS"] = join(
        client, f"{w.prefix}.followers@example.com", first.token, name="Fay Followers"
    )
    w.owners["PRIVATE"] = join(
        client, f"{w.prefix}.private@example.com", first.token, name="Pri Private"
    )
    for kind in (FOLLOWER, NON_FOLLOWER, BLOCKED):
        w.viewers[kind] = join(client, f"{w.prefix}.{kind}@example.com", first.token, name=kind)
    w.viewers[COACH] = join(client, f"{w.prefix}.coach@example.com", first.token, "COACH", "Coach")
    w.viewers[OTHER_TENANT] = join(client, f"{w.prefix}.other@example.com", None, name="Oth")
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    for i, (account, owner) in enumerate(w.owners.items()):
        ok(
            gql(
                client,
                "mutation($v: AccountVisibility!) { updatePrivacy(changes: {visibility: $v})"
                " { visibility } }",
                owner.token,
                v=account,
            )
        )
        for j, activity in enumerate(ACTIVITIES):
            w.activities[(account, activity)] = add_session(
                database_url, owner, start + timedelta(hours=3 * i + j)
            )
    assert run_import(database_url) == len(w.activities)
    for (account, activity), activity_id in w.activities.items():
        ok(
            gql(
                client,
                "mutation($id: UUID!, $v: ActivityVisibility!) {"
                " updateActivity(id: $id, changes: {visibility: $v}) { visibility } }",
                w.owners[account].token,
                id=activity_id,
                v=activity,
            )
        )
    follower, blocked, coach = w.viewers[FOLLOWER], w.viewers[BLOCKED], w.viewers[COACH]
    club = ok(
        gql(
            client, "mutation($n: String!) { createClub(name: $n) { id } }", first.token, n=w.prefix
        )
    )
    w.club = club["createClub"]["id"]
    for person in [*w.owners.values(), follower, w.viewers[NON_FOLLOWER], blocked, coach]:
        gql(client, "mutation($c: UUID!) { joinClub(clubId: $c) { id } }", person.token, c=w.club)
    for account, owner in w.owners.items():
        follows = ok(
            gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", follower.token, a=owner.id)
        )
        assert follows["follow"] is (account != "PRIVATE")  # a private account approves
        ok(gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", blocked.token, a=owner.id))
        ok(
            gql(
                client,
                "mutation($e: String!) { inviteAthlete(email: $e) { status } }",
                coach.token,
                e=f"{w.prefix}.{account.lower()}@example.com",
            )
        )
        ok(
            gql(
                client,
                "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
                owner.token,
                c=coach.id,
            )
        )
        ok(
            gql(
                client,
                "mutation($a: UUID!) { blockAthlete(athleteId: $a) }",
                owner.token,
                a=blocked.id,
            )
        )
    private = w.owners["PRIVATE"].token
    requests = ok(gql(client, "{ followRequests { id } }", private))["followRequests"]
    assert {r["id"] for r in requests} == {follower.id}  # the blocked one's ended with the block
    ok(
        gql(
            client,
            "mutation($a: UUID!) { answerFollowRequest(athleteId: $a, approve: true) }",
            private,
            a=follower.id,
        )
    )
    return w
