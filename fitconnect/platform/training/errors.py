"""Errors of the training context."""

from fitconnect.errors import FitConnectError


class LiveUnavailableError(FitConnectError):
    """Live data needs a broker, and none is configured."""
