"""Passwords: long enough is not enough; common, breached and guessable ones are refused."""

import pytest

from fitconnect.platform.auth.errors import WeakPasswordError
from fitconnect.platform.auth.passwords import check_password


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10"),
        ("x" * 129, "at most 128"),
        ("aaaaaaaaaa", "too easy to guess"),
        (" " * 10, "too easy to guess"),
        ("1234567890", "most common in breaches"),
        ("Password123", "most common in breaches"),
        ("qwertyuiop", "most common in breaches"),
        ("abcdefghij", "too easy to guess"),
    ],
)
def test_refuses_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPasswordError, match=reason):
        check_password(password)


def test_a_password_made_of_the_accounts_own_email_and_name_is_refused() -> None:
    check_password("grace.hopper1906")  # unguessable enough on its own
    with pytest.raises(WeakPasswordError, match="too easy to guess"):
        check_password("grace.hopper1906", ["grace.hopper@example.com", "Grace Hopper"])


@pytest.mark.parametrize(
    "password", ["correct horse battery", "Tr0ub4dour&3x", "plum-orbit-kettle-" * 5]
)
def test_accepts_hard_to_guess_passwords(password: str) -> None:
    check_password(password)
