"""What the gamification context refuses."""

from fitconnect.errors import FitConnectError


class UnknownLeaderboardError(FitConnectError):
    """A leaderboard period or metric that is not computed, or a club board without a club."""
