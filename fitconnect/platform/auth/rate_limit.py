"""Login throttling, kept in PostgreSQL so every gateway process enforces the same limits.

Following OWASP's Authentication Cheat Sheet (account lockout: threshold, observation window,
an exponential lockout duration), an attempt is counted against three keys:

- the account and the address together: five failures in an hour, then that address waits
  30 s, doubling with every further failure up to 30 min. One address guessing one account is
  stopped there, and its failures never touch the owner's logins from elsewhere;
- the address alone: twenty failures in 15 min over any accounts (credential stuffing), then it
  waits one minute, doubling up to 15 min. A success is not a failure, and never clears it;
- the account alone, from every address (a distributed guess): ten failures in an hour, then
  a delay of 1 s doubling up to 30 s before the next attempt. It slows, never locks: the owner
  waits at most half a minute.

Counting is atomic: one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` counts the attempt
against every key before its password is verified, so concurrent attempts cannot slip past;
an attempt refused because a key waits is not counted anywhere. A success then takes its own
count back from the address, and clears the account's and the pair's.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from fitconnect.platform.auth.errors import RateLimitedError


@dataclass(frozen=True, slots=True)
class Rule:
    """``threshold`` failures, each within ``window_s`` of the previous, start a wait of
    ``base_s`` seconds that doubles with each further failure, up to ``cap_s``."""

    threshold: int
    window_s: float
    base_s: float
    cap_s: float


PAIR = Rule(threshold=5, window_s=3600, base_s=30, cap_s=1800)
ADDRESS = Rule(threshold=20, window_s=900, base_s=60, cap_s=900)
ACCOUNT = Rule(threshold=10, window_s=3600, base_s=1, cap_s=30)

_KEEP_IDLE_S = 86_400.0  # keys idle this long are forgotten (every window is shorter)

_COUNT = """
WITH spec AS (
    SELECT * FROM unnest(%(keys)s::text[], %(thresholds)s::int[], %(windows)s::float8[],
                         %(bases)s::float8[], %(caps)s::float8[])
        AS s (key, threshold, window_s, base_s, cap_s)
), waiting AS (
    SELECT 1 FROM users.login_attempts a JOIN spec USING (key) WHERE a.blocked_until > now()
), forgotten AS (
    DELETE FROM users.login_attempts WHERE key IN (
        SELECT key FROM users.login_attempts
        WHERE last_at < now() - make_interval(secs => %(keep_s)s) LIMIT 100)
)
INSERT INTO users.login_attempts AS a
    (key, failures, last_at, blocked_until, threshold, window_s, base_s, cap_s)
SELECT key, 1, now(),
       CASE WHEN threshold <= 1 THEN now() + make_interval(secs => base_s) END,
       threshold, window_s, base_s, cap_s
FROM spec WHERE NOT EXISTS (SELECT 1 FROM waiting)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE
        WHEN a.blocked_until > now() THEN a.failures
        WHEN a.last_at < now() - make_interval(secs => EXCLUDED.window_s) THEN 1
        ELSE a.failures + 1 END,
    blocked_until = CASE
        WHEN a.blocked_until > now() THEN a.blocked_until
        WHEN a.last_at < now() - make_interval(secs => EXCLUDED.window_s) THEN
            CASE WHEN EXCLUDED.threshold <= 1
                 THEN now() + make_interval(secs => EXCLUDED.base_s) END
        WHEN a.failures + 1 >= EXCLUDED.threshold THEN now() + make_interval(secs => least(
            EXCLUDED.cap_s, EXCLUDED.base_s * 2 ^ (a.failures + 1 - EXCLUDED.threshold)))
        END,
    last_at = CASE WHEN a.blocked_until > now() THEN a.last_at ELSE now() END,
    threshold = EXCLUDED.threshold, window_s = EXCLUDED.window_s,
    base_s = EXCLUDED.base_s, cap_s = EXCLUDED.cap_s
RETURNING last_at <> now() AS refused, extract(epoch FROM blocked_until - now())::float8
"""

_WAIT = (
    "SELECT max(extract(epoch FROM blocked_until - now()))::float8 FROM users.login_attempts"
    " WHERE key = ANY(%s) AND blocked_until > now()"
)

# A success: its own attempt is taken back from the address (whose other failures stay),
# the account's and the pair's counts are cleared.
_TAKE_BACK = (
    "UPDATE users.login_attempts SET failures = greatest(failures - 1, 0), blocked_until = NULL"
    " WHERE key = %s"
)
_CLEAR = "DELETE FROM users.login_attempts WHERE key = ANY(%s)"


@dataclass(frozen=True, slots=True)
class LoginKeys:
    """The keys one login attempt is counted against."""

    account: str
    address: str

    @classmethod
    def of(cls, email: str, address: str) -> LoginKeys:
        return cls(account=email.strip().lower(), address=address)

    @property
    def rules(self) -> dict[str, Rule]:
        return {
            f"pair:{self.account}|{self.address}": PAIR,
            f"address:{self.address}": ADDRESS,
            f"account:{self.account}": ACCOUNT,
        }


class LoginLimiter:
    """Counts attempts before their password is checked; refuses keys that must wait."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def attempt(self, keys: LoginKeys) -> None:
        """Count an attempt (as a failure until ``succeeded``); ``RateLimitedError`` with the
        seconds to wait, uncounted, when one of its keys must wait."""
        rules = keys.rules
        params = {
            "keys": list(rules),
            "thresholds": [r.threshold for r in rules.values()],
            "windows": [r.window_s for r in rules.values()],
            "bases": [r.base_s for r in rules.values()],
            "caps": [r.cap_s for r in rules.values()],
            "keep_s": _KEEP_IDLE_S,
        }
        async with self._pool.connection() as conn:
            cur = await conn.execute(_COUNT, params)
            rows = await cur.fetchall()
            if not rows:  # a key was waiting already: nothing was counted
                cur = await conn.execute(_WAIT, (list(rules),))
                found = await cur.fetchone()
                raise RateLimitedError(max(1.0, float(found[0] or 1.0) if found else 1.0))
        waits = [float(wait) for refused, wait in rows if refused and wait is not None]
        if waits:  # a concurrent attempt made a key wait between the two reads
            raise RateLimitedError(max(1.0, *waits))

    async def succeeded(self, keys: LoginKeys) -> None:
        pair, address, account = keys.rules
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(_TAKE_BACK, (address,))
            await conn.execute(_CLEAR, ([pair, account],))
