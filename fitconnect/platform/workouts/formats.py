"""Every workout file format by name: what the API imports and exports through one switch."""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum

from fitconnect.platform.workouts.erg import CourseFormat, read_course, write_course
from fitconnect.platform.workouts.errors import InvalidPlanError, WorkoutFileError
from fitconnect.platform.workouts.fit_workout import read_fit_workout, write_fit_workout
from fitconnect.platform.workouts.library import CLASSICS
from fitconnect.platform.workouts.zwo import read_zwo, write_zwo
from fitconnect.schemas.errors import WireError
from fitconnect.schemas.workouts import Workout, workout_from_json, workout_to_json


class WorkoutFormat(StrEnum):
    JSON = "json"
    """The wire contract's JSON (``fitconnect.schemas.workouts``)."""
    ZWO = "zwo"
    ERG = "erg"
    MRC = "mrc"
    FIT = "fit"


MEDIA_TYPES = {
    WorkoutFormat.JSON: "application/json",
    WorkoutFormat.ZWO: "application/xml",
    WorkoutFormat.ERG: "text/plain",
    WorkoutFormat.MRC: "text/plain",
    WorkoutFormat.FIT: "application/vnd.ant.fit",
}


def read_workout(fmt: WorkoutFormat, data: bytes) -> Workout:
    """A workout from a file of ``fmt``; ``WorkoutFileError`` when it is not a valid one."""
    if fmt is WorkoutFormat.ZWO:
        return read_zwo(data)
    if fmt is WorkoutFormat.FIT:
        return read_fit_workout(data)
    if fmt in {WorkoutFormat.ERG, WorkoutFormat.MRC}:
        return read_course(data)
    try:
        return workout_from_json(data)
    except WireError as exc:
        raise WorkoutFileError(exc.detail, reason=exc.reason) from exc


def write_workout(workout: Workout, fmt: WorkoutFormat, *, ftp_w: float) -> bytes:
    """The workout as a file of ``fmt`` (ERG and MRC need the athlete's FTP)."""
    if fmt is WorkoutFormat.ZWO:
        return write_zwo(workout)
    if fmt is WorkoutFormat.FIT:
        return write_fit_workout(workout)
    if fmt in {WorkoutFormat.ERG, WorkoutFormat.MRC}:
        return write_course(workout, CourseFormat(fmt.value), ftp_w=ftp_w)
    return workout_to_json(workout)


def library_workout(key: str) -> Workout:
    found = CLASSICS.get(key)
    if found is None:
        raise InvalidPlanError(f"no library workout {key!r}; there are {sorted(CLASSICS)}")
    return found


def _upload(fmt: WorkoutFormat, text: str) -> bytes:
    if fmt is not WorkoutFormat.FIT:
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise WorkoutFileError("a FIT file is sent in base64", reason="malformed_fit") from exc


def workout_of(library_key: str | None, file: str | None, fmt: WorkoutFormat | None) -> Workout:
    """The workout an API request names: a library key, or a file's text (base64 for FIT)
    in its format, exactly one of them."""
    if (library_key is None) == (file is None):
        raise InvalidPlanError("give a library key or a file, one of them")
    if library_key is not None:
        return library_workout(library_key)
    if fmt is None or file is None:
        raise InvalidPlanError("a file needs its format")
    return read_workout(fmt, _upload(fmt, file))


def file_text(workout: Workout, fmt: WorkoutFormat, ftp_w: float) -> str:
    """The workout as the text of a file of ``fmt`` (base64 for FIT)."""
    data = write_workout(workout, fmt, ftp_w=ftp_w)
    return base64.b64encode(data).decode() if fmt is WorkoutFormat.FIT else data.decode()
