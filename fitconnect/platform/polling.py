"""The loop of every background worker: run a step until stopped, resting when it is idle."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def every(poll_s: float, stop: asyncio.Event, step: Callable[[], Awaitable[bool]]) -> None:
    """Run ``step`` until ``stop``; wait ``poll_s`` between runs unless it says there is more."""
    while not stop.is_set():
        if await step():
            continue
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_s)
        except TimeoutError:
            continue
