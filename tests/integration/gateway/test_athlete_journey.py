"""An athlete through the real app on the real PostgreSQL and broker, as a client would."""

import time
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from fitconnect.gateway.app import create_app
from fitconnect.schemas import TelemetryBatch, encode
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY
from tests.waiting import wait_until

from ..ingest.support import Publisher, running_worker, worker_settings
from .support import deliver, gql, nodes, receive_within, register_and_login, register_coach
from .test_live_authorization import points, publishing

pytestmark = pytest.mark.integration

DEVICES = "{ devices { edges { node { id } } } }"


def test_register_welcome_login_device_telemetry_and_stream(
    client: TestClient, database_url: str, mqtt_url: str
) -> None:
    tokens = register_and_login(client, "ada@example.com")
    access = tokens["accessToken"]

    empty = gql(client, "{ notifications { edges { node { title } } } }", access)
    assert nodes(empty["data"]["notifications"]) == []
    deliver(database_url)  # the notification worker's step
    inbox = nodes(
        gql(client, "{ notifications { edges { node { id title read } } } }", access)["data"][
            "notifications"
        ]
    )
    assert len(inbox) == 1
    assert inbox[0]["title"].startswith("Welcome")

    creds = gql(
        client,
        'mutation { registerDevice(name: "strap", kind: HEART_RATE) '
        "{ mqttUsername mqttPassword device { id telemetryTopic } } }",
        access,
    )["data"]["registerDevice"]
    assert len(creds["mqttPassword"]) >= 24
    topic, device_id = creds["device"]["telemetryTopic"], creds["device"]["id"]

    now_ms = int(time.time() * 1000)
    batch = TelemetryBatch(
        device_id=device_id,
        seq=1,
        ts_ms=[now_ms - 10_000 + 250 * i for i in range(40)],
        metrics={"heart_rate_bpm": [150.0] * 40, "power_w": [220.0] * 40},
    )
    publisher = Publisher(mqtt_url)
    with running_worker(database_url, mqtt_url, worker_settings()):
        publisher.send(topic, encode(batch))

        def totals_of_all_40() -> bool:
            totals = gql(client, "{ totals { samples avgHeartRateBpm maxPowerW } }", access)
            return bool(totals["data"]["totals"]["samples"] == 40)

        wait_until(totals_of_all_40, 15, "the batch's 40 samples stored")
    publisher.close()
    totals = gql(client, "{ totals { samples avgHeartRateBpm maxPowerW } }", access)
    assert totals["data"]["totals"] == {"samples": 40, "avgHeartRateBpm": 150.0, "maxPowerW": 220}
    stream = gql(client, "{ stream(maxPoints: 5) { heartRateBpm powerW } }", access)
    points = stream["data"]["stream"]
    assert 1 <= len(points) <= 5
    assert all(p["powerW"] == 220.0 for p in points)

    rest = client.get("/api/v1/devices", headers={"Authorization": f"Bearer {access}"})
    assert rest.status_code == 200
    assert rest.json()["items"][0]["id"] == device_id
    tagged = client.get(
        "/api/v1/devices",
        headers={"Authorization": f"Bearer {access}", "If-None-Match": rest.headers["etag"]},
    )
    assert tagged.status_code == 304  # nothing changed: the client keeps what it has


def test_refresh_rotates_and_a_reused_token_revokes_the_session(client: TestClient) -> None:
    tokens = register_and_login(client, "rot@example.com")
    refresh = "mutation($r: String!) { refresh(refreshToken: $r) { accessToken refreshToken } }"
    second = gql(client, refresh, r=tokens["refreshToken"])["data"]["refresh"]
    reuse = gql(client, refresh, r=tokens["refreshToken"])
    assert reuse["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # the reuse revoked the whole family: the newest token stops working at once
    after = gql(client, refresh, r=second["refreshToken"])
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_errors_carry_stable_codes(client: TestClient) -> None:
    assert gql(client, "{ me { id } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    register_and_login(client, "dup@example.com")
    dup = gql(
        client,
        'mutation { register(email: "dup@example.com", password: "another long one",'
        ' displayName: "B") { id } }',
    )
    assert dup["errors"][0]["extensions"]["code"] == "VALIDATION"
    bad = gql(
        client,
        'mutation { login(email: "dup@example.com", password: "wrong password") { accessToken } }',
    )
    assert bad["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    rest = client.get("/api/v1/me")
    assert rest.status_code == 401
    assert rest.json()["error"]["code"] == "UNAUTHENTICATED"


def test_an_athlete_sees_only_their_own_devices(client: TestClient) -> None:
    a = register_and_login(client, "a@example.com")["accessToken"]
    b = register_and_login(client, "b@example.com")["accessToken"]
    gql(
        client, 'mutation { registerDevice(name: "a-strap", kind: HEART_RATE) { mqttUsername } }', a
    )
    device_of_a = nodes(gql(client, DEVICES, a)["data"]["devices"])[0]["id"]
    assert nodes(gql(client, DEVICES, b)["data"]["devices"]) == []
    revoke = gql(client, "mutation($d: UUID!) { revokeDevice(deviceId: $d) }", b, d=device_of_a)
    assert revoke["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert gql(client, "{ totals { samples } }", b)["data"]["totals"]["samples"] == 0


def test_health_ready_metrics_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] is True
    assert "/api/v1/devices" in client.get("/api/v1/openapi.json").json()["paths"]
    client.get("/healthz")
    assert "fitconnect_gateway_requests_total" in client.get("/metrics").text


def test_a_coach_reads_a_linked_athlete_only_while_the_link_holds(client: TestClient) -> None:
    athlete = register_and_login(client, "runner@example.com")["accessToken"]
    me = gql(client, "{ me { id } }", athlete)["data"]["me"]["id"]
    coach = register_coach(client, "coach@example.com", invited_by=athlete)
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    read = (
        "query($a: UUID) { totals(athleteId: $a) { samples }"
        " sessions(athleteId: $a) { edges { node { tss } } } }"
    )

    def coach_reads() -> Any:
        return gql(client, read, coach, a=me)

    assert coach_reads()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    invite = gql(
        client, 'mutation { inviteAthlete(email: "runner@example.com") { status } }', coach
    )
    assert invite["data"]["inviteAthlete"]["status"] == "invited"
    assert coach_reads()["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not accepted yet

    # an athlete cannot invite (only coaches do)
    not_coach = gql(
        client, 'mutation { inviteAthlete(email: "coach@example.com") { status } }', athlete
    )
    assert not_coach["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    accept = "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }"
    assert (
        gql(client, accept, athlete, c=coach_id)["data"]["respondToCoach"]["status"] == "accepted"
    )
    assert coach_reads()["data"]["totals"]["samples"] == 0

    # read-only: the coach's own devices are not the athlete's, and no write reaches them
    assert nodes(gql(client, DEVICES, coach)["data"]["devices"]) == []
    strap = gql(
        client,
        'mutation { registerDevice(name: "strap", kind: HEART_RATE) { device { id } } }',
        athlete,
    )["data"]["registerDevice"]["device"]["id"]
    revoke_device = "mutation($d: UUID!) { revokeDevice(deviceId: $d) }"
    refused = gql(client, revoke_device, coach, d=strap)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    renamed = gql(
        client,
        'mutation { updateProfile(changes: {displayName: "Coached"}) { displayName } }',
        coach,
    )
    assert renamed["data"]["updateProfile"]["displayName"] == "Coached"  # the coach's own
    listed = gql(client, "{ devices { edges { node { id revokedAt } } } }", athlete)
    assert nodes(listed["data"]["devices"]) == [{"id": strap, "revokedAt": None}]
    assert (
        gql(client, "{ profile { displayName } }", athlete)["data"]["profile"]["displayName"]
        != "Coached"
    )

    revoke = "mutation($c: UUID!) { revokeCoach(coachId: $c) { status } }"
    assert gql(client, revoke, athlete, c=coach_id)["data"]["revokeCoach"]["status"] == "revoked"
    assert coach_reads()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


LIVE_ALL = (
    "subscription { live { deviceId ts heartRateBpm powerW cadenceRpm speedKmh distanceM"
    " strokeRateSpm } }"
)


def test_live_subscription_streams_every_sample_the_device_sends(
    client: TestClient, mqtt_url: str
) -> None:
    """A batch of four samples (a 4 Hz sensor's second) arrives as four points, oldest first,
    each with the exact values sent, speed, distance and stroke rate included."""
    access = register_and_login(client, "live@example.com")["accessToken"]
    creds = gql(
        client,
        'mutation { registerDevice(name: "bike", kind: POWER) { device { id telemetryTopic } } }',
        access,
    )["data"]["registerDevice"]["device"]
    values = {
        "heart_rate_bpm": [141.0, 142.0, 143.0, 144.0],
        "power_w": [240.0, 250.0, 260.0, 270.0],
        "cadence_rpm": [88.0, 89.5, 90.0, 91.0],
        "speed_kmh": [30.5, 30.75, 31.0, 31.25],
        "distance_m": [1000.0, 1002.1, 1004.3, 1006.4],
        "stroke_rate_spm": [None, 22.5, None, 23.0],
    }

    def messages(i: int) -> list[tuple[str, bytes]]:
        now_ms = int(time.time() * 1000)
        stamps = [now_ms - 750, now_ms - 500, now_ms - 250, now_ms]
        batch = TelemetryBatch(device_id=creds["id"], seq=i, ts_ms=stamps, metrics=values)
        return [(creds["telemetryTopic"], encode(batch))]

    with (
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
        publishing(mqtt_url, messages),
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {access}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": LIVE_ALL}})
        received = [points(receive_within(ws)) for _ in range(4)]
        ws.send_json({"id": "1", "type": "complete"})
    assert all(p is not None for p in received), received
    stamps = [datetime.fromisoformat(p["ts"]) for p in received if p]
    assert stamps == sorted(stamps)
    assert [(stamps[-1] - t).total_seconds() for t in stamps] == [0.75, 0.5, 0.25, 0.0]
    names = {
        "heartRateBpm": "heart_rate_bpm",
        "powerW": "power_w",
        "cadenceRpm": "cadence_rpm",
        "speedKmh": "speed_kmh",
        "distanceM": "distance_m",
        "strokeRateSpm": "stroke_rate_spm",
    }
    for index, point in enumerate(received):
        assert point is not None
        assert point["deviceId"] == creds["id"]
        assert {k: point[k] for k in names} == {k: values[v][index] for k, v in names.items()}


def test_the_profile_changes_only_the_fields_sent_and_refuses_impossible_values(
    client: TestClient,
) -> None:
    access = register_and_login(client, "profile@example.com")["accessToken"]
    update = (
        "mutation($c: ProfileInput!) { updateProfile(changes: $c)"
        " { displayName weightKg hrMaxBpm ftpW units } }"
    )
    first = gql(client, update, access, c={"weightKg": 68.5, "ftpW": 265})
    assert first["data"]["updateProfile"] == {
        "displayName": "Ada",
        "weightKg": 68.5,
        "hrMaxBpm": None,
        "ftpW": 265,
        "units": "metric",
    }
    second = gql(client, update, access, c={"hrMaxBpm": 188})
    assert second["data"]["updateProfile"]["ftpW"] == 265
    assert second["data"]["updateProfile"]["hrMaxBpm"] == 188
    bad = gql(client, update, access, c={"hrMaxBpm": 400})
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert gql(client, "{ profile { hrMaxBpm } }", access)["data"]["profile"]["hrMaxBpm"] == 188


def test_gateway_requests_and_graphql_operations_are_traced(
    database_url: str, mqtt_url: str
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url, tracer_provider=provider)) as c:
        gql(c, "query Who { me { id } }")
    names = {span.name for span in exporter.get_finished_spans()}
    assert "POST /graphql" in names
    assert any("Who" in name or "query" in name.lower() for name in names - {"POST /graphql"})
