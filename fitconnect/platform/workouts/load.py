"""The training load a workout plans: its estimated TSS and duration, from its steps.

TSS is hours x IF² x 100 summed over the steps (the same definition analytics uses for a
ride: ``fitconnect.analytics.load``). A power step's IF is its power over FTP; over a ramp
from a to b the mean of IF² is (a² + ab + b²) / 3. A step held by heart-rate zone takes the
zone's usual IF (``HR_ZONE_IF``); a free ride, a cadence or a heart-rate target without a zone,
the IF of an endurance ride (``DEFAULT_IF``). A step of a distance is timed at the sport's usual
speed; a step ending on a condition (lap, heart rate) counts nothing: its length is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitconnect.schemas.workouts import Step, TargetKind, Workout, WorkoutSport

HR_ZONE_IF = {1: 0.55, 2: 0.70, 3: 0.83, 4: 0.95, 5: 1.05}
DEFAULT_IF = 0.60
USUAL_SPEED_MPS = {
    WorkoutSport.RIDE: 30 / 3.6,
    WorkoutSport.RUN: 10 / 3.6,
    WorkoutSport.ROW: 15 / 3.6,
}


@dataclass(frozen=True, slots=True)
class PlannedLoad:
    tss: float
    duration_s: float
    intensity_factor: float


def step_seconds(step: Step, sport: WorkoutSport) -> float:
    if step.duration_s is not None:
        return step.duration_s
    if step.distance_m is not None:
        return step.distance_m / USUAL_SPEED_MPS[sport]
    return 0.0


def mean_if_squared(step: Step, ftp_w: float) -> float:
    """The mean of IF² over the step."""
    target = step.target
    if target is None or target.kind not in {TargetKind.FTP_PCT, TargetKind.WATTS}:
        if target is not None and target.kind is TargetKind.HR_ZONE:
            zones = [HR_ZONE_IF[z] for z in range(round(target.low), round(target.high) + 1)]
            return (sum(zones) / len(zones)) ** 2
        return DEFAULT_IF**2
    scale = 1 / 100 if target.kind is TargetKind.FTP_PCT else 1 / ftp_w
    a, b = target.low * scale, target.high * scale
    if target.ramp:
        return (a * a + a * b + b * b) / 3
    return ((a + b) / 2) ** 2


def planned_load(workout: Workout, *, ftp_w: float) -> PlannedLoad:
    """The estimated TSS, duration and IF of ``workout`` for an athlete of ``ftp_w``."""
    seconds = 0.0
    weighted = 0.0
    for step in workout.flat():
        s = step_seconds(step, workout.sport)
        seconds += s
        weighted += s * mean_if_squared(step, ftp_w)
    if seconds == 0:
        return PlannedLoad(0.0, 0.0, 0.0)
    return PlannedLoad(
        tss=round(weighted / 3600 * 100, 1),
        duration_s=seconds,
        intensity_factor=round((weighted / seconds) ** 0.5, 3),
    )
