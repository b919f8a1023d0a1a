"""No N+1: a list query costs the same number of SQL statements for 2 items as for 12.

The gateway reports each request's statement count in ``X-DB-Statements`` (and in the
``fitconnect_gateway_db_statements`` histogram); these tests read it from real requests.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from .support import gql, nodes, register_and_login, register_coach

pytestmark = pytest.mark.integration

SESSIONS = (
    "query($n: Int!) { sessions(first: $n) { edges { node { start tss device { name kind }"
    " laps { lap } series(maxPoints: 10) { ts powerW } } } } }"
)


def statements(client: TestClient, query: str, token: str, **variables: Any) -> tuple[int, Any]:
    response = client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return int(response.headers["x-db-statements"]), body["data"]


def add_sessions(database_url: str, athlete: str, devices: list[str], n: int) -> None:
    """What the analytics job stores: ``n`` sessions spread over the athlete's devices."""
    start = datetime.now(UTC) - timedelta(days=n)
    with psycopg.connect(database_url) as conn:
        tenant = conn.execute(
            "SELECT tenant_id FROM users.accounts WHERE id = %s", (athlete,)
        ).fetchone()
        assert tenant is not None
        for i in range(n):
            begin = start + timedelta(days=i)
            conn.execute(
                "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
                " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s, tss,"
                " plausible, version) VALUES (gen_random_uuid(), ARRAY[%s]::uuid[], %s, %s, %s,"
                " %s, false, %s, %s, 3600, 3500, 50, true, 1)",
                (
                    devices[i % len(devices)],
                    devices[i % len(devices)],
                    begin,
                    athlete,
                    tenant[0],
                    begin,
                    begin + timedelta(hours=1),
                ),
            )


def test_sessions_with_their_devices_laps_and_series_cost_the_same_for_2_or_12(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "many@example.com")["accessToken"]
    athlete = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    devices = [
        gql(
            client,
            "mutation($n: String!) { registerDevice(name: $n, kind: POWER) { device { id } } }",
            token,
            n=f"bike {i}",
        )["data"]["registerDevice"]["device"]["id"]
        for i in range(4)
    ]
    add_sessions(database_url, athlete, devices, 12)

    few, few_data = statements(client, SESSIONS, token, n=2)
    many, many_data = statements(client, SESSIONS, token, n=12)

    assert len(nodes(few_data["sessions"])) == 2
    assert len(nodes(many_data["sessions"])) == 12
    names = {s["device"]["name"] for s in nodes(many_data["sessions"])}
    assert names == {f"bike {i}" for i in range(4)}
    assert many == few
    assert many <= 6  # the caller's account, the athlete's devices, the sessions, their
    # devices, laps and samples


def test_coaching_links_load_both_people_in_one_statement(client: TestClient) -> None:
    coach = register_coach(client, "head.coach@example.com")
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    query = "{ coaching { status coach { displayName } athlete { displayName role } } }"

    counts = []
    for i in range(5):
        athlete = register_and_login(client, f"squad{i}@example.com", coach)["accessToken"]
        gql(
            client,
            f'mutation {{ inviteAthlete(email: "squad{i}@example.com") {{ status }} }}',
            coach,
        )
        gql(
            client,
            "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
            athlete,
            c=coach_id,
        )
        count, data = statements(client, query, coach)
        counts.append(count)
        assert len(data["coaching"]) == i + 1
        assert {link["athlete"]["role"] for link in data["coaching"]} == {"ATHLETE"}
        assert {link["coach"]["displayName"] for link in data["coaching"]} == {"Coach"}

    assert len(set(counts)) == 1, counts  # one link or five: the same statements
    assert counts[0] <= 3  # the caller's account, the links, the accounts


def test_a_device_of_another_tenant_is_not_loaded_through_a_session(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "scoped@example.com")["accessToken"]
    athlete = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    stranger = uuid.uuid4()
    with psycopg.connect(database_url) as conn:
        tenant = conn.execute(
            "INSERT INTO users.tenants (slug, name) VALUES ('other', 'Other') RETURNING id"
        ).fetchone()
        assert tenant is not None
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, gen_random_uuid(), 'theirs', 'hr', %s, 'x')",
            (stranger, tenant[0], str(stranger)),
        )
    add_sessions(database_url, athlete, [str(stranger)], 1)

    _, data = statements(client, SESSIONS, token, n=5)

    assert nodes(data["sessions"])[0]["device"] is None


def test_a_query_asking_for_too_much_is_refused_before_it_runs(client: TestClient) -> None:
    token = register_and_login(client, "greedy@example.com")["accessToken"]
    streams = " ".join(f"s{i}: stream(maxPoints: $n) {{ ts powerW }}" for i in range(12))
    greedy = f"query($n: Int!) {{ {streams} }}"

    refused = client.post(
        "/graphql",
        json={"query": greedy, "variables": {"n": 5000}},
        headers={"Authorization": f"Bearer {token}"},
    )
    modest = client.post(
        "/graphql",
        json={"query": greedy, "variables": {"n": 100}},
        headers={"Authorization": f"Bearer {token}"},
    )

    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION"
    assert "cost" in error["message"]
    assert refused.headers["x-db-statements"] == "0"
    assert "errors" not in modest.json()
    assert len(modest.json()["data"]) == 12
