"""The estimated TSS of a workout, by hand."""

import pytest

from fitconnect.platform.workouts.library import CLASSICS
from fitconnect.platform.workouts.load import planned_load
from fitconnect.schemas.workouts import Step, StepKind, Target, TargetKind, Workout


def test_an_hour_at_ftp_is_100_tss() -> None:
    hour = Workout(
        name="FTP",
        steps=(
            Step(
                kind=StepKind.INTERVAL,
                duration_s=3600,
                target=Target(kind=TargetKind.WATTS, low=250, high=250),
            ),
        ),
    )
    load = planned_load(hour, ftp_w=250)
    assert (load.tss, load.duration_s, load.intensity_factor) == (100.0, 3600, 1.0)


def test_a_ramp_counts_the_mean_of_if_squared() -> None:
    # 0 → 100 % over an hour: mean IF² = (0 + 0 + 1) / 3, TSS 33.3.
    ramp = Workout(
        name="Ramp",
        steps=(
            Step(
                kind=StepKind.INTERVAL,
                duration_s=3600,
                target=Target(kind=TargetKind.FTP_PCT, low=0, high=100, ramp=True),
            ),
        ),
    )
    assert planned_load(ramp, ftp_w=300).tss == 33.3


def test_threshold_2x20_by_hand() -> None:
    # warm-up 15' 45→70 %: (0.45² + 0.45·0.7 + 0.7²)/3 = 0.335833; 2 x (20' at 1.0 + 5' at 0.5);
    # cool-down 10' 65→40 %: (0.65² + 0.65·0.4 + 0.4²)/3 = 0.28083.
    expected = (900 * 0.335833 + 2 * (1200 * 1 + 300 * 0.25) + 600 * 0.280833) / 36
    load = planned_load(CLASSICS["threshold_2x20"], ftp_w=280)
    assert load.tss == pytest.approx(expected, abs=0.05)
    assert load.duration_s == 4500


def test_every_classic_has_a_plausible_load() -> None:
    for key, workout in CLASSICS.items():
        load = planned_load(workout, ftp_w=250)
        assert 20 < load.tss < 120, key
