"""Errors of the social context."""

from fitconnect.errors import FitConnectError


class ClubNotFoundError(FitConnectError):
    """No club with that id in the caller's tenant."""


class AthleteNotFoundError(FitConnectError):
    """No athlete with that id in the caller's tenant."""


class ClubNameTakenError(FitConnectError):
    """The tenant already has a club of that name."""


class InvalidClubNameError(FitConnectError):
    """A club name has 1 to 100 characters."""


class NotAClubMemberError(FitConnectError):
    """Only a club's members see its leaderboard."""
