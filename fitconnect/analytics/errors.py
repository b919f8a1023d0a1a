"""What analytics refuses, as part of the FitConnect error tree."""

from fitconnect.errors import FitConnectError


class AnalyticsError(FitConnectError):
    """Base of the analytics errors."""


class ActivityFileError(AnalyticsError):
    """An activity file that cannot be read (not FIT, truncated, no records)."""
