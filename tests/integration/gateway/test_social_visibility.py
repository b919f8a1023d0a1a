"""The visibility matrix: each kind of viewer, account visibility and activity visibility, on
every read path — each cell asserted. What each viewer saw on each path is read once per module
(through the real app and services); each cell then checks one activity against the rules."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient

from fitconnect.errors import FitConnectError
from fitconnect.gateway.app import create_app
from fitconnect.platform.db import open_pool
from fitconnect.platform.social.activities import ActivityService
from fitconnect.settings import DatabaseSettings, Settings
from tests.keys import SECRET_KEY

from .social_world import (
    ACCOUNTS,
    ACTIVITIES,
    ANONYMOUS,
    OWNER,
    VIEWERS,
    Person,
    World,
    build,
    expected,
    expected_figures,
)
from .support import gql

pytestmark = pytest.mark.integration

Seen = set[str]  # the activity ids (or, on leaderboards, the athlete ids) a viewer saw


@pytest.fixture(scope="module")
def app_client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c


@pytest.fixture(scope="module")
def world(app_client: TestClient, database_url: str) -> World:
    w = build(app_client, database_url)
    monday = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
    with psycopg.connect(database_url) as conn:
        for rank, owner in enumerate(w.owners.values(), start=1):
            conn.execute(
                "INSERT INTO gamification.leaderboards VALUES (%s, 'week', 'distance_m', %s, %s,"
                " %s, %s, 1)",
                (owner.tenant, monday, owner.id, 1000.0 * rank, rank),
            )
    return w


def _headers(person: Person | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"} if person else {}


def _graphql(client: TestClient, person: Person | None, query: str, **variables: object) -> dict:
    body = gql(client, query, person.token if person else None, **variables)
    if person is None:
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    return body


def service_activity(_client: TestClient, w: World, person: Person | None, db: str) -> Seen:
    async def run() -> Seen:
        pool = await open_pool(db, DatabaseSettings())
        svc, seen = ActivityService(pool), set()
        try:
            for activity_id in w.activities.values():
                try:
                    await svc.activity(person.principal if person else None, uuid.UUID(activity_id))
                    seen.add(activity_id)
                except FitConnectError:
                    pass
            for owner in w.owners.values():
                page = await svc.athlete_activities(
                    person.principal if person else None, uuid.UUID(owner.id), 50, None
                )
                assert {str(a.id) for a in page.items} == {
                    a for a in seen if w.owners[w.owner_of(a)] == owner
                }  # an athlete's list shows exactly what the activity read shows
        finally:
            await pool.close()
        return seen

    return asyncio.run(run())


def graphql_activity(client: TestClient, w: World, person: Person | None, _db: str) -> Seen:
    seen = set()
    for activity_id in w.activities.values():
        body = _graphql(
            client, person, "query($id: UUID!) { activity(id: $id) { id } }", id=activity_id
        )
        if body.get("data") and body["data"]["activity"]:
            seen.add(activity_id)
        elif person is not None:
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    return seen


def graphql_feed(client: TestClient, _w: World, person: Person | None, _db: str) -> Seen:
    """The feed, through GraphQL and REST alike (the same page, in the same order)."""
    body = _graphql(client, person, "{ feed(first: 100) { edges { node { title start } } } }")
    rest = client.get("/api/v1/feed?first=100", headers=_headers(person))
    if person is None:
        assert rest.status_code == 401
        return set()
    assert rest.status_code == 200, rest.text
    items = rest.json()["items"]
    assert [e["node"]["title"] for e in body["data"]["feed"]["edges"]] == [
        i["title"] for i in items
    ]
    return {item["id"] for item in items}


def rest_activity(client: TestClient, w: World, person: Person | None, _db: str) -> Seen:
    seen = set()
    for activity_id in w.activities.values():
        response = client.get(f"/api/v1/activities/{activity_id}", headers=_headers(person))
        if response.status_code == 200:
            seen.add(activity_id)
        else:
            assert response.status_code == (404 if person else 401), response.text
    return seen


def leaderboard(client: TestClient, _w: World, person: Person | None, _db: str) -> Seen:
    body = _graphql(client, person, "{ leaderboard(metric: DISTANCE_M) { athlete { id } } }")
    if person is None:
        return set()
    return {e["athlete"]["id"] for e in body["data"]["leaderboard"]}


PATHS: dict[str, Callable[[TestClient, World, Person | None, str], Seen]] = {
    "activity": service_activity,
    "graphql": graphql_activity,
    "feed": graphql_feed,
    "rest": rest_activity,
    "leaderboard": leaderboard,
}


@pytest.fixture(scope="module")
def seen(
    app_client: TestClient, world: World, database_url: str
) -> dict[tuple[str, str, str], Seen]:
    """What each viewer saw on each path: (path, viewer kind, account) → ids."""
    found = {}
    for path, read in PATHS.items():
        for kind in VIEWERS:
            for account in ACCOUNTS if kind == OWNER else ACCOUNTS[:1]:
                found[(path, kind, account)] = read(
                    app_client, world, world.viewer(kind, account), database_url
                )
    return found


def _in_feed(kind: str) -> bool:
    """Whose activities a feed holds: the caller's and the followed athletes' (the follower
    follows every owner; nobody else follows anyone)."""
    return kind in {OWNER, "follower"}


@pytest.mark.parametrize("activity", ACTIVITIES)
@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("path", PATHS)
def test_cell(  # noqa: PLR0917 - the cell's coordinates
    seen: dict[tuple[str, str, str], Seen],
    world: World,
    path: str,
    viewer: str,
    account: str,
    activity: str,
) -> None:
    saw = seen[(path, viewer, account if viewer == OWNER else ACCOUNTS[0])]
    if path == "leaderboard":
        assert (world.owners[account].id in saw) is expected_figures(viewer, account)
        return
    want = expected(viewer, account, activity)
    if path == "feed":
        want = want and _in_feed(viewer)
    assert (world.activities[(account, activity)] in saw) is want


def test_anonymous_sees_nothing_anywhere(seen: dict[tuple[str, str, str], Seen]) -> None:
    assert all(not ids for (_, kind, _), ids in seen.items() if kind == ANONYMOUS)
