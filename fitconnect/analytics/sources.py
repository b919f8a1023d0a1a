"""Which device a fused session takes each stream from: priorities by device kind.

A device's registered ``kind`` (``platform.devices.service.DeviceKind``) says what it is,
after the GATT profile it serves (``fitconnect/edge_agent/gatt/profiles.py``): ``hr`` a
heart-rate strap (Heart Rate Service), ``power`` a power meter (Cycling Power),
``speed_cadence`` a CSC sensor, ``footpod`` an RSC footpod, ``trainer`` and ``rower`` FTMS
machines (indoor bike, treadmill, cross trainer; rower). ``watch`` (optical heart rate, GPS)
is ranked for devices that name themselves so in files and older registrations. Older
spellings map onto these (``hrs``, ``cps``, ``ftms`` …); ``other`` and unknown kinds rank
below every known one.

Per stream the best rank wins (1 is best): a power meter over a trainer for power (it
measures at the crank, the trainer estimates at the flywheel), a strap over a watch's optical
sensor or a machine's hand grips for heart rate, a dedicated sensor over a derived value for
cadence and speed. The athlete's override (``analytics.source_overrides``) ranks 0.
Distance is cumulative per device, so a session takes it from one device only (see
``fusion``).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

STREAMS: tuple[str, ...] = (
    "heart_rate_bpm",
    "power_w",
    "cadence_rpm",
    "speed_kmh",
    "distance_m",
    "altitude_m",
)
"""The sample columns fused per second (all of ``frame.SAMPLE_SCHEMA`` but the time)."""

OVERRIDE_RANK = 0
UNKNOWN_RANK = 9

_H, _P, _C, _S, _D, _A = STREAMS
PRIORITIES: dict[str, dict[str, int]] = {
    "hr": {_H: 1},
    "power": {_P: 1, _C: 1, _S: 4, _D: 4},
    "speed_cadence": {_C: 2, _S: 1, _D: 1},
    "footpod": {_P: 3, _C: 2, _S: 1, _D: 1},
    "trainer": {_H: 3, _P: 2, _C: 3, _S: 2, _D: 2},
    "rower": {_H: 3, _P: 2, _C: 2, _S: 2, _D: 2},
    "watch": {_H: 2, _P: 4, _C: 4, _S: 3, _D: 3, _A: 1},
}
"""Kind -> stream -> rank; a stream a kind does not list ranks ``UNKNOWN_RANK``."""

ALIASES: dict[str, str] = {
    "hrs": "hr",
    "strap": "hr",
    "heart_rate": "hr",
    "heart_rate_strap": "hr",
    "cps": "power",
    "power_meter": "power",
    "csc": "speed_cadence",
    "rsc": "footpod",
    "ftms": "trainer",
    "smart_trainer": "trainer",
    "indoor_bike": "trainer",
    "treadmill": "trainer",
    "cross_trainer": "trainer",
    "optical": "watch",
}
"""Other spellings of the kinds of ``PRIORITIES``."""


def canonical_kind(kind: str) -> str | None:
    """The kind of ``PRIORITIES`` a registered kind means (None: unknown)."""
    key = kind.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    return key if key in PRIORITIES else None


def rank(kind: str, stream: str) -> int:
    """The rank of a device of ``kind`` for ``stream`` (lower wins)."""
    known = canonical_kind(kind)
    return PRIORITIES[known].get(stream, UNKNOWN_RANK) if known else UNKNOWN_RANK


def rank_column(stream: str) -> str:
    return f"_rank_{stream}"


def rank_frame(
    kinds: Mapping[str, str], overrides: Mapping[tuple[str, str], str] | None = None
) -> pl.DataFrame:
    """``device_id`` and one ``rank_column`` per stream for each device of ``kinds``.

    ``overrides`` maps (athlete, stream) -> the device the athlete chose; only the device
    matters here (a device has one owner), so the athlete is not looked at.
    """
    chosen = {(device, stream) for (_, stream), device in (overrides or {}).items()}
    rows = [
        {
            "device_id": device,
            **{
                rank_column(s): OVERRIDE_RANK if (device, s) in chosen else rank(kind, s)
                for s in STREAMS
            },
        }
        for device, kind in kinds.items()
    ]
    schema: dict[str, pl.DataType] = {"device_id": pl.String()}
    schema |= {rank_column(s): pl.Int64() for s in STREAMS}
    return pl.DataFrame(rows, schema=schema)
