"""The workout model refuses what cannot be ridden, with a stable reason."""

import pytest

from fitconnect.schemas import WireError
from fitconnect.schemas.workouts import (
    Repeat,
    Step,
    StepKind,
    Target,
    TargetKind,
    Workout,
    workout_from_json,
    workout_to_json,
)


def _watts(w: float) -> Target:
    return Target(kind=TargetKind.WATTS, low=w, high=w)


def _workout() -> Workout:
    return Workout(
        name="2x on-off",
        steps=(
            Step(
                kind=StepKind.WARMUP,
                duration_s=300,
                target=Target(kind=TargetKind.FTP_PCT, low=50, high=75, ramp=True),
            ),
            Repeat(
                count=2,
                steps=(
                    Step(kind=StepKind.INTERVAL, duration_s=60, target=_watts(300)),
                    Step(kind=StepKind.RECOVERY, duration_s=30, target=_watts(120)),
                ),
            ),
            Step(kind=StepKind.FREE_RIDE, duration_s=120),
        ),
    )


def test_repeats_unroll_in_order_with_their_start_times() -> None:
    timeline = _workout().timeline()
    assert [(t.start_s, t.step.duration_s) for t in timeline] == [
        (0, 300),
        (300, 60),
        (360, 30),
        (390, 60),
        (450, 30),
        (480, 120),
    ]
    assert _workout().duration_s == 600


def test_json_round_trip() -> None:
    assert workout_from_json(workout_to_json(_workout())) == _workout()


def test_ramp_values_along_the_step() -> None:
    ramp = Target(kind=TargetKind.FTP_PCT, low=50, high=70, ramp=True)
    assert [ramp.at(f) for f in (0, 0.5, 1)] == [50, 60, 70]
    assert Target(kind=TargetKind.WATTS, low=200, high=220).at(0.9) == 210


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (
            lambda: Step(kind=StepKind.INTERVAL, duration_s=-30, target=_watts(200)),
            "negative_duration",
        ),
        (
            lambda: Step(kind=StepKind.INTERVAL, duration_s=30, target=_watts(2001)),
            "target_too_high",
        ),
        (lambda: Target(kind=TargetKind.FTP_PCT, low=90, high=600), "target_too_high"),
        (
            lambda: Repeat(count=0, steps=(Step(kind=StepKind.INTERVAL, duration_s=30),)),
            "bad_repeat",
        ),
        (lambda: Step(kind=StepKind.INTERVAL, duration_s=30, distance_m=100), "bad_duration"),
        (lambda: Step(kind=StepKind.INTERVAL), "bad_duration"),
        (lambda: Target(kind=TargetKind.HR_ZONE, low=0, high=2), "bad_target"),
        (lambda: Target(kind=TargetKind.WATTS, low=300, high=200), "bad_target"),
        (lambda: Step(kind=StepKind.FREE_RIDE, duration_s=30, target=_watts(100)), "bad_target"),
        (lambda: Workout(name="empty", steps=()), "empty_workout"),
        (
            lambda: Workout(name=" ", steps=(Step(kind=StepKind.FREE_RIDE, duration_s=1),)),
            "bad_name",
        ),
    ],
)
def test_bad_workouts_are_refused_with_a_reason(build: object, reason: str) -> None:
    with pytest.raises(WireError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b'"duration_s":60', b'"duration_s":-60', "negative_duration"),
        (b'"low":300', b'"low":3000', "target_too_high"),
        (b'"count":2', b'"count":0', "bad_repeat"),
    ],
)
def test_bad_json_is_refused_with_the_models_reason(old: bytes, new: bytes, reason: str) -> None:
    data = workout_to_json(_workout())
    assert old in data
    with pytest.raises(WireError) as caught:
        workout_from_json(data.replace(old, new, 1))
    assert caught.value.reason == reason
