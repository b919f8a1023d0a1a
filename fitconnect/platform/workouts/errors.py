"""Errors of the workouts context; ``code`` is the stable code the gateway answers."""

from fitconnect.errors import FitConnectError


class WorkoutError(FitConnectError):
    """Base of the workouts context's errors."""

    code = "VALIDATION"

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class WorkoutFileError(WorkoutError):
    """A workout file that cannot be read (malformed) or a workout a format cannot hold;
    ``reason`` says which (``malformed_zwo``, ``unsupported_fit_step``, …)."""
