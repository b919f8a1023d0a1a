"""Errors of the coaching context."""

from fitconnect.errors import FitConnectError


class CoachingError(FitConnectError):
    """Base of the coaching context's errors."""


class NotACoachError(CoachingError):
    """Only accounts with the coach role invite athletes."""


class NoSuchAthleteError(CoachingError):
    """No athlete with this e-mail in the coach's tenant."""


class NoSuchInvitationError(CoachingError):
    """No pending invitation (or link) between these two accounts."""


class ReadForbiddenError(CoachingError):
    """The caller may not read this athlete's data."""
