"""Each event raised by its real cause, through the service that owns the change: coaching,
follows, a password change, and the analytics run (FTP up, a record, a badge, a level)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.analytics.jobs import run_once
from fitconnect.platform.auth.models import Account, Principal, Role
from fitconnect.platform.auth.service import AuthService, TokenPolicy
from fitconnect.platform.auth.tenancy import TenancyService
from fitconnect.platform.coaching.service import CoachingService
from fitconnect.platform.notifications.dispatch import dispatch_pending
from fitconnect.platform.notifications.service import NotificationService
from fitconnect.platform.social.service import SocialService

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


def _auth(pool: AsyncConnectionPool) -> AuthService:
    return AuthService(pool, TokenPolicy("t" * 40, 900, 3600))


def _principal(account: Account) -> Principal:
    return Principal(account.id, account.tenant_id, account.role)


async def _team(pool: AsyncConnectionPool) -> tuple[Account, Account]:
    """A coach who founded a tenant, and an athlete invited into it."""
    tag = uuid.uuid4().hex[:8]
    coach = await _auth(pool).register(
        f"coach-{tag}@example.com", PASSWORD, "Coach Kim", Role.COACH
    )
    invitation = await TenancyService(pool).invite(_principal(coach), Role.ATHLETE)
    athlete = await _auth(pool).register(
        f"ath-{tag}@example.com", PASSWORD, "Ann Athlete", Role.ATHLETE, invitation=invitation.token
    )
    return coach, athlete


async def _inbox(pool: AsyncConnectionPool, account: Account) -> list[tuple[str, str]]:
    await dispatch_pending(pool)
    page = await NotificationService(pool).inbox(account.id)
    return [(n.kind, n.title) for n in page.items if n.kind != "welcome"]


async def test_coaching_invitation_acceptance_and_revocation_notify_the_other_side(
    pool: AsyncConnectionPool,
) -> None:
    coach, athlete = await _team(pool)
    coaching = CoachingService(pool)
    await coaching.invite(_principal(coach), athlete.email)
    assert await _inbox(pool, athlete) == [("coach_invite", "Coach Kim invites you to be coached")]
    await coaching.respond(_principal(athlete), coach.id, accept=True)
    await coaching.revoke(_principal(athlete), coach.id)
    assert await _inbox(pool, coach) == [
        ("coach_revoked", "Coaching with Ann Athlete has ended"),
        ("coach_accepted", "Ann Athlete accepted your invitation"),
    ]


async def test_a_refused_invitation_tells_nobody(pool: AsyncConnectionPool) -> None:
    coach, athlete = await _team(pool)
    coaching = CoachingService(pool)
    await coaching.invite(_principal(coach), athlete.email)
    await coaching.respond(_principal(athlete), coach.id, accept=False)
    assert await _inbox(pool, coach) == []


async def test_a_new_follower_is_notified_once(pool: AsyncConnectionPool) -> None:
    coach, athlete = await _team(pool)
    social = SocialService(pool)
    await social.follow(_principal(coach), athlete.id)
    await social.follow(_principal(coach), athlete.id)  # already following: no news
    assert await _inbox(pool, athlete) == [("new_follower", "Coach Kim follows you")]


async def test_a_password_change_is_notified(pool: AsyncConnectionPool) -> None:
    _, athlete = await _team(pool)
    await _auth(pool).change_password(_principal(athlete), PASSWORD, "a brand new passphrase 7")
    assert await _inbox(pool, athlete) == [("password_changed", "Your password was changed")]


def _ride(url: str, device: str, start: datetime, seconds: int, power: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT telemetry.ensure_partitions(%s::date - 1, 3)", (start.date(),))
        with conn.cursor().copy(
            "COPY telemetry.samples (device_id, ts, heart_rate_bpm, power_w, speed_kmh) FROM STDIN"
        ) as copy:
            for i in range(seconds):
                copy.write_row((device, start + timedelta(seconds=i), 150, power, 30.0))


async def test_the_analytics_run_notifies_ftp_up_a_record_and_a_badge_once(
    pool: AsyncConnectionPool, database_url: str
) -> None:
    _, athlete = await _team(pool)
    device = str(uuid.uuid4())
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash) VALUES (%s, %s, %s, 'trainer', 'ftms', %s, 'x')",
            (device, athlete.tenant_id, athlete.id, f"dev-{device}"),
        )
    day = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=2)
    _ride(database_url, device, day, 1500, power=200)
    run_once(database_url)
    first = await _inbox(pool, athlete)
    assert ("badge_earned", "Badge earned: First workout") in first
    assert not any(kind == "ftp_up" for kind, _ in first)  # a first estimate is no rise

    _ride(database_url, device, day + timedelta(days=1), 1500, power=260)
    run_once(database_url)
    run_once(database_url, since=day - timedelta(days=1))  # a recompute: nothing new
    second = [n for n in await _inbox(pool, athlete) if n not in first]
    assert ("ftp_up", "FTP up: 247 W") in second
    assert ("personal_record", "New personal record: 20 min power") in second
    assert len(second) == len(set(second))


async def test_a_sign_in_from_a_new_device_is_notified_and_a_known_one_is_not(
    pool: AsyncConnectionPool,
) -> None:
    _, athlete = await _team(pool)
    auth = _auth(pool)
    laptop, phone = "Firefox/133.0 (X11; Linux)", "FitConnect/2.1 (iPhone; iOS 18.1)"
    await auth.login(athlete.email, PASSWORD, "198.51.100.7", laptop)  # the first: no news
    await auth.login(athlete.email, PASSWORD, "198.51.100.8", laptop)
    assert await _inbox(pool, athlete) == []
    await auth.login(athlete.email, PASSWORD, "203.0.113.9", phone)
    assert await _inbox(pool, athlete) == [("new_sign_in", f"New sign-in from {phone}")]
