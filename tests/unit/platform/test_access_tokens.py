"""Access tokens are checked once and remembered until they expire; nothing else passes."""

import time
import uuid

import pytest

from fitconnect.platform.auth.errors import InvalidTokenError
from fitconnect.platform.auth.models import Principal, Role
from fitconnect.platform.auth.tokens import VerifiedTokens, issue_access_token

SECRET = "a-secret-of-the-tests-that-is-long-enough-for-hs256"
PRINCIPAL = Principal(uuid.uuid4(), uuid.uuid4(), Role.ATHLETE)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_token_is_accepted_again_from_memory_until_it_expires() -> None:
    clock = Clock()
    tokens = VerifiedTokens(SECRET, clock=clock)
    token = issue_access_token(PRINCIPAL, SECRET, ttl_s=60)
    assert tokens.verify(token) == PRINCIPAL
    clock.now += 59
    assert tokens.verify(token) == PRINCIPAL
    clock.now += 2  # past its expiry: refused, though it was remembered
    with pytest.raises(InvalidTokenError, match="expired"):
        tokens.verify(token)


@pytest.mark.parametrize(
    "token",
    [
        issue_access_token(PRINCIPAL, "another-secret-that-is-long-enough-for-hs256!", 60),
        issue_access_token(PRINCIPAL, SECRET, 60)[:-2] + "xx",  # its signature tampered with
        "not.a.token",
        "",
    ],
    ids=["other secret", "tampered", "garbage", "empty"],
)
def test_a_bad_token_is_refused_every_time_and_never_remembered(token: str) -> None:
    tokens = VerifiedTokens(SECRET)
    for _ in range(2):
        with pytest.raises(InvalidTokenError, match=r"^invalid token$"):
            tokens.verify(token)
