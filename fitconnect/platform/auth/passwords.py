"""Password rules (length, breached list, strength) and hashing with argon2id (OWASP
minimum: 19 MiB, 2 iterations, 1 lane)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fitconnect.platform.auth.errors import WeakPasswordError
from fitconnect.strength import estimate, is_breached

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
MIN_SCORE = 3
"""zxcvbn's 3: 'safely unguessable', about 10^8 guesses, enough for an online attack that
the login limit slows."""

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the account does not exist, so timing does not reveal which e-mails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-the-same-cost")


def check_password(password: str, context: Sequence[str] = ()) -> None:
    """``WeakPasswordError`` saying why, for a password too short or long, among the most
    common breached ones, or guessable by zxcvbn (which also looks for ``context``: the
    e-mail and name of the account)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    if is_breached(password):
        raise WeakPasswordError(
            "this password is one of the most common in breaches; choose another"
        )
    found = estimate(password, [part for c in context for part in _words(c)])
    if found.score < MIN_SCORE:
        advice = f": {found.feedback}" if found.feedback else ""
        raise WeakPasswordError(f"this password is too easy to guess{advice}")


def _words(text: str) -> list[str]:
    """An e-mail or a name and its parts, as zxcvbn's user inputs."""
    local = text.split("@", 1)[0]
    return [text, local, *local.replace(".", " ").replace("_", " ").split()]


async def hash_password(password: str) -> str:
    """argon2id hash, computed off the event loop."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash`` (False for a missing account)."""

    def check() -> bool:
        try:
            return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)
