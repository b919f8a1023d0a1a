"""Relay conventions: lists are connections with opaque, unique cursors; sessions and
notifications are nodes found by their global id."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from .support import deliver, gql, nodes, register_and_login, register_coach

pytestmark = pytest.mark.integration

PAGE = (
    "query($first: Int, $after: String, $last: Int, $before: String) {"
    " sessions(first: $first, after: $after, last: $last, before: $before) {"
    " edges { cursor node { id start } } pageInfo { hasNextPage hasPreviousPage endCursor"
    " startCursor } } }"
)


def add_sessions(database_url: str, device: str, starts: list[datetime]) -> None:
    with psycopg.connect(database_url) as conn:
        for begin in starts:
            conn.execute(
                "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
                " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s,"
                " plausible, version) SELECT gen_random_uuid(), ARRAY[id], id, %s, athlete_id,"
                " tenant_id, false, %s, %s, 600, 600, true, 1 FROM devices.devices WHERE id = %s",
                (begin, begin, begin + timedelta(minutes=10), device),
            )


def athlete_with_sessions(client: TestClient, database_url: str, email: str) -> tuple[str, int]:
    """An athlete with seven sessions, three of them starting at the same instant."""
    token = register_and_login(client, email)["accessToken"]
    device = gql(
        client, 'mutation { registerDevice(name: "bike", kind: POWER) { device { id } } }', token
    )["data"]["registerDevice"]["device"]["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    starts = [now - timedelta(days=d) for d in (1, 2, 2, 2, 3, 4, 5)]
    add_sessions(database_url, device, starts)
    return token, len(starts)


def walk(client: TestClient, token: str, **page: Any) -> list[str]:
    """Every session id, page after page (forward with first, backward with last)."""
    seen: list[str] = []
    cursor: str | None = None
    backward = "last" in page
    for _ in range(20):
        args = {**page, ("before" if backward else "after"): cursor}
        body = gql(client, PAGE, token, **args)
        assert "errors" not in body, body
        found = body["data"]["sessions"]
        ids = [n["id"] for n in nodes(found)]
        seen = ids + seen if backward else seen + ids
        info = found["pageInfo"]
        if not (info["hasPreviousPage"] if backward else info["hasNextPage"]):
            return seen
        cursor = info["startCursor"] if backward else info["endCursor"]
    raise AssertionError("the pages never ended")


def test_pages_of_sessions_with_equal_starts_neither_skip_nor_repeat(
    client: TestClient, database_url: str
) -> None:
    token, count = athlete_with_sessions(client, database_url, "pages@example.com")

    forward = walk(client, token, first=2)
    backward = walk(client, token, last=2)
    everything = [n["id"] for n in nodes(gql(client, PAGE, token, first=50)["data"]["sessions"])]

    assert len(forward) == count
    assert len(set(forward)) == count
    assert forward == everything  # newest first, in one order
    assert backward == everything


def test_a_session_and_a_notification_are_found_by_their_global_id(
    client: TestClient, database_url: str
) -> None:
    token, _ = athlete_with_sessions(client, database_url, "nodes@example.com")
    deliver(database_url)
    session = nodes(gql(client, PAGE, token, first=1)["data"]["sessions"])[0]
    note = nodes(
        gql(client, "{ notifications { edges { node { id title } } } }", token)["data"][
            "notifications"
        ]
    )[0]
    query = (
        "query($id: ID!) { node(id: $id) { __typename id"
        " ... on Session { start } ... on Notification { title read } } }"
    )

    found = gql(client, query, token, id=session["id"])["data"]["node"]
    inbox = gql(client, query, token, id=note["id"])["data"]["node"]
    marked = gql(
        client,
        "mutation($id: ID!) { markNotificationRead(notificationId: $id) }",
        token,
        id=note["id"],
    )
    stranger = register_and_login(client, "stranger@example.com")["accessToken"]

    assert found == {"__typename": "Session", "id": session["id"], "start": session["start"]}
    assert inbox["__typename"] == "Notification"
    assert marked["data"]["markNotificationRead"] is True
    assert gql(client, query, token, id=note["id"])["data"]["node"]["read"] is True
    assert gql(client, query, stranger, id=session["id"])["data"]["node"] is None
    assert gql(client, query, stranger, id=note["id"])["data"]["node"] is None


def test_a_cursor_not_handed_out_is_refused(client: TestClient, database_url: str) -> None:
    token, _ = athlete_with_sessions(client, database_url, "cursor@example.com")

    forged = gql(client, PAGE, token, first=2, after="bm90IGEgY3Vyc29y")
    both = gql(client, PAGE, token, first=2, last=2)

    assert forged["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert both["errors"][0]["extensions"]["code"] == "VALIDATION"


def test_a_coach_lists_a_linked_athletes_devices_read_only(client: TestClient) -> None:
    athlete = register_and_login(client, "owner.devices@example.com")["accessToken"]
    athlete_id = gql(client, "{ me { id } }", athlete)["data"]["me"]["id"]
    gql(
        client,
        'mutation { registerDevice(name: "strap", kind: HEART_RATE) { mqttPassword } }',
        athlete,
    )
    coach = register_coach(client, "devices.coach@example.com", invited_by=athlete)
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    query = "query($a: UUID) { devices(athleteId: $a) { edges { node { name kind } } } }"

    before = gql(client, query, coach, a=athlete_id)
    gql(client, 'mutation { inviteAthlete(email: "owner.devices@example.com") { status } }', coach)
    gql(
        client,
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        athlete,
        c=coach_id,
    )
    after = gql(client, query, coach, a=athlete_id)
    other = gql(client, query, coach, a=str(uuid.uuid4()))

    assert before["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert nodes(after["data"]["devices"]) == [{"name": "strap", "kind": "HEART_RATE"}]
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
