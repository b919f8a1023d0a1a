"""FIT workout files (file type 5): read with fitdecode, written with fit-tool.

The FIT profile's conventions, as Garmin's SDK writes them:
- a custom power of 0..1000 is per cent of FTP, above 1000 it is watts + 1000; a power zone
  1..7 is read as the Coggan zone's range of FTP (``POWER_ZONES``);
- a custom heart rate of 0..100 is per cent of the maximum, above 100 it is bpm + 100, as is
  the value of a ``hr_less_than``/``hr_greater_than`` duration;
- ``repeat_until_steps_cmplt`` repeats the steps from ``duration_step`` to the one before it
  ``repeat_steps`` times: one repeat block.
A step ending on anything else (calories, power, a repeat until a heart rate) is refused with
``unsupported_fit_step``: the workout is not half-imported. FIT has no ramp: a ramp is written
as the range it spans, and a secondary cadence target is not written.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime

import fitdecode
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    WorkoutStepDuration,
    WorkoutStepTarget,
)
from fit_tool.profile.profile_type import Sport as FitSport

from fitconnect.platform.workouts.errors import WorkoutFileError
from fitconnect.schemas.errors import WireError
from fitconnect.schemas.workouts import (
    Repeat,
    Step,
    StepKind,
    Target,
    TargetKind,
    Until,
    UntilKind,
    Workout,
    WorkoutSport,
)

MAX_BYTES = 1_000_000
POWER_ZONES: dict[int, tuple[float, float]] = {
    1: (0, 55),
    2: (56, 75),
    3: (76, 90),
    4: (91, 105),
    5: (106, 120),
    6: (121, 150),
    7: (151, 200),
}
_INTENSITY = {
    "warmup": StepKind.WARMUP,
    "cooldown": StepKind.COOLDOWN,
    "recovery": StepKind.RECOVERY,
    "rest": StepKind.RECOVERY,
    "active": StepKind.INTERVAL,
    "interval": StepKind.INTERVAL,
}
_SPORT = {"cycling": WorkoutSport.RIDE, "running": WorkoutSport.RUN, "rowing": WorkoutSport.ROW}
_FIT_SPORT = {
    WorkoutSport.RIDE: FitSport.CYCLING,
    WorkoutSport.RUN: FitSport.RUNNING,
    WorkoutSport.ROW: FitSport.ROWING,
}
_FIT_INTENSITY = {
    StepKind.WARMUP: Intensity.WARMUP,
    StepKind.COOLDOWN: Intensity.COOLDOWN,
    StepKind.RECOVERY: Intensity.RECOVERY,
    StepKind.INTERVAL: Intensity.ACTIVE,
    StepKind.FREE_RIDE: Intensity.ACTIVE,
}
Row = Mapping[str, object]


def read_fit_workout(data: bytes) -> Workout:
    """A workout from a FIT workout file's bytes; ``WorkoutFileError`` when it is not one."""
    if len(data) > MAX_BYTES:
        raise WorkoutFileError("a FIT workout file is at most 1 MB", reason="malformed_fit")
    header: Row = {}
    rows: list[Row] = []
    kind: object = None
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                values = {field.name: field.value for field in frame.fields}
                if frame.name == "file_id":
                    kind = values.get("type")
                elif frame.name == "workout":
                    header = values
                elif frame.name == "workout_step":
                    rows.append(values)
    except fitdecode.FitError as exc:
        raise WorkoutFileError(f"not a FIT file: {exc}", reason="malformed_fit") from exc
    if kind != "workout" or not rows:
        raise WorkoutFileError("not a FIT workout file (file type 5)", reason="malformed_fit")
    try:
        return Workout(
            name=str(header.get("wkt_name") or "Untitled workout"),
            sport=_SPORT.get(str(header.get("sport")), WorkoutSport.RIDE),
            steps=_blocks(rows),
        )
    except WireError as exc:
        raise WorkoutFileError(exc.detail, reason=exc.reason) from exc


def _blocks(rows: list[Row]) -> tuple[Step | Repeat, ...]:
    """Steps and repeat blocks; a repeat row folds the steps it points back to."""
    out: list[tuple[int, Step | Repeat]] = []  # (index of the first row it holds, block)
    for index, row in enumerate(rows):
        if row.get("duration_type") != "repeat_until_steps_cmplt":
            out.append((index, _step(row)))
            continue
        first = _int(row.get("duration_step"))
        held = [block for start, block in out if start >= first]
        if not held or any(isinstance(b, Repeat) for b in held) or first >= index:
            raise WorkoutFileError(
                f"step {index} repeats from step {first}: not a block of plain steps",
                reason="unsupported_fit_step",
            )
        out = [(start, block) for start, block in out if start < first]
        steps = tuple(block for block in held if isinstance(block, Step))
        out.append((first, Repeat(count=_int(row.get("repeat_steps")), steps=steps)))
    return tuple(block for _, block in out)


def _int(value: object) -> int:
    if isinstance(value, int | float):
        return int(value)
    raise WorkoutFileError(f"{value!r} is not a number", reason="malformed_fit")


def _step(row: Row) -> Step:
    duration = row.get("duration_type")
    ends: dict[str, object] = {}
    if duration == "time":
        ends["duration_s"] = _float(row.get("duration_time"))
    elif duration == "distance":
        ends["distance_m"] = _float(row.get("duration_distance"))
    elif duration == "open":
        ends["until"] = Until(kind=UntilKind.LAP)
    elif duration in {"hr_less_than", "hr_greater_than"}:
        value = _int(row.get("duration_hr"))
        if value <= 100:
            raise WorkoutFileError(
                "a duration in per cent of the maximum heart rate is not supported",
                reason="unsupported_fit_step",
            )
        kind = UntilKind.HR_BELOW if duration == "hr_less_than" else UntilKind.HR_ABOVE
        ends["until"] = Until(kind=kind, value=value - 100)
    else:
        raise WorkoutFileError(
            f"a step ending on {duration!r} is not supported", reason="unsupported_fit_step"
        )
    intensity = _INTENSITY.get(str(row.get("intensity") or "active"), StepKind.INTERVAL)
    target = _target(row)
    if target is None and intensity is StepKind.INTERVAL:
        intensity = StepKind.FREE_RIDE
    name = str(row.get("wkt_step_name") or "")
    return Step(kind=intensity, target=target, name=name, **ends)  # type: ignore[arg-type]


def _float(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    raise WorkoutFileError(f"{value!r} is not a number", reason="malformed_fit")


def _target(row: Row) -> Target | None:  # noqa: PLR0911 - one return per FIT target form
    kind = row.get("target_type")
    if kind in {None, "open"}:
        return None
    if kind == "power":
        zone = _int(row.get("target_power_zone") or 0)
        if zone:
            if zone not in POWER_ZONES:
                raise WorkoutFileError(f"power zone {zone} is not 1..7", reason="malformed_fit")
            low, high = POWER_ZONES[zone]
            return Target(kind=TargetKind.FTP_PCT, low=low, high=high)
        low, high = _custom(row, "power")
        if low > 1000 and high > 1000:
            return Target(kind=TargetKind.WATTS, low=low - 1000, high=high - 1000)
        return Target(kind=TargetKind.FTP_PCT, low=low, high=high)
    if kind == "heart_rate":
        zone = _int(row.get("target_hr_zone") or 0)
        if zone:
            return Target(kind=TargetKind.HR_ZONE, low=zone, high=zone)
        low, high = _custom(row, "heart_rate")
        if low > 100 and high > 100:
            return Target(kind=TargetKind.HEART_RATE, low=low - 100, high=high - 100)
        return Target(kind=TargetKind.HR_PCT_MAX, low=low, high=high)
    if kind == "cadence":
        low, high = _custom(row, "cadence")
        return Target(kind=TargetKind.CADENCE, low=low, high=high)
    raise WorkoutFileError(f"a {kind!r} target is not supported", reason="unsupported_fit_step")


def _custom(row: Row, name: str) -> tuple[float, float]:
    low, high = row.get(f"custom_target_{name}_low"), row.get(f"custom_target_{name}_high")
    return _float(low), _float(high)


def write_fit_workout(workout: Workout, *, created: datetime | None = None) -> bytes:
    """The workout as a FIT workout file."""
    file_id = FileIdMessage()
    file_id.type = FileType.WORKOUT
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.serial_number = 1
    when = created or datetime.now(UTC)
    file_id.time_created = round(when.timestamp() * 1000)
    steps: list[WorkoutStepMessage] = []
    for item in workout.steps:
        if isinstance(item, Repeat):
            first = len(steps)
            steps += [_message(step) for step in item.steps]
            repeat = WorkoutStepMessage()
            repeat.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
            repeat.duration_step = first
            repeat.target_type = WorkoutStepTarget.OPEN
            repeat.target_repeat_steps = item.count
            steps.append(repeat)
        else:
            steps.append(_message(item))
    for index, message in enumerate(steps):
        message.message_index = index
    header = WorkoutMessage()
    header.workout_name = workout.name
    header.sport = _FIT_SPORT[workout.sport]
    header.num_valid_steps = len(steps)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    builder.add(file_id)
    builder.add(header)
    builder.add_all(steps)
    out: bytes = builder.build().to_bytes()
    return out


def _message(step: Step) -> WorkoutStepMessage:
    m = WorkoutStepMessage()
    if step.name:
        m.workout_step_name = step.name
    m.intensity = _FIT_INTENSITY[step.kind]
    if step.duration_s is not None:
        m.duration_type = WorkoutStepDuration.TIME
        m.duration_time = step.duration_s
    elif step.distance_m is not None:
        m.duration_type = WorkoutStepDuration.DISTANCE
        m.duration_distance = step.distance_m
    elif step.until is not None and step.until.kind is UntilKind.LAP:
        m.duration_type = WorkoutStepDuration.OPEN
    elif step.until is not None and step.until.value is not None:
        below = step.until.kind is UntilKind.HR_BELOW
        m.duration_type = (
            WorkoutStepDuration.HR_LESS_THAN if below else WorkoutStepDuration.HR_GREATER_THAN
        )
        m.duration_hr = round(step.until.value) + 100
    _write_target(m, step.target)
    return m


def _write_target(m: WorkoutStepMessage, target: Target | None) -> None:
    if target is None:
        m.target_type = WorkoutStepTarget.OPEN
        return
    low, high = sorted((target.low, target.high))
    if target.kind in {TargetKind.FTP_PCT, TargetKind.WATTS}:
        offset = 1000 if target.kind is TargetKind.WATTS else 0
        m.target_type = WorkoutStepTarget.POWER
        m.target_power_zone = 0
        m.custom_target_power_low = round(low) + offset
        m.custom_target_power_high = round(high) + offset
    elif target.kind is TargetKind.HR_ZONE:
        m.target_type = WorkoutStepTarget.HEART_RATE
        if low != high:
            raise WorkoutFileError(
                "FIT holds one heart-rate zone a step", reason="unsupported_in_fit"
            )
        m.target_hr_zone = round(low)
    elif target.kind in {TargetKind.HEART_RATE, TargetKind.HR_PCT_MAX}:
        offset = 100 if target.kind is TargetKind.HEART_RATE else 0
        m.target_type = WorkoutStepTarget.HEART_RATE
        m.target_hr_zone = 0
        m.custom_target_heart_rate_low = round(low) + offset
        m.custom_target_heart_rate_high = round(high) + offset
    else:
        m.target_type = WorkoutStepTarget.CADENCE
        m.target_cadence_zone = 0
        m.custom_target_cadence_low = round(low)
        m.custom_target_cadence_high = round(high)
