"""Events queued by ``enqueue`` in the caller's transaction, rendered and fanned out once."""

import uuid

import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.notifications import service as notifications
from fitconnect.platform.notifications.dispatch import dispatch_pending
from fitconnect.platform.notifications.errors import NotificationDataError
from fitconnect.platform.notifications.service import NotificationKind, NotificationService

pytestmark = pytest.mark.integration


async def _enqueue(
    pool: AsyncConnectionPool,
    account: uuid.UUID,
    kind: NotificationKind,
    data: dict[str, notifications.TemplateValue],
    key: str,
) -> bool:
    async with pool.connection() as conn, conn.transaction():
        return await notifications.enqueue(conn, account, kind, data, event_key=key)


async def _titles(pool: AsyncConnectionPool, account: uuid.UUID) -> list[str]:
    return [n.title for n in (await NotificationService(pool).inbox(account)).items]


async def test_the_same_event_twice_is_one_notification(pool: AsyncConnectionPool) -> None:
    athlete = uuid.uuid4()
    data: dict[str, notifications.TemplateValue] = {"badge_name": "Century"}
    assert await _enqueue(pool, athlete, NotificationKind.BADGE_EARNED, data, "badge:century")
    await dispatch_pending(pool)
    again = await _enqueue(pool, athlete, NotificationKind.BADGE_EARNED, data, "badge:century")
    await dispatch_pending(pool)

    assert again is False
    assert await _titles(pool, athlete) == ["Badge earned: Century"]


async def test_an_event_rolled_back_with_its_cause_is_never_delivered(
    pool: AsyncConnectionPool,
) -> None:
    athlete = uuid.uuid4()

    async def failing_change() -> None:
        async with pool.connection() as conn, conn.transaction():
            await notifications.enqueue(
                conn, athlete, NotificationKind.LEVEL_UP, {"level": 3}, event_key="level:3"
            )
            raise LookupError("the change that caused it fails")

    with pytest.raises(LookupError):
        await failing_change()
    await dispatch_pending(pool)
    assert await _titles(pool, athlete) == []


async def test_a_template_missing_a_variable_is_recorded_and_holds_up_nothing_else(
    pool: AsyncConnectionPool,
) -> None:
    athlete = uuid.uuid4()
    await _enqueue(pool, athlete, NotificationKind.COACH_INVITE, {"coach": "Bo"}, "invite:1")
    await _enqueue(pool, athlete, NotificationKind.LEVEL_UP, {"level": 4}, "level:4")
    await dispatch_pending(pool)

    assert await _titles(pool, athlete) == ["Level 4 reached"]
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT render_error, dispatched_at IS NOT NULL FROM notifications.outbox"
            " WHERE account_id = %s AND kind = 'coach_invite'",
            (athlete,),
        )
        assert await cur.fetchall() == [
            ("template en/coach_invite.txt: 'coach_name' is undefined", True)
        ]


@pytest.mark.parametrize(
    ("data", "key", "reason"),
    [
        ({"level": [1, 2]}, "level:1", "string, number or bool"),
        ({"level": "x" * 5000}, "level:1", "over 4096 bytes"),
        ({"level": 1}, "", "event_key"),
    ],
)
async def test_bad_event_data_is_refused_in_the_callers_transaction(
    pool: AsyncConnectionPool, data: dict[str, object], key: str, reason: str
) -> None:
    athlete = uuid.uuid4()
    with pytest.raises(NotificationDataError, match=reason):
        await _enqueue(pool, athlete, NotificationKind.LEVEL_UP, data, key)  # type: ignore[arg-type]
    await dispatch_pending(pool)
    assert await _titles(pool, athlete) == []
