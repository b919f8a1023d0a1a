"""Waiting on a condition with a deadline: what tests do instead of sleeping a fixed time."""

import asyncio
import time
from collections.abc import Awaitable, Callable

POLL_S = 0.05


def wait_until(predicate: Callable[[], object], timeout_s: float, what: str) -> None:
    """Return as soon as ``predicate()`` is true; fail naming ``what`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s} s"
        time.sleep(POLL_S)  # the polling interval of a deadline-bounded wait


async def eventually(
    predicate: Callable[[], Awaitable[object]], timeout_s: float, what: str
) -> None:
    """``wait_until`` for an async condition, without blocking the event loop."""
    deadline = time.monotonic() + timeout_s
    while not await predicate():
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s} s"
        await asyncio.sleep(POLL_S)  # the polling interval of a deadline-bounded wait
