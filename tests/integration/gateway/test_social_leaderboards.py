"""Follows, clubs and the leaderboards ranked within them, through the real app."""

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from .support import gql, nodes, register_and_login

pytestmark = pytest.mark.integration

BOARD = (
    "query($c: Circle!, $club: UUID) { leaderboard(metric: DISTANCE_M, circle: $c,"
    " clubId: $club) { rank value athlete { displayName } } }"
)


def athlete(client: TestClient, name: str, invited_by: str | None = None) -> tuple[str, str]:
    token = register_and_login(client, f"{name}@example.com", invited_by)["accessToken"]
    gql(
        client,
        "mutation($n: String!) { updateProfile(changes: {displayName: $n}) { displayName } }",
        token,
        n=name,
    )
    return token, gql(client, "{ me { id } }", token)["data"]["me"]["id"]


def store_week(database_url: str, distances: dict[str, float]) -> None:
    """What the analytics job stores: this week's distance board of the tenant."""
    today = datetime.now(UTC).date()  # boards are cut on UTC dates
    monday = today - timedelta(days=today.weekday())
    ranked = sorted(distances.items(), key=lambda kv: -kv[1])
    with psycopg.connect(database_url) as conn:
        for rank, (athlete_id, value) in enumerate(ranked, start=1):
            conn.execute(
                "INSERT INTO gamification.leaderboards SELECT tenant_id, 'week', 'distance_m',"
                " %s, id, %s, %s, 1 FROM users.accounts WHERE id = %s",
                (monday, value, rank, athlete_id),
            )


def names(body: Any) -> list[tuple[int, str]]:
    assert "errors" not in body, body
    return [(e["rank"], e["athlete"]["displayName"]) for e in body["data"]["leaderboard"]]


def test_boards_rank_within_the_tenant_a_club_and_the_followed(
    client: TestClient, database_url: str
) -> None:
    ann, ann_id = athlete(client, "Ann")
    bob, bob_id = athlete(client, "Bob", invited_by=ann)
    cat, cat_id = athlete(client, "Cat", invited_by=ann)
    _, dan_id = athlete(client, "Dan", invited_by=ann)
    store_week(database_url, {ann_id: 40_000, bob_id: 90_000, cat_id: 60_000, dan_id: 120_000})

    everyone = names(gql(client, BOARD, ann, c="TENANT"))
    assert everyone == [(1, "Dan"), (2, "Bob"), (3, "Cat"), (4, "Ann")]

    club = gql(client, 'mutation { createClub(name: "Tuesday Riders") { id memberCount } }', ann)
    club_id = club["data"]["createClub"]["id"]
    gql(client, "mutation($c: UUID!) { joinClub(clubId: $c) { memberCount } }", cat, c=club_id)
    assert names(gql(client, BOARD, ann, c="CLUB", club=club_id)) == [(1, "Cat"), (2, "Ann")]

    outsider = gql(client, BOARD, bob, c="CLUB", club=club_id)
    assert outsider["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", ann, a=bob_id)
    assert names(gql(client, BOARD, ann, c="FOLLOWED")) == [(1, "Bob"), (2, "Ann")]
    following = nodes(
        gql(client, "{ following { edges { node { displayName } } } }", ann)["data"]["following"]
    )
    assert following == [{"displayName": "Bob"}]

    gql(client, "mutation($a: UUID!) { unfollow(athleteId: $a) }", ann, a=bob_id)
    assert names(gql(client, BOARD, ann, c="FOLLOWED")) == [(1, "Ann")]
    gql(client, "mutation($c: UUID!) { leaveClub(clubId: $c) }", cat, c=club_id)
    assert gql(client, "{ clubs { name memberCount } }", ann)["data"]["clubs"] == [
        {"name": "Tuesday Riders", "memberCount": 1}
    ]


def test_social_refusals_carry_stable_codes(client: TestClient) -> None:
    eve, _ = athlete(client, "Eve")
    gql(client, 'mutation { createClub(name: "Hill Repeats") { id } }', eve)

    again = gql(client, 'mutation { createClub(name: "Hill Repeats") { id } }', eve)
    blank = gql(client, 'mutation { createClub(name: "   ") { id } }', eve)
    ghost = gql(
        client,
        "mutation($a: UUID!) { follow(athleteId: $a) }",
        eve,
        a="00000000-0000-0000-0000-000000000000",
    )
    bad_board = gql(client, "{ leaderboard(metric: CALORIES) { rank } }", eve)

    assert again["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert blank["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert ghost["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert bad_board["errors"][0]["extensions"]["code"] == "VALIDATION"


def test_progress_and_badges_read_what_the_jobs_awarded(
    client: TestClient, database_url: str
) -> None:
    token, me = athlete(client, "Fay")
    assert gql(client, "{ progress { xp } }", token)["data"]["progress"] is None
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO gamification.athlete_progress SELECT id, tenant_id, 1250, 3, 4, 10, 2,"
            " 5, current_date, 1 FROM users.accounts WHERE id = %s",
            (me,),
        )
        conn.execute(
            "INSERT INTO gamification.badges VALUES ('first_workout', 'First workout',"
            " 'sessions', 1) ON CONFLICT DO NOTHING"
        )
        conn.execute(
            "INSERT INTO gamification.badge_awards VALUES (%s, 'first_workout', now(), 1)", (me,)
        )

    body = gql(client, "{ progress { xp level dailyStreak } badges { id name } }", token)

    assert body["data"]["progress"] == {"xp": 1250, "level": 3, "dailyStreak": 4}
    assert body["data"]["badges"] == [{"id": "first_workout", "name": "First workout"}]
