"""Activities as athletes share them: default titles, edits that survive a recompute, hidden
fields and the privacy zone, blocks, feed pages stable under inserts, and bad input refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from .social_world import Person, add_session, join, ok, run_import
from .support import gql

pytestmark = pytest.mark.integration

ACTIVITY = (
    "query($id: UUID!) { activity(id: $id) { title start startDay avgHeartRateBpm avgPowerW"
    " startPosition { lat lon } endPosition { lat lon } } }"
)
START = datetime(2026, 4, 6, 7, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def app_client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c


@pytest.fixture(scope="module")
def people(app_client: TestClient) -> dict[str, Person]:
    ann = join(app_client, "ann.act@example.com", None, name="Ann")
    bob = join(app_client, "bob.act@example.com", ann.token, name="Bob")
    out = join(app_client, "out.act@example.com", None, name="Out")
    ok(gql(app_client, "mutation($a: UUID!) { follow(athleteId: $a) }", bob.token, a=ann.id))
    return {"ann": ann, "bob": bob, "out": out}


def _title(database_url: str, activity: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT title FROM social.activities WHERE id = %s", (activity,))
        found = row.fetchone()
    assert found is not None
    return str(found[0])


def test_a_session_becomes_an_activity_whose_edited_title_survives_a_recompute(
    app_client: TestClient, database_url: str, people: dict[str, Person]
) -> None:
    ann = people["ann"]
    activity = add_session(database_url, ann, START)
    assert run_import(database_url) == 1
    assert run_import(database_url) == 0  # nothing new
    seen = ok(gql(app_client, ACTIVITY, people["bob"].token, id=activity))["activity"]
    assert seen["title"] == "Morning workout"  # 07:30 UTC, no device said which sport
    ok(
        gql(
            app_client,
            'mutation($id: UUID!) { updateActivity(id: $id, changes: {title: " Hill repeats ",'
            ' description: "5 x 4 min"}) { title } }',
            ann.token,
            id=activity,
        )
    )
    with psycopg.connect(database_url) as conn:  # analytics recomputes the session
        conn.execute(
            "UPDATE analytics.sessions SET distance_m = 31000, computed_at = now() WHERE id = %s",
            (activity,),
        )
    assert run_import(database_url) == 1
    rest = app_client.get(
        f"/api/v1/activities/{activity}", headers={"Authorization": f"Bearer {ann.token}"}
    ).json()
    assert (rest["title"], rest["description"], rest["distance_m"]) == (
        "Hill repeats",
        "5 x 4 min",
        31000,
    )


def test_hidden_fields_and_the_privacy_zone_are_blank_for_everyone_but_the_owner(
    app_client: TestClient, database_url: str, people: dict[str, Person]
) -> None:
    ann, bob = people["ann"], people["bob"]
    activity = add_session(database_url, ann, START + timedelta(days=1))
    run_import(database_url)
    with psycopg.connect(database_url) as conn:  # a track starting at home, ending 5 km away
        conn.execute(
            "UPDATE social.activities SET start_lat = 48.8566, start_lon = 2.3522,"
            " end_lat = 48.9016, end_lon = 2.3522 WHERE id = %s",
            (activity,),
        )
    ok(
        gql(
            app_client,
            "mutation { updatePrivacy(changes: {hideHeartRate: true, hideStartTime: true,"
            " homeLat: 48.8570, homeLon: 2.3530, zoneRadiusM: 500}) { zoneRadiusM } }",
            ann.token,
        )
    )
    try:
        theirs = ok(gql(app_client, ACTIVITY, bob.token, id=activity))["activity"]
        assert theirs["avgHeartRateBpm"] is None
        assert theirs["start"] is None
        assert theirs["startDay"] == "2026-04-07"
        assert theirs["avgPowerW"] == 210  # not hidden
        assert theirs["startPosition"] is None  # inside the zone
        assert theirs["endPosition"] == {"lat": 48.9016, "lon": 2.3522}
        rest = app_client.get(
            f"/api/v1/activities/{activity}", headers={"Authorization": f"Bearer {bob.token}"}
        ).json()
        assert (rest["avg_heart_rate_bpm"], rest["start_ts"], rest["start_lat"]) == (
            None,
            None,
            None,
        )
        mine = ok(gql(app_client, ACTIVITY, ann.token, id=activity))["activity"]
        assert mine["avgHeartRateBpm"] == 140
        assert mine["startPosition"] == {"lat": 48.8566, "lon": 2.3522}
        assert mine["start"] is not None
    finally:
        ok(
            gql(
                app_client,
                "mutation { updatePrivacy(changes: {hideHeartRate: false, hideStartTime: false,"
                " clearZone: true}) { zoneRadiusM } }",
                ann.token,
            )
        )


def test_feed_pages_are_stable_while_activities_arrive(
    app_client: TestClient, database_url: str, people: dict[str, Person]
) -> None:
    ann, bob = people["ann"], people["bob"]
    for day in range(10, 15):
        add_session(database_url, ann, START + timedelta(days=day))
    run_import(database_url)
    page = "query($a: String) { feed(first: 3, after: $a) { edges { cursor node { startDay } } } }"
    first = ok(gql(app_client, page, bob.token))["feed"]["edges"]
    add_session(database_url, ann, START + timedelta(days=30))  # a newer one arrives
    run_import(database_url)
    second = ok(gql(app_client, page, bob.token, a=first[-1]["cursor"]))["feed"]["edges"]
    days = [e["node"]["startDay"] for e in first + second]
    assert days == sorted(days, reverse=True)
    assert len(set(days)) == len(days)  # nothing repeated
    assert days[:3] == ["2026-04-20", "2026-04-19", "2026-04-18"]
    assert days[3] == "2026-04-17"  # the next page starts where the first ended


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ('{title: ""}', "VALIDATION"),
        ('{title: "   "}', "VALIDATION"),
        ("{title: $long}", "VALIDATION"),
        ("{description: $huge}", "VALIDATION"),
    ],
)
def test_bad_activity_edits_are_refused_and_change_nothing(
    app_client: TestClient, database_url: str, people: dict[str, Person], changes: str, code: str
) -> None:
    ann = people["ann"]
    activity = add_session(database_url, ann, START - timedelta(days=30))
    run_import(database_url)
    before = _title(database_url, activity)
    body = gql(
        app_client,
        "mutation($id: UUID!, $long: String, $huge: String) {"
        f" updateActivity(id: $id, changes: {changes}) {{ title }} }}",
        ann.token,
        id=activity,
        long="x" * 121,
        huge="y" * 5001,
    )
    assert body["errors"][0]["extensions"]["code"] == code
    assert _title(database_url, activity) == before


def test_nobody_but_the_owner_edits_and_other_tenants_ids_are_not_found(
    app_client: TestClient, database_url: str, people: dict[str, Person]
) -> None:
    ann = people["ann"]
    activity = add_session(database_url, ann, START - timedelta(days=40))
    run_import(database_url)
    edit = 'mutation($id: UUID!) { updateActivity(id: $id, changes: {title: "Mine"}) { title } }'
    by_bob = gql(app_client, edit, people["bob"].token, id=activity)
    assert by_bob["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    by_out = gql(app_client, edit, people["out"].token, id=activity)
    assert by_out["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    rest = app_client.patch(
        f"/api/v1/activities/{activity}",
        json={"title": "Mine"},
        headers={"Authorization": f"Bearer {people['out'].token}"},
    )
    assert (rest.status_code, rest.json()["error"]["code"]) == (404, "NOT_FOUND")
    assert _title(database_url, activity) != "Mine"


@pytest.mark.parametrize("cursor", ["not a cursor", "AAAAAAAAAAAAAAAAAAAAAA", "%%%"])
def test_a_tampered_feed_cursor_is_refused(
    app_client: TestClient, people: dict[str, Person], cursor: str
) -> None:
    body = gql(
        app_client,
        "query($a: String) { feed(after: $a) { edges { cursor } } }",
        people["bob"].token,
        a=cursor,
    )
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
    rest = app_client.get(
        "/api/v1/feed",
        params={"after": cursor},
        headers={"Authorization": f"Bearer {people['bob'].token}"},
    )
    assert (rest.status_code, rest.json()["error"]["code"]) == (422, "VALIDATION")


def test_a_blocked_athlete_cannot_follow_and_loses_what_they_saw(
    app_client: TestClient, database_url: str
) -> None:
    cat = join(app_client, "cat.act@example.com", None, name="Cat")
    dan = join(app_client, "dan.act@example.com", cat.token, name="Dan")
    activity = add_session(database_url, cat, START + timedelta(days=60))
    run_import(database_url)
    follow = "mutation($a: UUID!) { follow(athleteId: $a) }"
    assert ok(gql(app_client, follow, dan.token, a=cat.id))["follow"] is True
    assert ok(gql(app_client, ACTIVITY, dan.token, id=activity))["activity"]
    ok(gql(app_client, "mutation($a: UUID!) { blockAthlete(athleteId: $a) }", cat.token, a=dan.id))
    again = gql(app_client, follow, dan.token, a=cat.id)
    assert again["errors"][0]["extensions"]["code"] == "BLOCKED"
    gone = gql(app_client, ACTIVITY, dan.token, id=activity)
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert ok(gql(app_client, "{ following { edges { cursor } } }", dan.token))["following"] == {
        "edges": []
    }
