"""Workout files in and out: real ZWO and FIT files (tests/data/workouts/README.md) read to
what they say, written back and read again to the same workout; bad files refused."""

from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET

from fitconnect.platform.workouts.erg import CourseFormat, read_course, write_course
from fitconnect.platform.workouts.errors import WorkoutFileError
from fitconnect.platform.workouts.fit_workout import read_fit_workout, write_fit_workout
from fitconnect.platform.workouts.library import CLASSICS
from fitconnect.platform.workouts.zwo import read_zwo, write_zwo
from fitconnect.schemas.workouts import (
    Repeat,
    Step,
    StepKind,
    Target,
    TargetKind,
    Until,
    UntilKind,
    Workout,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "workouts"


def _pct(low: float, high: float | None = None, *, ramp: bool = False) -> Target:
    return Target(kind=TargetKind.FTP_PCT, low=low, high=low if high is None else high, ramp=ramp)


def test_a_zwift_file_reads_as_its_blocks_say() -> None:
    workout = read_zwo((DATA / "sample_workout.zwo").read_bytes())
    assert workout.name == "Sample Interval Workout"
    assert workout.author == "Sample Author"
    on_off = Repeat(
        count=4,
        steps=(
            Step(kind=StepKind.INTERVAL, duration_s=240, target=_pct(105)),
            Step(kind=StepKind.RECOVERY, duration_s=120, target=_pct(50)),
        ),
    )
    assert workout.steps[:3] == (
        Step(kind=StepKind.WARMUP, duration_s=600, target=_pct(50, 70, ramp=True)),
        Step(kind=StepKind.INTERVAL, duration_s=300, target=_pct(60)),
        on_off,
    )
    assert workout.steps[-1] == Step(
        kind=StepKind.COOLDOWN, duration_s=600, target=_pct(40, 60, ramp=True)
    )
    assert workout.duration_s == 600 + 300 + 4 * 360 + 300 + 3 * 270 + 600


@pytest.mark.parametrize("name", ["sample_workout.zwo", "test_workout.zwo"])
def test_zwo_round_trip(name: str) -> None:
    original = (DATA / name).read_bytes()
    workout = read_zwo(original)
    written = write_zwo(workout)
    assert read_zwo(written) == workout
    assert write_zwo(read_zwo(written)) == written

    def blocks(data: bytes) -> list[tuple[str, str | None]]:
        return [(b.tag, b.get("Duration")) for b in SafeET.fromstring(data).find("workout")]

    assert blocks(written) == blocks(original)


def test_a_fit_file_of_custom_targets_reads_as_the_sdk_writes_them() -> None:
    workout = read_fit_workout((DATA / "WorkoutCustomTargetValues.fit").read_bytes())
    watts = TargetKind.WATTS
    assert workout.name == "Example 1"
    assert workout.steps == (
        Step(
            kind=StepKind.WARMUP,
            duration_s=60,
            name="_A_",
            target=Target(kind=TargetKind.HR_PCT_MAX, low=50, high=60),
        ),
        Step(
            kind=StepKind.INTERVAL,
            distance_m=500,
            name="B1_",
            target=Target(kind=watts, low=300, high=310),
        ),
        Step(
            kind=StepKind.INTERVAL,
            distance_m=500,
            name="B2_",
            target=Target(kind=watts, low=260, high=270),
        ),
        Step(
            kind=StepKind.COOLDOWN,
            until=Until(kind=UntilKind.HR_BELOW, value=125),
            name="_C_",
            target=Target(kind=watts, low=220, high=230),
        ),
    )


def test_a_fit_repeat_folds_the_steps_it_points_back_to() -> None:
    workout = read_fit_workout((DATA / "WorkoutRepeatSteps.fit").read_bytes())
    assert workout.steps[1] == Repeat(
        count=3,
        steps=(
            Step(kind=StepKind.INTERVAL, distance_m=500, name="B1_", target=_pct(106, 120)),
            Step(kind=StepKind.INTERVAL, distance_m=500, name="B2_", target=_pct(76, 90)),
        ),
    )
    assert workout.steps[0].target == Target(kind=TargetKind.HR_ZONE, low=2, high=2)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name",
    ["WorkoutCustomTargetValues.fit", "WorkoutIndividualSteps.fit", "WorkoutRepeatSteps.fit"],
)
def test_fit_round_trip(name: str) -> None:
    workout = read_fit_workout((DATA / name).read_bytes())
    assert read_fit_workout(write_fit_workout(workout)) == workout


def _bounds(workout: Workout) -> list[tuple[float, StepKind, float, float]]:
    """Each step's start, kind and the power range it spans (FIT has no ramps)."""
    return [
        (t.start_s, t.step.kind, *sorted((t.step.target.low, t.step.target.high)))
        for t in workout.timeline()
        if t.step.target is not None
    ]


def test_classics_survive_zwo_and_fit() -> None:
    for workout in CLASSICS.values():
        assert read_zwo(write_zwo(workout)).timeline() == workout.timeline()
        assert _bounds(read_fit_workout(write_fit_workout(workout))) == _bounds(workout)


@pytest.mark.parametrize("fmt", list(CourseFormat))
def test_erg_and_mrc_round_trip(fmt: CourseFormat) -> None:
    workout = CLASSICS["sweet_spot_3x10"]
    written = write_course(workout, fmt, ftp_w=250)
    back = read_course(written)
    assert write_course(back, fmt, ftp_w=250) == written
    assert [t.start_s for t in back.timeline()] == [t.start_s for t in workout.timeline()]
    first = back.steps[0]
    assert isinstance(first, Step)
    expected = (112, 175) if fmt is CourseFormat.ERG else (45, 70)
    assert (first.target.low, first.target.high) == expected  # type: ignore[union-attr]


def test_a_repeat_until_a_heart_rate_is_refused_whole() -> None:
    with pytest.raises(WorkoutFileError) as caught:
        read_fit_workout((DATA / "WorkoutRepeatGreaterThanStep.fit").read_bytes())
    assert caught.value.reason == "unsupported_fit_step"


def _zwo(blocks: str) -> bytes:
    return f"<workout_file><workout>{blocks}</workout></workout_file>".encode()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<workout_file><name>&lol2;</name><workout/></workout_file>"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<workout_file><workout>", "malformed_zwo"),
        (b"<html/>", "malformed_zwo"),
        (BOMB, "malformed_zwo"),
        (
            _zwo('<SteadyState Duration="60" Power="25"/>'),
            "target_too_high",
        ),
        (
            _zwo('<SteadyState Duration="-60" Power="0.5"/>'),
            "negative_duration",
        ),
        (
            _zwo(
                '<IntervalsT Repeat="0" OnDuration="9" OffDuration="9" OnPower="1" OffPower=".5"/>'
            ),
            "bad_repeat",
        ),
        (
            _zwo('<SteadyState Duration="ten" Power="0.5"/>'),
            "malformed_zwo",
        ),
        (_zwo('<Jump Duration="10"/>'), "malformed_zwo"),
    ],
)
def test_bad_zwo_files_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(WorkoutFileError) as caught:
        read_zwo(data)
    assert caught.value.reason == reason


def test_bad_fit_files_are_refused() -> None:
    good = (DATA / "WorkoutIndividualSteps.fit").read_bytes()
    corrupted = good[:40] + bytes([good[40] ^ 0xFF]) + good[41:]
    for data in (good[:60], corrupted, b"not a fit file at all", b""):
        with pytest.raises(WorkoutFileError) as caught:
            read_fit_workout(data)
        assert caught.value.reason == "malformed_fit"


def test_what_a_format_cannot_hold_is_refused() -> None:
    by_distance = Workout(
        name="d", steps=(Step(kind=StepKind.INTERVAL, distance_m=1000, target=_pct(90)),)
    )
    for write in (write_zwo, lambda w: write_course(w, CourseFormat.ERG, ftp_w=250)):
        with pytest.raises(WorkoutFileError) as caught:
            write(by_distance)
        assert caught.value.reason in {"unsupported_in_zwo", "unsupported_in_erg"}
    with pytest.raises(WorkoutFileError):
        read_course(
            b"[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\n"
            b"[COURSE DATA]\n5\t100\n1\t100\n[END COURSE DATA]\n"
        )
