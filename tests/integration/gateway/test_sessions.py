"""One session as the app shows it: metrics, zones, power curve and its samples for a chart."""

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from fitconnect.analytics.jobs import run_once
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.devices.service import DeviceService
from fitconnect.platform.training.service import Subject, TrainingService

from .support import gql, nodes, register_and_login

pytestmark = pytest.mark.integration

SESSION = (
    "query($d: UUID!, $s: DateTime!) { session(deviceId: $d, start: $s) {"
    " durationS normalizedPowerW hrZoneS powerZoneS powerCurve { durationS powerW }"
    " laps { lap durationS avgPowerW }"
    " series(maxPoints: 10) { ts powerW } } }"
)


def test_a_session_with_its_zones_curve_and_samples(client: TestClient, database_url: str) -> None:
    token = register_and_login(client, "detail@example.com")["accessToken"]
    device = gql(
        client,
        'mutation { registerDevice(name: "trainer", kind: POWER) { device { id } } }',
        token,
    )["data"]["registerDevice"]["device"]["id"]
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(current_date - 1, 3)")
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, power_w) FROM STDIN"
        ) as copy:
            for s in range(600):  # ten minutes at 1 Hz: 200 W, then 300 W
                copy.write_row((device, start + timedelta(seconds=s), 200 if s < 300 else 300))
        conn.execute(
            "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
            " tenant_id, explicit, sources,"
            " first_sample_ts, end_ts, duration_s, moving_time_s, normalized_power_w, hr_zone_s,"
            " power_zone_s, power_curve_w, plausible, version)"
            " SELECT gen_random_uuid(), ARRAY[id], %s, %s, athlete_id, tenant_id, false, %s, %s,"
            " %s, 600, 600, 256.0, '{0,0,0,0,0}', '{0,0,300,300,0,0,0}', %s, true, 1"
            " FROM devices.devices WHERE id = %s",
            (
                device,
                start,
                Jsonb([{"stream": "power_w", "device_id": device, "seconds": 600}]),
                start,
                start + timedelta(seconds=599),
                Jsonb({"60": 300.0, "5": 300.0}),
                device,
            ),
        )
        for lap, (begin, watts) in enumerate(((0, 200.0), (300, 300.0)), start=1):
            conn.execute(
                "INSERT INTO analytics.laps (session_id, lap, start_ts, end_ts,"
                " duration_s, moving_time_s, avg_power_w, version)"
                " SELECT id, %s, %s, %s, 300, 300, %s, 1 FROM analytics.sessions"
                " WHERE device_id = %s AND start_ts = %s",
                (
                    lap,
                    start + timedelta(seconds=begin),
                    start + timedelta(seconds=begin + 299),
                    watts,
                    device,
                    start,
                ),
            )
    other = register_and_login(client, "peeker@example.com")["accessToken"]

    body = gql(client, SESSION, token, d=device, s=start.isoformat())
    hidden = gql(client, SESSION, other, d=device, s=start.isoformat())

    session = body["data"]["session"]
    assert session["durationS"] == 600
    assert session["powerZoneS"] == [0, 0, 300, 300, 0, 0, 0]
    assert session["powerCurve"] == [
        {"durationS": 5, "powerW": 300.0},
        {"durationS": 60, "powerW": 300.0},
    ]
    assert session["laps"] == [
        {"lap": 1, "durationS": 300, "avgPowerW": 200.0},
        {"lap": 2, "durationS": 300, "avgPowerW": 300.0},
    ]
    assert len(session["series"]["ts"]) == 10
    assert session["series"]["powerW"][0] == 200.0
    assert session["series"]["powerW"][-1] == 300.0
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_sessions_filter_by_sport_and_date(client: TestClient, database_url: str) -> None:
    token = register_and_login(client, "sporty@example.com")["accessToken"]
    device = gql(
        client,
        'mutation { registerDevice(name: "watch", kind: HEART_RATE) { device { id } } }',
        token,
    )["data"]["registerDevice"]["device"]["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    starts = {
        "ride": now - timedelta(days=3),
        "run": now - timedelta(days=2),
        "gap-split": now - timedelta(days=1),
    }
    with psycopg.connect(database_url) as conn:
        for name, begin in starts.items():
            explicit = name != "gap-split"
            conn.execute(
                "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
                " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s,"
                " plausible, version) SELECT gen_random_uuid(), ARRAY[id], id, %s, athlete_id,"
                " tenant_id, %s, %s, %s, 1800, 1800, true, 1 FROM devices.devices WHERE id = %s",
                (begin, explicit, begin, begin + timedelta(minutes=30), device),
            )
            if explicit:
                conn.execute(
                    "INSERT INTO telemetry.device_events (device_id, ts, kind, sport)"
                    " VALUES (%s, %s, 'session_start', %s)",
                    (device, begin, "cycling" if name == "ride" else "running"),
                )
    query = (
        "query($s: Sport, $since: DateTime)"
        " { sessions(sport: $s, since: $since) { edges { node { sport } } } }"
    )

    everything = nodes(gql(client, query, token)["data"]["sessions"])
    runs = nodes(gql(client, query, token, s="RUNNING")["data"]["sessions"])
    recent = gql(client, query, token, since=(now - timedelta(days=2, hours=1)).isoformat())

    assert [s["sport"] for s in everything] == [None, "RUNNING", "CYCLING"]
    assert runs == [{"sport": "RUNNING"}]
    assert [s["sport"] for s in nodes(recent["data"]["sessions"])] == [None, "RUNNING"]


async def test_cursor_pages_over_sessions_with_equal_starts(
    client: TestClient, database_url: str, pool: AsyncConnectionPool
) -> None:
    """Seven sessions, two of them starting at the same instant: pages of two by the
    (start, id) cursor return each session exactly once (``before`` alone returned 6 of 7)."""
    token = register_and_login(client, "pager@example.com")["accessToken"]
    device = gql(
        client, 'mutation { registerDevice(name: "bike", kind: POWER) { device { id } } }', token
    )["data"]["registerDevice"]["device"]["id"]
    now = datetime.now(UTC).replace(microsecond=0)
    starts = [now - timedelta(days=d) for d in (1, 2, 3, 3, 4, 5, 6)]
    with psycopg.connect(database_url) as conn:
        for begin in starts:
            conn.execute(
                "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
                " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s,"
                " plausible, version) SELECT gen_random_uuid(), ARRAY[id], id, %s, athlete_id,"
                " tenant_id, false, %s, %s, 600, 600, true, 1 FROM devices.devices WHERE id = %s",
                (begin, begin, begin + timedelta(minutes=10), device),
            )
        athlete = conn.execute(
            "SELECT athlete_id FROM devices.devices WHERE id = %s", (device,)
        ).fetchone()
    assert athlete is not None
    training = TrainingService(pool, DeviceService(pool), CoachingService(pool))
    subject = Subject(athlete[0], [uuid.UUID(device)])
    seen: list[uuid.UUID] = []
    before: datetime | None = None
    before_id: uuid.UUID | None = None
    while True:
        page = await training.sessions(subject, 2, before, before_id=before_id)
        if not page:
            break
        seen += [s.id for s in page]
        before, before_id = page[-1].start_ts, page[-1].id
    assert len(seen) == len(set(seen)) == 7
    assert sorted(s.start_ts for s in await training.sessions(subject, 10, None)) == sorted(starts)


def test_a_strap_and_a_power_meter_are_one_session_in_the_api(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "fused@example.com")["accessToken"]
    register = 'mutation($k: DeviceKind!) { registerDevice(name: "d", kind: $k) { device { id } } }'
    strap, meter = (
        gql(client, register, token, k=kind)["data"]["registerDevice"]["device"]["id"]
        for kind in ("HEART_RATE", "POWER")
    )
    start = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(current_date - 1, 3)")
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w) FROM STDIN"
        ) as copy:
            for s in range(600):
                copy.write_row((strap, start + timedelta(seconds=s), 140 + s % 4, None))
                copy.write_row((meter, start + timedelta(seconds=s), None, 200 + s % 5))
    run_once(database_url)
    query = (
        "{ sessions { edges { node { id deviceId devices avgHeartRateBpm avgPowerW"
        " sources { stream deviceId seconds } quality { stream flag } } } } }"
    )
    (session,) = nodes(gql(client, query, token)["data"]["sessions"])
    assert session["deviceId"] == meter
    assert sorted(session["devices"]) == sorted([strap, meter])
    assert session["avgHeartRateBpm"] == pytest.approx(141.5)
    assert session["avgPowerW"] == pytest.approx(202.0)
    sources = {(s["stream"], s["deviceId"]): s["seconds"] for s in session["sources"]}
    assert sources == {("heart_rate_bpm", strap): 600, ("power_w", meter): 600}
    assert session["quality"] == []
    assert session["id"]
    # The chart draws each stream from the device the figures came from: the strap's heart
    # rate beside the meter's power, in GraphQL and REST alike.
    chart = "{ sessions { edges { node { series(maxPoints: 10) { heartRateBpm powerW } } } } }"
    (charted,) = nodes(gql(client, chart, token)["data"]["sessions"])
    headers = {"Authorization": f"Bearer {token}"}
    (listed,) = client.get("/api/v1/sessions", headers=headers).json()["items"]
    rest = client.get(f"/api/v1/sessions/{listed['id']}/series?max_points=10", headers=headers)
    for hr, power in (
        (charted["series"]["heartRateBpm"], charted["series"]["powerW"]),
        (rest.json()["heart_rate_bpm"], rest.json()["power_w"]),
    ):
        assert len(hr) == len(power) == 10
        assert all(140 <= v <= 143 for v in hr)
        assert all(200 <= v <= 204 for v in power)
    # Ten minutes hold no 20-minute power: no FTP estimate to suggest yet.
    assert gql(client, "{ ftpEstimate { ftpEstimateW } }", token)["data"]["ftpEstimate"] is None
