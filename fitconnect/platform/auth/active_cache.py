"""Who a token is, remembered for a moment: a dashboard request then costs no JWT
verification and no database read for its account check.

An entry lives ``ACTIVE_CACHE_S`` seconds. Deleting an account or a tenant in this process
forgets its accounts at once; the other gateway processes see it when their entry expires, so
a deleted account loses access everywhere within ``ACTIVE_CACHE_S`` (docs/api.md says so).
The cache is bounded: when full, the oldest entries go.
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from fitconnect.platform.auth.models import Principal

ACTIVE_CACHE_S = 2.0
"""The longest a deleted account or tenant keeps access in another gateway process."""
ACTIVE_CACHE_ENTRIES = 10_000


class ActiveCache:
    """Access token -> the principal the database last confirmed, for ``ttl_s`` seconds."""

    def __init__(
        self,
        ttl_s: float = ACTIVE_CACHE_S,
        max_entries: int = ACTIVE_CACHE_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[0] <= self._clock():
            del self._entries[token]
            return None
        return entry[1]

    def put(self, token: str, principal: Principal) -> None:
        self._entries[token] = (self._clock() + self._ttl_s, principal)
        self._entries.move_to_end(token)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget(self, account_ids: Iterable[uuid.UUID]) -> None:
        """Every entry of these accounts (deleted, or their tenant deleted)."""
        gone = set(account_ids)
        for token in [t for t, (_, p) in self._entries.items() if p.account_id in gone]:
            del self._entries[token]

    def __len__(self) -> int:
        return len(self._entries)
