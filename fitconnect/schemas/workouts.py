"""A structured workout as data: the model the platform plans and the edge agent runs.

It is part of the wire contract because a "start workout" command carries it to the agent
(``fitconnect.schemas.commands``); the platform reads and writes files of it (ZWO, ERG/MRC,
FIT) and the edge agent executes it, and neither may import the other.

A workout is a sequence of steps and repeat blocks (one level deep, as in ZWO and FIT). A step
has a kind (warm-up, interval, recovery, cool-down, free ride), a duration in seconds or a
distance in metres, a primary target (per cent of FTP, watts, a heart-rate zone or a cadence)
and an optional cadence. A target is a range (``low`` … ``high``, equal for one value) or, with
``ramp``, a value that moves from ``low`` at the step's start to ``high`` at its end (a cool-down
ramps down: ``low`` above ``high``).

Every struct validates in ``__post_init__``: a negative duration, a target above 2,000 W (or
500 % of FTP), a repeat of 0 raise ``WireError`` with a stable reason, so a bad workout is never
stored nor sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

import msgspec

from fitconnect.schemas.errors import WireError

MAX_WATTS = 2_000.0
MAX_FTP_PCT = 500.0
MAX_CADENCE_RPM = 250.0
HR_ZONES = 5
MAX_REPEAT = 100
MAX_STEP_S = 24 * 3600.0
MAX_STEP_M = 1_000_000.0
MAX_STEPS = 500


class StepKind(StrEnum):
    WARMUP = "warmup"
    INTERVAL = "interval"
    RECOVERY = "recovery"
    COOLDOWN = "cooldown"
    FREE_RIDE = "free_ride"


class TargetKind(StrEnum):
    FTP_PCT = "ftp_pct"
    """Per cent of the athlete's FTP (100 is FTP)."""
    WATTS = "watts"
    HR_ZONE = "hr_zone"
    """A heart-rate zone, 1 to 5 (``low``..``high`` may span zones)."""
    CADENCE = "cadence"
    """Revolutions per minute."""
    HEART_RATE = "heart_rate"
    """Beats per minute."""
    HR_PCT_MAX = "hr_pct_max"
    """Per cent of the athlete's maximum heart rate."""


_LIMITS: dict[TargetKind, tuple[float, float]] = {
    TargetKind.FTP_PCT: (0.0, MAX_FTP_PCT),
    TargetKind.WATTS: (0.0, MAX_WATTS),
    TargetKind.HR_ZONE: (1.0, float(HR_ZONES)),
    TargetKind.CADENCE: (0.0, MAX_CADENCE_RPM),
    TargetKind.HEART_RATE: (30.0, 250.0),
    TargetKind.HR_PCT_MAX: (0.0, 100.0),
}


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """What to hold: a range ``low``..``high``, or with ``ramp`` a value moving from ``low`` to
    ``high`` over the step."""

    kind: TargetKind
    low: float
    high: float
    ramp: bool = False

    def __post_init__(self) -> None:
        least, most = _LIMITS[self.kind]
        for value in (self.low, self.high):
            if value != value or not least <= value <= most:  # noqa: PLR0124 - NaN check
                code = "target_too_high" if value > most else "bad_target"
                raise WireError(code, f"{self.kind} target {value} is not in {least}..{most}")
        if not self.ramp and self.low > self.high:
            raise WireError("bad_target", f"range {self.low}..{self.high} is upside down")

    def at(self, fraction: float) -> float:
        """The value to hold ``fraction`` (0..1) into the step: a range's middle, or the
        ramp's point."""
        if self.ramp:
            return self.low + (self.high - self.low) * min(max(fraction, 0.0), 1.0)
        return (self.low + self.high) / 2


class UntilKind(StrEnum):
    LAP = "lap"
    """Until the athlete presses lap (an open step)."""
    HR_BELOW = "hr_below"
    """Until the heart rate falls below ``value`` bpm (a recovery done by feel)."""
    HR_ABOVE = "hr_above"
    """Until the heart rate rises above ``value`` bpm."""


class Until(msgspec.Struct, frozen=True, kw_only=True):
    """A step that ends on a condition instead of a time or a distance."""

    kind: UntilKind
    value: float | None = None

    def __post_init__(self) -> None:
        wants_value = self.kind is not UntilKind.LAP
        if wants_value != (self.value is not None):
            raise WireError(
                "bad_duration", f"{self.kind} takes {'a' if wants_value else 'no'} value"
            )
        if self.value is not None and not 30 <= self.value <= 250:
            raise WireError("bad_duration", f"heart rate {self.value} is not in 30..250 bpm")


class Step(msgspec.Struct, frozen=True, kw_only=True, tag="step"):
    """One step: a duration (seconds), a distance (metres) or a condition; a target; a
    cadence."""

    kind: StepKind
    duration_s: float | None = None
    distance_m: float | None = None
    until: Until | None = None
    target: Target | None = None
    cadence: Target | None = None
    name: str = ""

    def __post_init__(self) -> None:
        ends = (self.duration_s, self.distance_m, self.until)
        if sum(end is not None for end in ends) != 1:
            raise WireError(
                "bad_duration", "a step has one of a duration, a distance or an end condition"
            )
        for name, value, most in (
            ("duration_s", self.duration_s, MAX_STEP_S),
            ("distance_m", self.distance_m, MAX_STEP_M),
        ):
            if value is None:
                continue
            if value != value or value <= 0:  # noqa: PLR0124 - NaN check
                raise WireError("negative_duration", f"{name} {value} is not positive")
            if value > most:
                raise WireError("bad_duration", f"{name} {value} is over {most}")
        if self.cadence is not None and self.cadence.kind is not TargetKind.CADENCE:
            raise WireError("bad_target", "a step's cadence is a cadence target")
        if self.kind is StepKind.FREE_RIDE and self.target is not None:
            raise WireError("bad_target", "a free ride has no target")
        if len(self.name) > 200:
            raise WireError("bad_name", "a step's name is at most 200 characters")


class Repeat(msgspec.Struct, frozen=True, kw_only=True, tag="repeat"):
    """``steps`` done ``count`` times in a row (an interval set: on, off, on, off, …)."""

    count: int
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_REPEAT:
            raise WireError("bad_repeat", f"a repeat count is 1..{MAX_REPEAT}, not {self.count}")
        if not self.steps:
            raise WireError("bad_repeat", "a repeat holds at least one step")


class WorkoutSport(StrEnum):
    RIDE = "ride"
    RUN = "run"
    ROW = "row"


class Workout(msgspec.Struct, frozen=True, kw_only=True):
    """A named structured workout."""

    name: str
    steps: tuple[Step | Repeat, ...]
    sport: WorkoutSport = WorkoutSport.RIDE
    description: str = ""
    author: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 200:
            raise WireError("bad_name", "a workout's name is 1 to 200 characters")
        if len(self.description) > 10_000:
            raise WireError("bad_name", "a workout's description is at most 10,000 characters")
        if not self.steps:
            raise WireError("empty_workout", "a workout has at least one step")
        if sum(1 for _ in self.flat()) > MAX_STEPS:
            raise WireError("too_many_steps", f"a workout has at most {MAX_STEPS} steps")

    def flat(self) -> Iterator[Step]:
        """The steps in the order they are done, repeats unrolled."""
        for item in self.steps:
            if isinstance(item, Repeat):
                for _ in range(item.count):
                    yield from item.steps
            else:
                yield item

    def timeline(self) -> list[TimedStep]:
        """The timed steps with their start offsets (steps of a distance or a condition are
        left out: their time is the athlete's)."""
        out: list[TimedStep] = []
        at = 0.0
        for index, step in enumerate(self.flat()):
            if step.duration_s is None:
                continue
            out.append(TimedStep(index, at, step))
            at += step.duration_s
        return out

    @property
    def duration_s(self) -> float:
        """The sum of the timed steps' durations."""
        return sum(step.duration_s or 0.0 for step in self.flat())


@dataclass(frozen=True, slots=True)
class TimedStep:
    """A step of the unrolled workout: its index among all steps and when it starts."""

    index: int
    start_s: float
    step: Step

    @property
    def end_s(self) -> float:
        return self.start_s + (self.step.duration_s or 0.0)


def watts_of(target: Target, fraction: float, ftp_w: float) -> float | None:
    """The power a trainer is set to ``fraction`` into a step with ``target``, or None when
    the target is not power (heart rate, cadence: the athlete rides to it)."""
    if target.kind is TargetKind.WATTS:
        return target.at(fraction)
    if target.kind is TargetKind.FTP_PCT:
        return target.at(fraction) * ftp_w / 100
    return None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Workout)


def workout_to_json(workout: Workout) -> bytes:
    return _encoder.encode(workout)


def workout_from_json(data: bytes | str) -> Workout:
    """A workout from its JSON; ``WireError`` with the reason of the first fault."""
    try:
        return _decoder.decode(data)
    except msgspec.ValidationError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, WireError):
            raise WireError(cause.reason, cause.detail) from exc
        raise WireError("schema_mismatch", str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise WireError("undecodable", str(exc)) from exc
