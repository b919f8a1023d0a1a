"""Access tokens (short-lived signed JWT) and refresh tokens (random, stored as a hash)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Callable

import jwt

from fitconnect.platform.auth.errors import InvalidTokenError
from fitconnect.platform.auth.models import Principal, Role

ALGORITHM = "HS256"


def issue_access_token(principal: Principal, secret: str, ttl_s: int) -> str:
    now = int(time.time())
    claims = {
        "sub": str(principal.account_id),
        "tenant": str(principal.tenant_id),
        "role": principal.role.value,
        "iat": now,
        "exp": now + ttl_s,
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class VerifiedTokens:
    """Access tokens whose signature and claims were checked, remembered until they expire:
    a client sends the same token with every request for its lifetime, and checking it once
    saves the HMAC and the JWT parsing of every other request. Bounded: past ``size`` tokens
    the oldest remembered goes. Only valid tokens are remembered, and a remembered one is
    refused from its expiry on, as a checked one is. ``clock`` (seconds since the epoch) is
    the time expiry is judged by."""

    def __init__(
        self, secret: str, size: int = 10_000, clock: Callable[[], float] = time.time
    ) -> None:
        self._secret = secret
        self._size = size
        self._clock = clock
        self._seen: dict[str, tuple[Principal, float]] = {}

    def verify(self, token: str) -> Principal:
        """The principal of a valid, unexpired access token (from memory when this token
        was checked before); ``InvalidTokenError`` otherwise."""
        now = self._clock()
        known = self._seen.get(token)
        if known is not None and known[1] > now:
            return known[0]
        principal, expires = _verified(token, self._secret, now)
        if len(self._seen) >= self._size:
            del self._seen[next(iter(self._seen))]
        self._seen[token] = (principal, expires)
        return principal


def _verified(token: str, secret: str, now: float) -> tuple[Principal, float]:
    """The principal of a valid access token unexpired at ``now``, and when it expires."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub"], "verify_exp": False},  # judged at ``now``
        )
        if claims.get("typ") != "access":
            raise InvalidTokenError("invalid token (not an access token)")
        expires = float(claims["exp"])
        principal = Principal(
            uuid.UUID(claims["sub"]), uuid.UUID(claims["tenant"]), Role(claims["role"])
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        # The JWT library's own words ("Signature verification failed", "Not enough segments")
        # say nothing a client can act on, and something to an attacker.
        raise InvalidTokenError("invalid token") from exc
    if expires <= now:
        raise InvalidTokenError("invalid token (expired)")
    return principal, expires


def new_refresh_token() -> tuple[str, str]:
    """A refresh token for the client and the hash the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
