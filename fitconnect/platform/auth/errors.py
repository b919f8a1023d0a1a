"""Errors of the auth context."""

from fitconnect.errors import FitConnectError


class AuthError(FitConnectError):
    """Base of the auth context's errors."""


class InvalidCredentialsError(AuthError):
    """Unknown e-mail or wrong password (never says which)."""


class InvalidEmailError(AuthError):
    """A registration whose e-mail is not an address."""


class EmailTakenError(AuthError):
    """An account with this e-mail exists."""


class RoleNotAllowedError(AuthError):
    """A registration asking for a role that registration does not give (admin)."""


class InvalidTokenError(AuthError):
    """A token that is malformed, expired, revoked or already used."""


class RateLimitedError(AuthError):
    """Too many failed logins for this account or address; retry after ``retry_after_s``."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many attempts; retry in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


class WeakPasswordError(AuthError):
    """A password too short or long, among the most common breached ones, or easy to guess."""


class InvalidTenantError(AuthError):
    """A tenant slug that is not 1-63 lowercase letters, digits or hyphens."""


class TenantTakenError(AuthError):
    """Registration named an existing tenant without an invitation to it."""


class InvalidInvitationError(AuthError):
    """An invitation that is unknown, expired, used, revoked, or for another e-mail."""


class NotTenantAdminError(AuthError):
    """Only a tenant's owner (or an admin of it) invites people or deletes the tenant."""


class OwnerCannotLeaveError(AuthError):
    """A tenant's owner deletes the tenant, not only their account, while others are in it."""
