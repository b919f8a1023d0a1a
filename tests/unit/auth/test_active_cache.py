"""The remembered account check: an entry lives its bound and no longer, the cache stays
bounded, and a deleted account's entries go at once."""

import uuid

from fitconnect.platform.auth.active_cache import ACTIVE_CACHE_S, ActiveCache
from fitconnect.platform.auth.models import Principal, Role


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def principal() -> Principal:
    return Principal(uuid.uuid4(), uuid.uuid4(), Role.ATHLETE)


def test_an_entry_is_remembered_for_the_bound_and_then_checked_again() -> None:
    clock = Clock()
    cache = ActiveCache(clock=clock)
    ann = principal()
    cache.put("token-a", ann)

    clock.now += ACTIVE_CACHE_S - 0.01
    remembered = cache.get("token-a")
    clock.now += 0.01
    expired = cache.get("token-a")

    assert remembered == ann
    assert expired is None
    assert len(cache) == 0


def test_a_deleted_accounts_tokens_are_forgotten_at_once() -> None:
    cache = ActiveCache(clock=Clock())
    ann, bob = principal(), principal()
    cache.put("ann-phone", ann)
    cache.put("ann-web", ann)
    cache.put("bob", bob)

    cache.forget([ann.account_id])

    assert cache.get("ann-phone") is None
    assert cache.get("ann-web") is None
    assert cache.get("bob") == bob


def test_the_cache_keeps_at_most_its_size_dropping_the_oldest() -> None:
    cache = ActiveCache(max_entries=3, clock=Clock())
    people = [principal() for _ in range(5)]
    for i, who in enumerate(people):
        cache.put(f"t{i}", who)

    assert len(cache) == 3
    assert cache.get("t0") is None
    assert cache.get("t1") is None
    assert [cache.get(f"t{i}") for i in (2, 3, 4)] == people[2:]


def test_the_documented_bound_is_a_few_seconds() -> None:
    assert 0 < ACTIVE_CACHE_S <= 5
