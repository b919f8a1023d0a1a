"""Login throttling on the real database: atomic, not reset by an attacker, never a lockout."""

import asyncio

import pytest
from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.errors import InvalidCredentialsError, RateLimitedError
from fitconnect.platform.auth.models import Role
from fitconnect.platform.auth.rate_limit import ACCOUNT, ADDRESS, PAIR
from fitconnect.platform.auth.service import AuthService, TokenPolicy

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
WRONG = "not the password at all"


def service(pool: AsyncConnectionPool) -> AuthService:
    return AuthService(pool, TokenPolicy("s" * 40, 900, 3600))


async def outcome(auth: AuthService, email: str, password: str, address: str) -> str:
    try:
        await auth.login(email, password, address)
    except RateLimitedError:
        return "limited"
    except InvalidCredentialsError:
        return "wrong"
    return "ok"


async def test_concurrent_wrong_passwords_are_counted_before_any_is_checked(
    pool: AsyncConnectionPool,
) -> None:
    auth = service(pool)
    await auth.register("burst@example.com", PASSWORD, "Burst", Role.ATHLETE, "burst")

    results = await asyncio.gather(
        *(outcome(auth, "burst@example.com", WRONG, "192.0.2.1") for _ in range(30))
    )

    assert results.count("wrong") == PAIR.threshold
    assert results.count("limited") == 30 - PAIR.threshold


async def test_an_attackers_own_good_login_does_not_reset_the_address(
    pool: AsyncConnectionPool,
) -> None:
    auth = service(pool)
    await auth.register("mallory@example.com", PASSWORD, "Mallory", Role.ATHLETE, "mallory")
    address = "192.0.2.2"
    for i in range(ADDRESS.threshold - 1):
        assert await outcome(auth, f"victim{i}@example.com", WRONG, address) == "wrong"
    assert await outcome(auth, "mallory@example.com", PASSWORD, address) == "ok"

    assert await outcome(auth, "victim-last@example.com", WRONG, address) == "wrong"
    assert await outcome(auth, "victim-more@example.com", WRONG, address) == "limited"


async def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(
    pool: AsyncConnectionPool,
) -> None:
    auth = service(pool)
    await auth.register("owner@example.com", PASSWORD, "Owner", Role.ATHLETE, "owner")
    for _ in range(PAIR.threshold):
        assert await outcome(auth, "owner@example.com", WRONG, "192.0.2.3") == "wrong"

    attacker_again = await outcome(auth, "owner@example.com", PASSWORD, "192.0.2.3")
    owner_elsewhere = await outcome(auth, "owner@example.com", PASSWORD, "198.51.100.1")

    assert attacker_again == "limited"  # that address waits, even with the right password
    assert owner_elsewhere == "ok"


async def test_a_distributed_guess_slows_the_account_for_seconds_not_longer(
    pool: AsyncConnectionPool,
) -> None:
    auth = service(pool)
    await auth.register("famous@example.com", PASSWORD, "Famous", Role.ATHLETE, "famous")
    for i in range(ACCOUNT.threshold):
        assert await outcome(auth, "famous@example.com", WRONG, f"203.0.113.{i}") == "wrong"

    with pytest.raises(RateLimitedError) as slowed:
        await auth.login("famous@example.com", PASSWORD, "198.51.100.2")

    assert 0 < slowed.value.retry_after_s <= ACCOUNT.cap_s
    for _ in range(5):  # waiting attempts are not counted: the wait does not grow
        with pytest.raises(RateLimitedError) as again:
            await auth.login("famous@example.com", WRONG, "198.51.100.3")
        assert again.value.retry_after_s <= slowed.value.retry_after_s
