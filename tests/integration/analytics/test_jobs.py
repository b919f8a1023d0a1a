"""The analytics job on the real PostgreSQL: results, incrementality, idempotence.

The tests of this module are one story told in order on one database (a first run, a re-run,
new data, late data, a filtered run, explicit session events): each builds on the last.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest

from fitconnect.analytics.jobs import run_once

pytestmark = pytest.mark.integration

TENANT = str(uuid.uuid4())
ALICE, BOB = str(uuid.uuid4()), str(uuid.uuid4())
DEV_A, DEV_B = str(uuid.uuid4()), str(uuid.uuid4())
DAY0 = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=6)
AS_OF = (DAY0 + timedelta(days=6)).date()

RESULT_TABLES = (
    "analytics.sessions",
    "analytics.daily_load",
    "analytics.weekly_volume",
    "analytics.personal_records",
    "analytics.ftp_estimates",
    "gamification.athlete_progress",
    "gamification.badge_awards",
    "gamification.leaderboards",
)


def _connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(url, autocommit=True)


def _ride(url: str, device: str, start: datetime, seconds: int, *, power: int, hr: int) -> None:
    with _connect(url) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (start.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, speed_kmh) FROM STDIN"
        ) as copy:
            for i in range(seconds):
                copy.write_row((device, start + timedelta(seconds=i), hr, power, 30.0))


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with _connect(url) as conn:
        return {
            t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)  # noqa: S608
            for t in RESULT_TABLES
        }


def _rows(url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with _connect(url) as conn:
        return conn.execute(query, params).fetchall()


@pytest.fixture(scope="module")
def db(database_url: str) -> str:
    """Two athletes: Alice rides three days at 200 W; Bob's sensor claims a 3,000 W hour."""
    with _connect(database_url) as conn:
        for device, athlete in ((DEV_A, ALICE), (DEV_B, BOB)):
            conn.execute(
                "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
                " mqtt_password_hash) VALUES (%s, %s, %s, 'trainer', 'ftms', %s, 'x')",
                (device, TENANT, athlete, f"dev-{device}"),
            )
        conn.execute(
            "INSERT INTO users.tenants (id, slug, name) VALUES (%s, %s, 'jobs')",
            (TENANT, f"t-{TENANT[:8]}"),
        )
        for athlete in (ALICE, BOB):
            conn.execute(
                "INSERT INTO users.accounts (id, tenant_id, email, password_hash, role,"
                " display_name, ftp_w, hr_max_bpm)"
                " VALUES (%s, %s, %s, 'x', 'athlete', 'a', 250, 190)",
                (athlete, TENANT, f"{athlete}@example.com"),
            )
    for day in range(3):
        _ride(database_url, DEV_A, DAY0 + timedelta(days=day), 3600, power=200, hr=140)
    _ride(database_url, DEV_B, DAY0, 3600, power=3000, hr=150)
    return database_url


def test_first_run_computes_sessions(db: str) -> None:
    summary = run_once(db, as_of=AS_OF)
    assert summary.devices == 2
    assert summary.sessions == 4
    rows = _rows(
        db,
        "SELECT start_ts, normalized_power_w, intensity_factor, tss, work_kj, plausible"
        " FROM analytics.sessions WHERE athlete_id = %s ORDER BY start_ts",
        ALICE,
    )
    assert [r[0] for r in rows] == [DAY0 + timedelta(days=d) for d in range(3)]
    for _, np_w, if_, tss, work, plausible in rows:
        assert np_w == pytest.approx(200.0)
        assert if_ == pytest.approx(0.8)
        assert tss == pytest.approx(3571 * 200 * 0.8 / (250 * 3600) * 100)
        assert work == pytest.approx(720.0)
        assert plausible
    (bob,) = _rows(
        db, "SELECT plausible, implausible FROM analytics.sessions WHERE athlete_id = %s", BOB
    )
    assert bob[0] is False
    assert "max_power_w" in bob[1]


def test_per_athlete_results(db: str) -> None:
    tss = 3571 * 200 * 0.8 / (250 * 3600) * 100
    chart = _rows(
        db,
        "SELECT day, tss, ctl, atl FROM analytics.daily_load WHERE athlete_id = %s ORDER BY day",
        ALICE,
    )
    assert chart[0][0] == DAY0.date()
    assert chart[-1][0] == AS_OF
    assert chart[0][2] == pytest.approx(tss / 42)
    assert chart[0][3] == pytest.approx(tss / 7)
    (progress,) = _rows(
        db,
        "SELECT xp, daily_streak, longest_daily_streak FROM gamification.athlete_progress"
        " WHERE athlete_id = %s",
        ALICE,
    )
    assert progress == (3 * (60 + round(tss)), 0, 3)  # as of day 6 the streak is broken
    badges = {
        r[0]
        for r in _rows(
            db, "SELECT badge_id FROM gamification.badge_awards WHERE athlete_id = %s", ALICE
        )
    }
    assert badges == {"first-workout", "streak-3"}  # 90 km and 3 h: no distance/time badge
    assert _rows(db, "SELECT * FROM gamification.badge_awards WHERE athlete_id = %s", BOB) == []
    (bob_xp,) = _rows(db, "SELECT xp FROM gamification.athlete_progress WHERE athlete_id = %s", BOB)
    assert bob_xp == (0,)
    board = _rows(
        db,
        "SELECT athlete_id::text, rank FROM gamification.leaderboards"
        " WHERE period = 'month' AND metric = 'xp' AND value > 0",
    )
    assert {a for a, _ in board} == {ALICE}
    records = dict(
        _rows(
            db, "SELECT metric, value FROM analytics.personal_records WHERE athlete_id = %s", ALICE
        )
    )
    assert records["mmp_1200s"] == pytest.approx(200.0)
    ftp = _rows(
        db, "SELECT ftp_estimate_w FROM analytics.ftp_estimates WHERE athlete_id = %s", ALICE
    )
    assert [f for (f,) in ftp] == pytest.approx([190.0] * 3)


def test_rerun_changes_nothing(db: str) -> None:
    before = _snapshot(db)
    again = run_once(db, as_of=AS_OF)
    assert (again.devices, again.rows_written) == (0, 0)
    forced = run_once(db, as_of=AS_OF, since=DAY0 - timedelta(days=30))
    assert forced.devices == 2
    assert forced.rows_written == 0
    assert _snapshot(db) == before


def test_new_session_is_computed_incrementally(db: str) -> None:
    before = _snapshot(db)["analytics.sessions"]
    _ride(db, DEV_A, DAY0 + timedelta(days=3), 1800, power=300, hr=160)
    summary = run_once(db, as_of=AS_OF)
    assert summary.devices == 1
    assert summary.sessions == 1  # only the session the new samples belong to
    after = _snapshot(db)["analytics.sessions"]
    assert all(row in after for row in before)  # older sessions untouched (even computed_at)
    assert len(after) == len(before) + 1
    (streak,) = _rows(
        db,
        "SELECT longest_daily_streak FROM gamification.athlete_progress WHERE athlete_id = %s",
        ALICE,
    )
    assert streak == (4,)
    (rise,) = _rows(db, "SELECT message FROM analytics.notices WHERE athlete_id = %s", ALICE)
    assert "FTP estimate up" in rise[0]


def test_late_samples_extend_their_session(db: str) -> None:
    start = DAY0 + timedelta(days=3)
    _ride(db, DEV_A, start + timedelta(seconds=1800 + 120), 600, power=300, hr=160)
    run_once(db, as_of=AS_OF)
    rows = _rows(
        db,
        "SELECT moving_time_s, duration_s FROM analytics.sessions"
        " WHERE device_id = %s AND start_ts = %s",
        DEV_A,
        start,
    )
    assert rows == [(2400, 2520)]  # 30 min + a 2-min stop + 10 min, one session


def test_athlete_filter_leaves_others_pending(db: str) -> None:
    _ride(db, DEV_A, DAY0 + timedelta(days=4), 600, power=150, hr=120)
    _ride(db, DEV_B, DAY0 + timedelta(days=4), 600, power=150, hr=120)
    only_bob = run_once(db, as_of=AS_OF, athlete_id=BOB)
    assert only_bob.devices == 1
    assert _rows(db, "SELECT count(*) FROM analytics.sessions WHERE athlete_id = %s", BOB) == [(2,)]
    rest = run_once(db, as_of=AS_OF)
    assert rest.devices == 1
    assert _rows(db, "SELECT count(*) FROM analytics.sessions WHERE athlete_id = %s", ALICE) == [
        (5,)
    ]


def test_explicit_session_events(db: str) -> None:
    start = DAY0 + timedelta(days=5)
    with _connect(db) as conn:
        conn.execute(
            "INSERT INTO telemetry.device_events (device_id, ts, kind) VALUES"
            " (%s, %s, 'session_start'), (%s, %s, 'session_stop')",
            (DEV_A, start, DEV_A, start + timedelta(seconds=299)),
        )
    _ride(db, DEV_A, start + timedelta(seconds=10), 600, power=200, hr=130)
    run_once(db, as_of=AS_OF)
    rows = _rows(
        db,
        "SELECT start_ts, explicit, moving_time_s FROM analytics.sessions"
        " WHERE device_id = %s AND start_ts >= %s ORDER BY start_ts",
        DEV_A,
        start,
    )
    assert rows == [
        (start, True, 290),
        (start + timedelta(seconds=300), False, 310),
    ]
    assert isinstance(AS_OF, date)


def test_late_session_events_regroup_computed_samples(db: str) -> None:
    """Events that arrive after their samples were computed still split the session."""
    start = DAY0 + timedelta(days=4)
    assert _rows(
        db,
        "SELECT count(*) FROM analytics.sessions WHERE device_id = %s AND start_ts = %s",
        DEV_A,
        start,
    ) == [(1,)]
    with _connect(db) as conn:
        conn.execute(
            "INSERT INTO telemetry.device_events (device_id, ts, kind) VALUES"
            " (%s, %s, 'session_start'), (%s, %s, 'session_stop')",
            (DEV_A, start + timedelta(seconds=300), DEV_A, start + timedelta(seconds=599)),
        )
    summary = run_once(db, as_of=AS_OF)
    assert summary.devices == 1
    rows = _rows(
        db,
        "SELECT start_ts, explicit, moving_time_s FROM analytics.sessions"
        " WHERE device_id = %s AND start_ts >= %s AND start_ts < %s ORDER BY start_ts",
        DEV_A,
        start,
        start + timedelta(hours=1),
    )
    assert rows == [(start, False, 300), (start + timedelta(seconds=300), True, 300)]
    assert run_once(db, as_of=AS_OF).devices == 0


def test_incremental_results_equal_a_full_recompute(db: str) -> None:
    """After the incremental runs above, recomputing everything finds nothing to change."""
    before = _snapshot(db)
    full = run_once(db, as_of=AS_OF, since=DAY0 - timedelta(days=400))
    assert full.devices == 2
    assert full.rows_written == 0
    assert _snapshot(db) == before


def test_challenge_progress(db: str) -> None:
    with _connect(db) as conn:
        conn.execute(
            "INSERT INTO gamification.challenges (id, tenant_id, name, metric, target,"
            " starts_at, ends_at) VALUES"
            " ('three-rides', %s, 'Three rides', 'sessions', 3, %s, %s),"
            " ('elsewhere', %s, 'Other club', 'sessions', 1, %s, %s)",
            (
                TENANT,
                DAY0,
                DAY0 + timedelta(days=30),
                str(uuid.uuid4()),
                DAY0,
                DAY0 + timedelta(days=30),
            ),
        )
    run_once(db, as_of=AS_OF, since=DAY0)
    rows = _rows(
        db,
        "SELECT challenge_id, athlete_id::text, value, completed_at"
        " FROM gamification.challenge_progress ORDER BY challenge_id, athlete_id",
    )
    by_athlete = {a: (c, v, done) for c, a, v, done in rows}
    assert {c for c, *_ in rows} == {"three-rides"}  # nobody here is in the other club
    assert by_athlete[ALICE][1] >= 3
    assert by_athlete[ALICE][2] == DAY0 + timedelta(days=2)  # her third ride
    assert by_athlete[BOB][1:] == (1.0, None)  # the 3,000 W hour does not count


def test_a_new_device_recomputes_only_the_sessions_it_touches(db: str) -> None:
    """Alice's new strap, first used on day 6: her older sessions are not recomputed."""
    before = _snapshot(db)["analytics.sessions"]
    strap = str(uuid.uuid4())
    with _connect(db) as conn:
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'strap', 'hr', %s, 'x')",
            (strap, TENANT, ALICE, f"dev-{strap}"),
        )
    _ride(db, strap, DAY0 + timedelta(days=6), 600, power=0, hr=120)
    summary = run_once(db, as_of=AS_OF)
    assert summary.sessions == 1
    after = _snapshot(db)["analytics.sessions"]
    assert all(row in after for row in before)
