"""The asynchronous "fetch analytics data" process: request a report, get it when ready."""

import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from .support import gql, receive_within, register_and_login, run_worker_once

pytestmark = pytest.mark.integration

REQUEST = (
    "mutation($k: ReportKind!, $s: Date!, $u: Date!) {"
    " requestReport(kind: $k, since: $s, until: $u) { id status kind } }"
)
RESULT = (
    "result { __typename ... on PowerCurveReport { sessions points { durationS powerW } }"
    " ... on TrainingSummaryReport { weeks { sessions } totals { sessions movingTimeS } } }"
)
REPORT = "query($id: UUID!) { report(id: $id) { status " + RESULT + " error finishedAt } }"


def add_session(database_url: str, athlete: str, days_ago: int, curve: dict[str, float]) -> None:
    begin = datetime.now(UTC) - timedelta(days=days_ago)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
            " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s,"
            " power_curve_w, plausible, version)"
            " SELECT gen_random_uuid(), '{}', gen_random_uuid(), %s, id, tenant_id, false, %s,"
            " %s, 3600, 3600, %s, true, 1 FROM users.accounts WHERE id = %s",
            (begin, begin, begin + timedelta(hours=1), Jsonb(curve), athlete),
        )


def request(client: TestClient, token: str, kind: str, since: date, until: date) -> Any:
    return gql(client, REQUEST, token, k=kind, s=since.isoformat(), u=until.isoformat())


def test_a_power_curve_report_is_queued_computed_and_read_back(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "curve@example.com")["accessToken"]
    athlete = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    add_session(database_url, athlete, 3, {"5": 900.0, "60": 420.0, "1200": 280.0})
    add_session(database_url, athlete, 10, {"5": 850.0, "60": 450.0, "1200": 290.0})
    add_session(database_url, athlete, 400, {"5": 2000.0})  # outside the period
    today = datetime.now(UTC).date()

    job = request(client, token, "POWER_CURVE", today - timedelta(days=30), today + timedelta(1))
    job = job["data"]["requestReport"]
    assert job["status"] == "QUEUED"
    assert gql(client, REPORT, token, id=job["id"])["data"]["report"]["status"] == "QUEUED"

    assert run_worker_once(database_url)  # the background worker's step
    assert not run_worker_once(database_url)  # nothing else queued

    report = gql(client, REPORT, token, id=job["id"])["data"]["report"]
    assert report["status"] == "DONE"
    assert report["finishedAt"] is not None
    assert report["result"] == {
        "__typename": "PowerCurveReport",
        "sessions": 2,
        "points": [
            {"durationS": 5, "powerW": 900.0},
            {"durationS": 60, "powerW": 450.0},
            {"durationS": 1200, "powerW": 290.0},
        ],
    }


def test_the_subscription_delivers_the_report_when_the_worker_finishes(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "waiter@example.com")["accessToken"]
    athlete = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    add_session(database_url, athlete, 1, {"60": 300.0})
    today = datetime.now(UTC).date()
    job_id = request(client, token, "POWER_CURVE", today - timedelta(7), today + timedelta(1))[
        "data"
    ]["requestReport"]["id"]

    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription($id: UUID!) { reportReady(id: $id) { status "
                    + RESULT
                    + " } }",
                    "variables": {"id": job_id},
                },
            }
        )
        # The subscription polls the job: finished before its first look or after, it delivers.
        worker = threading.Thread(target=run_worker_once, args=(database_url,))
        worker.start()
        message = receive_within(ws)
        worker.join(30)
    assert message["type"] == "next", message
    ready = message["payload"]["data"]["reportReady"]
    assert ready["status"] == "DONE"
    assert ready["result"]["points"] == [{"durationS": 60, "powerW": 300.0}]


def test_a_training_summary_adds_up_the_weeks(client: TestClient, database_url: str) -> None:
    token = register_and_login(client, "weeks@example.com")["accessToken"]
    athlete = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    with psycopg.connect(database_url) as conn:
        for weeks_ago, sessions in ((0, 3), (1, 2), (30, 9)):
            conn.execute(
                "INSERT INTO analytics.weekly_volume VALUES (%s, %s, %s, 3600 * %s, 20000 * %s,"
                " 700 * %s, 60 * %s, 1)",
                (athlete, monday - timedelta(weeks=weeks_ago), sessions, *[sessions] * 4),
            )
    job = request(
        client, token, "TRAINING_SUMMARY", monday - timedelta(weeks=4), monday + timedelta(7)
    )
    assert run_worker_once(database_url)

    result = gql(client, REPORT, token, id=job["data"]["requestReport"]["id"])["data"]["report"]
    assert result["status"] == "DONE"
    assert [w["sessions"] for w in result["result"]["weeks"]] == [2, 3]
    assert result["result"]["totals"]["sessions"] == 5
    assert result["result"]["totals"]["movingTimeS"] == 5 * 3600
    weekly = gql(client, "{ weeklyVolume(weeks: 4) { sessions tss } }", token)["data"]
    assert weekly["weeklyVolume"] == [{"sessions": 2, "tss": 120.0}, {"sessions": 3, "tss": 180.0}]


def test_a_report_is_the_requesters_only_and_bad_requests_are_refused(
    client: TestClient,
) -> None:
    owner = register_and_login(client, "owner@example.com")["accessToken"]
    other = register_and_login(client, "nosy@example.com")["accessToken"]
    today = datetime.now(UTC).date()
    job_id = request(client, owner, "POWER_CURVE", today - timedelta(7), today)["data"][
        "requestReport"
    ]["id"]

    nosy = gql(client, REPORT, other, id=job_id)
    assert nosy["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    unknown = request(client, owner, "HOROSCOPE", today - timedelta(7), today)
    assert unknown["errors"][0]["extensions"]["code"] == "VALIDATION"
    backwards = request(client, owner, "POWER_CURVE", today, today - timedelta(7))
    assert backwards["errors"][0]["extensions"]["code"] == "VALIDATION"


def test_a_job_that_fails_is_marked_failed_and_the_worker_goes_on(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "broken@example.com")["accessToken"]
    today = datetime.now(UTC).date()
    bad = request(client, token, "POWER_CURVE", today - timedelta(7), today)["data"]
    good = request(client, token, "POWER_CURVE", today - timedelta(7), today)["data"]
    with psycopg.connect(database_url) as conn:  # a job whose parameters a bug mangled
        conn.execute(
            "UPDATE training.report_jobs SET params = '{}' WHERE id = %s",
            (bad["requestReport"]["id"],),
        )

    while run_worker_once(database_url):  # every queued job, the broken one included
        pass

    failed = gql(client, REPORT, token, id=bad["requestReport"]["id"])["data"]["report"]
    done = gql(client, REPORT, token, id=good["requestReport"]["id"])["data"]["report"]
    assert failed["status"] == "FAILED"
    assert "since" in failed["error"]
    assert done["status"] == "DONE"


def test_the_rest_api_queues_and_serves_reports_too(client: TestClient, database_url: str) -> None:
    token = register_and_login(client, "rest.report@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    today = datetime.now(UTC).date()
    body = {"kind": "power_curve", "since": str(today - timedelta(7)), "until": str(today)}

    queued = client.post("/api/v1/reports", json=body, headers=headers)
    assert queued.status_code == 202, queued.text
    while run_worker_once(database_url):
        pass
    done = client.get(f"/api/v1/reports/{queued.json()['id']}", headers=headers)

    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["result"] == {"sessions": 0, "points": []}
    missing = client.get(f"/api/v1/reports/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"
