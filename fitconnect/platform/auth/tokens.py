"""Access tokens (short-lived signed JWT) and refresh tokens (random, stored as a hash)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid

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


def verify_access_token(token: str, secret: str) -> Principal:
    """The principal of a valid, unexpired access token; ``InvalidTokenError`` otherwise."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
        if claims.get("typ") != "access":
            raise InvalidTokenError("invalid token (not an access token)")
        return Principal(
            uuid.UUID(claims["sub"]), uuid.UUID(claims["tenant"]), Role(claims["role"])
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("invalid token (expired)") from exc
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        # The JWT library's own words ("Signature verification failed", "Not enough segments")
        # say nothing a client can act on, and something to an attacker.
        raise InvalidTokenError("invalid token") from exc


def new_refresh_token() -> tuple[str, str]:
    """A refresh token for the client and the hash the database keeps."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
