"""Zwift workout files (``.zwo``): XML whose blocks hold power as a fraction of FTP.

Read: ``Warmup``/``Cooldown``/``Ramp`` (a ramp from ``PowerLow`` to ``PowerHigh``; Zwift's own
files ramp a cool-down down with ``PowerLow`` above ``PowerHigh``), ``SteadyState``
(``Power``, or a ``PowerLow``..``PowerHigh`` range), ``IntervalsT`` (``Repeat`` x on and off,
``OnPower``/``OffPower`` or ``PowerOnLow``… ramps; a steady block under 60 % of FTP is read as a
recovery), ``FreeRide`` and ``MaxEffort`` (a free
ride), each with an optional ``Cadence`` (``CadenceResting`` for an interval's off part).
Text events are not kept. Attribute names are matched without regard to case, as Zwift does.

Written: the same blocks; a repeat of anything but one timed on and one timed off step is
written unrolled, and a target ZWO cannot hold (watts, heart rate) or a step of a distance is
refused (``WorkoutFileError``), never silently dropped. XML is parsed with defusedxml: a file
is the user's, and an entity bomb is refused as malformed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # builds and writes; defusedxml parses

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from fitconnect.platform.workouts.errors import WorkoutFileError
from fitconnect.schemas.errors import WireError
from fitconnect.schemas.workouts import (
    Repeat,
    Step,
    StepKind,
    Target,
    TargetKind,
    Workout,
    WorkoutSport,
)

MAX_BYTES = 1_000_000
RECOVERY_BELOW_PCT = 60.0  # a steady block under it is a recovery (Zwift's grey, zone 1)
_SPORTS = {"bike": WorkoutSport.RIDE, "run": WorkoutSport.RUN}
_RAMPS = {"warmup": StepKind.WARMUP, "cooldown": StepKind.COOLDOWN, "ramp": StepKind.INTERVAL}


def read_zwo(data: bytes) -> Workout:
    """A workout from a ZWO file's bytes; ``WorkoutFileError`` (reason ``malformed_zwo`` or
    the model's reason, such as ``target_too_high``) when it is not a valid one."""
    if len(data) > MAX_BYTES:
        raise WorkoutFileError("a ZWO file is at most 1 MB", reason="malformed_zwo")
    try:
        root = SafeET.fromstring(data)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise WorkoutFileError(f"not a ZWO file: {exc}", reason="malformed_zwo") from exc
    if root.tag != "workout_file":
        raise WorkoutFileError("a ZWO file's root is <workout_file>", reason="malformed_zwo")
    blocks = root.find("workout")
    if blocks is None:
        raise WorkoutFileError("a ZWO file has a <workout> element", reason="malformed_zwo")
    sport = _SPORTS.get((root.findtext("sportType") or "bike").strip().lower())
    if sport is None:
        raise WorkoutFileError("sportType is bike or run", reason="malformed_zwo")
    try:
        return Workout(
            name=(root.findtext("name") or "").strip() or "Untitled workout",
            description=(root.findtext("description") or "").strip(),
            author=(root.findtext("author") or "").strip(),
            sport=sport,
            steps=tuple(_block(element) for element in blocks),
        )
    except WireError as exc:
        raise WorkoutFileError(exc.detail, reason=exc.reason) from exc


class _Attrs:
    """An element's attributes by lower-case name, read as numbers."""

    def __init__(self, element: ET.Element) -> None:
        self._tag = element.tag
        self._values = {key.lower(): value for key, value in element.attrib.items()}

    def number(self, name: str) -> float:
        value = self.optional(name)
        if value is None:
            raise WorkoutFileError(f"<{self._tag}> has no {name}", reason="malformed_zwo")
        return value

    def optional(self, name: str) -> float | None:
        text = self._values.get(name.lower())
        if text is None:
            return None
        try:
            return float(text)
        except ValueError as exc:
            raise WorkoutFileError(
                f"<{self._tag}> {name}={text!r} is not a number", reason="malformed_zwo"
            ) from exc

    def first(self, *names: str) -> float | None:
        for name in names:
            value = self.optional(name)
            if value is not None:
                return value
        return None


def _pct(fraction: float) -> float:
    return round(fraction * 100, 4)


def _power(low: float, high: float) -> Target:
    return Target(kind=TargetKind.FTP_PCT, low=_pct(low), high=_pct(high), ramp=low != high)


def _cadence(value: float | None) -> Target | None:
    return None if value is None else Target(kind=TargetKind.CADENCE, low=value, high=value)


def _block(element: ET.Element) -> Step | Repeat:
    tag = element.tag.lower()
    a = _Attrs(element)
    cadence = _cadence(a.optional("Cadence"))
    if tag in _RAMPS:
        target = _power(a.number("PowerLow"), a.number("PowerHigh"))
        return Step(
            kind=_RAMPS[tag], duration_s=a.number("Duration"), target=target, cadence=cadence
        )
    if tag == "steadystate":
        power = a.optional("Power")
        low = a.number("PowerLow") if power is None else power
        high = a.number("PowerHigh") if power is None else power
        steady = Target(kind=TargetKind.FTP_PCT, low=_pct(low), high=_pct(high))
        kind = StepKind.RECOVERY if steady.high < RECOVERY_BELOW_PCT else StepKind.INTERVAL
        return Step(kind=kind, duration_s=a.number("Duration"), target=steady, cadence=cadence)
    if tag == "intervalst":
        on = _power(
            a.number("PowerOnLow") if a.optional("OnPower") is None else a.number("OnPower"),
            a.number("PowerOnHigh") if a.optional("OnPower") is None else a.number("OnPower"),
        )
        off = _power(
            a.number("PowerOffLow") if a.optional("OffPower") is None else a.number("OffPower"),
            a.number("PowerOffHigh") if a.optional("OffPower") is None else a.number("OffPower"),
        )
        count = a.number("Repeat")
        if count != int(count):
            raise WorkoutFileError(f"Repeat={count} is not a whole number", reason="bad_repeat")
        return Repeat(
            count=int(count),
            steps=(
                Step(
                    kind=StepKind.INTERVAL,
                    duration_s=a.number("OnDuration"),
                    target=on,
                    cadence=cadence,
                ),
                Step(
                    kind=StepKind.RECOVERY,
                    duration_s=a.number("OffDuration"),
                    target=off,
                    cadence=_cadence(a.optional("CadenceResting")),
                ),
            ),
        )
    if tag in {"freeride", "maxeffort"}:
        name = "Max effort" if tag == "maxeffort" else ""
        return Step(
            kind=StepKind.FREE_RIDE, duration_s=a.number("Duration"), cadence=cadence, name=name
        )
    raise WorkoutFileError(f"<{element.tag}> is not a ZWO block", reason="malformed_zwo")


def write_zwo(workout: Workout) -> bytes:
    """The workout as a ZWO file (UTF-8 XML)."""
    root = ET.Element("workout_file")
    ET.SubElement(root, "author").text = workout.author
    ET.SubElement(root, "name").text = workout.name
    ET.SubElement(root, "description").text = workout.description
    ET.SubElement(root, "sportType").text = "run" if workout.sport is WorkoutSport.RUN else "bike"
    blocks = ET.SubElement(root, "workout")
    for item in workout.steps:
        if isinstance(item, Repeat) and _is_on_off(item):
            blocks.append(_intervals(item))
        elif isinstance(item, Repeat):
            for _ in range(item.count):
                blocks.extend(_step(step) for step in item.steps)
        else:
            blocks.append(_step(item))
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else repr(value)


def _fraction(pct: float) -> str:
    return _num(round(pct / 100, 6))


def _duration(step: Step) -> str:
    if step.duration_s is None:
        raise WorkoutFileError(
            "ZWO steps are timed: a step of a distance or a condition cannot be written",
            reason="unsupported_in_zwo",
        )
    return _num(step.duration_s)


def _power_of(step: Step) -> Target:
    if step.target is None or step.target.kind is not TargetKind.FTP_PCT:
        raise WorkoutFileError(
            "ZWO targets are per cent of FTP: convert watts or heart-rate targets first",
            reason="unsupported_in_zwo",
        )
    return step.target


def _is_on_off(repeat: Repeat) -> bool:
    """Whether ``IntervalsT`` holds the repeat as it is: a timed interval then a timed
    recovery, each at one power or on a ramp (it has no steady range)."""
    kinds = tuple(step.kind for step in repeat.steps)
    return kinds == (StepKind.INTERVAL, StepKind.RECOVERY) and all(
        step.duration_s is not None
        and step.target is not None
        and (step.target.ramp or step.target.low == step.target.high)
        for step in repeat.steps
    )


def _step(step: Step) -> ET.Element:
    attrs = {"Duration": _duration(step)}
    if step.kind is StepKind.FREE_RIDE:
        tag = "MaxEffort" if step.name == "Max effort" else "FreeRide"
    else:
        target = _power_of(step)
        ramp_tag = {StepKind.WARMUP: "Warmup", StepKind.COOLDOWN: "Cooldown"}.get(step.kind)
        if ramp_tag is not None or target.ramp:
            tag = ramp_tag or "Ramp"
            attrs |= {"PowerLow": _fraction(target.low), "PowerHigh": _fraction(target.high)}
        elif target.low == target.high:
            tag = "SteadyState"
            attrs["Power"] = _fraction(target.low)
        else:
            tag = "SteadyState"
            attrs |= {"PowerLow": _fraction(target.low), "PowerHigh": _fraction(target.high)}
    if step.cadence is not None:
        attrs["Cadence"] = _num(step.cadence.low)
    return ET.Element(tag, attrs)


def _intervals(repeat: Repeat) -> ET.Element:
    on, off = repeat.steps
    attrs = {
        "Repeat": str(repeat.count),
        "OnDuration": _duration(on),
        "OffDuration": _duration(off),
    }
    for prefix, step in (("On", on), ("Off", off)):
        target = _power_of(step)
        if target.low == target.high:
            attrs[f"{prefix}Power"] = _fraction(target.low)
        else:
            attrs[f"Power{prefix}Low"] = _fraction(target.low)
            attrs[f"Power{prefix}High"] = _fraction(target.high)
    if on.cadence is not None:
        attrs["Cadence"] = _num(on.cadence.low)
    if off.cadence is not None:
        attrs["CadenceResting"] = _num(off.cadence.low)
    return ET.Element("IntervalsT", attrs)
