"""ERG and MRC course files: a header, then (minutes, power) points joined by straight lines.

An ERG file's power is in watts, an MRC file's in per cent of FTP. Two points at the same
minute are a jump; a segment between two points of the same power is a steady step, of two
powers a ramp. These files know nothing of step kinds, cadence or repeats: a workout is
written unrolled as timed power steps, and read back as intervals (warm-up and cool-down
become ramps of kind interval). A workout with a step ERG cannot hold (a distance, a heart-rate
target, a free ride) is refused with ``unsupported_in_erg``.
"""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise

from fitconnect.platform.workouts.errors import WorkoutFileError
from fitconnect.schemas.errors import WireError
from fitconnect.schemas.workouts import Step, StepKind, Target, TargetKind, Workout, watts_of

MAX_BYTES = 1_000_000


class CourseFormat(StrEnum):
    ERG = "erg"
    MRC = "mrc"


_UNIT = {CourseFormat.ERG: "WATTS", CourseFormat.MRC: "PERCENT"}
_KIND = {CourseFormat.ERG: TargetKind.WATTS, CourseFormat.MRC: TargetKind.FTP_PCT}


def write_course(workout: Workout, fmt: CourseFormat, *, ftp_w: float) -> bytes:
    """The workout as an ERG (watts, from ``ftp_w``) or MRC (per cent of ``ftp_w``) file."""
    points: list[tuple[float, float]] = []
    at = 0.0
    for step in workout.flat():
        start, end = _ends(step, fmt, ftp_w)
        assert step.duration_s is not None  # noqa: S101 - _ends refused untimed steps
        points += [(at, start), (at + step.duration_s, end)]
        at += step.duration_s
    lines = [
        "[COURSE HEADER]",
        "VERSION = 2",
        "UNITS = ENGLISH",
        f"DESCRIPTION = {_one_line(workout.description)}",
        f"FILE NAME = {_one_line(workout.name)}",
    ]
    if fmt is CourseFormat.ERG:
        lines.append(f"FTP = {ftp_w:g}")
    lines += [f"MINUTES {_UNIT[fmt]}", "[END COURSE HEADER]", "[COURSE DATA]"]
    lines += [f"{minutes / 60:.2f}\t{value:g}" for minutes, value in points]
    lines.append("[END COURSE DATA]")
    return ("\n".join(lines) + "\n").encode()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ends(step: Step, fmt: CourseFormat, ftp_w: float) -> tuple[float, float]:
    """The power at the step's start and end, in the file's unit, rounded as the file holds
    it (watts whole, per cent to a tenth)."""
    if step.duration_s is None or step.target is None:
        raise WorkoutFileError(
            "ERG and MRC hold timed power steps only (no distance, condition or free ride)",
            reason="unsupported_in_erg",
        )
    start, end = watts_of(step.target, 0.0, ftp_w), watts_of(step.target, 1.0, ftp_w)
    if start is None or end is None:
        raise WorkoutFileError("ERG and MRC hold power targets only", reason="unsupported_in_erg")
    if fmt is CourseFormat.ERG:
        return round(start), round(end)
    return round(start * 100 / ftp_w, 1), round(end * 100 / ftp_w, 1)


def read_course(data: bytes) -> Workout:
    """A workout from an ERG or MRC file (which one its ``MINUTES …`` line says)."""
    if len(data) > MAX_BYTES:
        raise WorkoutFileError("a course file is at most 1 MB", reason="malformed_erg")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise WorkoutFileError("a course file is text", reason="malformed_erg") from exc
    header, points = _sections(text)
    unit = next((line.split()[1] for line in header if line.upper().startswith("MINUTES ")), "")
    kind = {"WATTS": TargetKind.WATTS, "PERCENT": TargetKind.FTP_PCT}.get(unit.upper())
    if kind is None:
        raise WorkoutFileError(
            "the header says MINUTES WATTS or MINUTES PERCENT", reason="malformed_erg"
        )
    fields = dict(_pair(line) for line in header if "=" in line)
    steps: list[Step] = []
    try:
        for (t0, v0), (t1, v1) in pairwise(points):
            if t1 < t0:
                raise WorkoutFileError(f"minute {t1} comes after {t0}", reason="malformed_erg")
            if t1 > t0:
                target = Target(kind=kind, low=v0, high=v1, ramp=v0 != v1)
                steps.append(
                    Step(kind=StepKind.INTERVAL, duration_s=round((t1 - t0) * 60, 3), target=target)
                )
        return Workout(
            name=fields.get("FILE NAME") or "Untitled workout",
            description=fields.get("DESCRIPTION", ""),
            steps=tuple(steps),
        )
    except WireError as exc:
        raise WorkoutFileError(exc.detail, reason=exc.reason) from exc


def _pair(line: str) -> tuple[str, str]:
    key, _, value = line.partition("=")
    return key.strip().upper(), value.strip()


def _sections(text: str) -> tuple[list[str], list[tuple[float, float]]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    upper = [line.upper() for line in lines]
    try:
        h0, h1 = upper.index("[COURSE HEADER]"), upper.index("[END COURSE HEADER]")
        d0, d1 = upper.index("[COURSE DATA]"), upper.index("[END COURSE DATA]")
    except ValueError as exc:
        raise WorkoutFileError(
            "a course file has [COURSE HEADER] and [COURSE DATA] sections", reason="malformed_erg"
        ) from exc
    points: list[tuple[float, float]] = []
    for line in lines[d0 + 1 : d1]:
        parts = line.split()
        try:
            minutes, value = float(parts[0]), float(parts[1])
        except (IndexError, ValueError) as exc:
            raise WorkoutFileError(
                f"{line!r} is not 'minutes power'", reason="malformed_erg"
            ) from exc
        points.append((minutes, value))
    if len(points) < 2:
        raise WorkoutFileError("a course has at least two points", reason="malformed_erg")
    return lines[h0 + 1 : h1], points
