"""Errors of the auth context."""

from fitconnect.errors import FitConnectError


class AuthError(FitConnectError):
    """Base of the auth context's errors."""


class InvalidCredentialsError(AuthError):
    """Unknown e-mail or wrong password (never says which)."""


class EmailTakenError(AuthError):
    """An account with this e-mail exists."""


class InvalidTokenError(AuthError):
    """A token that is malformed, expired, revoked or already used."""


class RateLimitedError(AuthError):
    """Too many failed logins for this account or address; retry after ``retry_after_s``."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many attempts; retry in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


class WeakPasswordError(AuthError):
    """A password too short or long, among the most common breached ones, or easy to guess."""
