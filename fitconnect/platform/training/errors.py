"""Errors of the training context."""

from fitconnect.errors import FitConnectError


class LiveUnavailableError(FitConnectError):
    """Live data needs a broker, and none is configured."""


class ReportNotFoundError(FitConnectError):
    """No report job with that id was requested by the caller."""


class UnknownReportKindError(FitConnectError):
    """The report kind or its parameters are not ones the platform computes."""


class SessionNotFoundError(FitConnectError):
    """No session of the athlete with that device and start."""
