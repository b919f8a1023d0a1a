"""The live feed and reports check the reader's right at each delivery and read, and the live
feed delivers only what ingest would store."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from fitconnect.schemas import TelemetryBatch, encode

from ..ingest.support import Publisher
from .support import gql, register_and_login, register_coach

pytestmark = pytest.mark.integration

LIVE = "subscription($a: UUID) { live(athleteId: $a) { deviceId heartRateBpm } }"
DEVICE = (
    'mutation { registerDevice(name: "strap", kind: HEART_RATE) { device { id telemetryTopic } } }'
)
MAX_MESSAGES = 50  # the publisher sends ten a second: five seconds of stream


def batch(device_id: str, seq: int, heart_rate: float) -> bytes:
    now_ms = int(time.time() * 1000)
    return encode(
        TelemetryBatch(
            device_id=device_id, seq=seq, ts_ms=[now_ms], metrics={"heart_rate_bpm": [heart_rate]}
        )
    )


@contextmanager
def publishing(mqtt_url: str, messages: Callable[[int], list[tuple[str, bytes]]]) -> Iterator[None]:
    """Publish ``messages(i)`` ten times a second until the block ends (at most 60 s)."""
    stop = threading.Event()

    def run() -> None:
        publisher = Publisher(mqtt_url)
        try:
            for i in range(600):
                for topic, payload in messages(i):
                    publisher.send(topic, payload)
                if stop.wait(0.1):
                    return
        finally:
            publisher.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


@contextmanager
def live(
    client: TestClient, token: str, athlete: str | None = None
) -> Iterator[WebSocketTestSession]:
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": LIVE, "variables": {"a": athlete}},
            }
        )
        yield ws
        ws.send_json({"id": "1", "type": "complete"})


def points(message: dict[str, Any]) -> dict[str, Any] | None:
    """The live point of a ``next`` message; None for anything else (an error, the end)."""
    payload = message.get("payload")
    if message["type"] != "next" or not isinstance(payload, dict) or payload.get("errors"):
        return None
    data = payload.get("data") or {}
    return data.get("live")


def test_only_what_ingest_would_store_reaches_a_viewer_and_nothing_ends_the_stream(
    client: TestClient, mqtt_url: str
) -> None:
    token = register_and_login(client, "live.viewer@example.com")["accessToken"]
    device = gql(client, DEVICE, token)["data"]["registerDevice"]["device"]
    topic, device_id = device["telemetryTopic"], device["id"]
    elsewhere = topic.replace(topic.split("/")[2], "another-tenant")

    def messages(i: int) -> list[tuple[str, bytes]]:
        return [
            (topic, batch("not-a-uuid", 3 * i, 150.0)),  # once ended every viewer's stream
            (topic, batch(device_id, 3 * i + 1, 999.0)),  # impossible: ingest dead-letters it
            (elsewhere, batch(device_id, 3 * i + 2, 151.0)),  # not the device's tenant
            (topic, batch(device_id, 3 * i + 3, 142.0)),
        ]

    with publishing(mqtt_url, messages), live(client, token) as ws:
        received = [points(ws.receive_json()) for _ in range(5)]

    assert received == [{"deviceId": device_id, "heartRateBpm": 142.0}] * 5


def test_a_revoked_coachs_live_stream_ends_at_the_next_delivery(
    client: TestClient, mqtt_url: str
) -> None:
    athlete = register_and_login(client, "live.athlete@example.com")["accessToken"]
    athlete_id = gql(client, "{ me { id } }", athlete)["data"]["me"]["id"]
    coach = register_coach(client, "live.coach@example.com", invited_by=athlete)
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    gql(client, 'mutation { inviteAthlete(email: "live.athlete@example.com") { status } }', coach)
    gql(
        client,
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        athlete,
        c=coach_id,
    )
    device = gql(client, DEVICE, athlete)["data"]["registerDevice"]["device"]

    def messages(i: int) -> list[tuple[str, bytes]]:
        return [(device["telemetryTopic"], batch(device["id"], i, 140.0))]

    with publishing(mqtt_url, messages), live(client, coach, athlete_id) as ws:
        first = points(ws.receive_json())
        revoked = gql(
            client,
            "mutation($c: UUID!) { revokeCoach(coachId: $c) { status } }",
            athlete,
            c=coach_id,
        )
        after = []
        for _ in range(MAX_MESSAGES):
            message = ws.receive_json()
            after.append(message)
            if points(message) is None:
                break

    assert first == {"deviceId": device["id"], "heartRateBpm": 140.0}
    assert revoked["data"]["revokeCoach"]["status"] == "revoked"
    assert points(after[-1]) is None, "the stream went on after the revocation"
    last = after[-1]
    errors = last["payload"] if last["type"] == "error" else last["payload"]["errors"]
    assert errors[0]["message"] == "not your athlete"
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


def test_a_revoked_coach_can_no_longer_read_a_report_it_requested(client: TestClient) -> None:
    athlete = register_and_login(client, "report.athlete@example.com")["accessToken"]
    athlete_id = gql(client, "{ me { id } }", athlete)["data"]["me"]["id"]
    coach = register_coach(client, "report.coach@example.com", invited_by=athlete)
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    gql(client, 'mutation { inviteAthlete(email: "report.athlete@example.com") { status } }', coach)
    gql(
        client,
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        athlete,
        c=coach_id,
    )
    job = gql(
        client,
        'mutation($a: UUID!) { requestReport(kind: POWER_CURVE, since: "2026-01-01",'
        ' until: "2026-02-01", athleteId: $a) { id } }',
        coach,
        a=athlete_id,
    )["data"]["requestReport"]["id"]
    read = "query($id: UUID!) { report(id: $id) { status } }"
    before = gql(client, read, coach, id=job)

    gql(client, "mutation($c: UUID!) { revokeCoach(coachId: $c) { status } }", athlete, c=coach_id)
    after = gql(client, read, coach, id=job)
    rest = client.get(f"/api/v1/reports/{job}", headers={"Authorization": f"Bearer {coach}"})

    assert before["data"]["report"]["status"] == "QUEUED"
    assert after["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert rest.status_code == 403
