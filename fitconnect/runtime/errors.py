"""Why the runtime could not start: each message says what failed and what to do about it."""

from fitconnect.errors import FitConnectError


class StartupError(FitConnectError):
    """A service or a process could not start (a taken port, a missing binary, a refusal)."""
