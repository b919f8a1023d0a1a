"""Errors of the workouts context; ``reason`` (a file's or the model's) leads the message."""

from fitconnect.errors import FitConnectError


class WorkoutError(FitConnectError):
    """Base of the workouts context's errors."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(f"{reason}: {message}" if reason else message)
        self.reason = reason


class WorkoutFileError(WorkoutError):
    """A workout file that cannot be read (malformed) or a workout a format cannot hold;
    ``reason`` says which (``malformed_zwo``, ``unsupported_fit_step``, …)."""


class PlannedWorkoutNotFoundError(WorkoutError):
    """No planned workout with that id the caller may see (another athlete's is not found)."""


class InvalidPlanError(WorkoutError):
    """A plan the calendar refuses: a day too far off, a window too long, no such library
    session, not exactly one workout given."""
