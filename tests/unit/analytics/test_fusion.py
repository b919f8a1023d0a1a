"""Fusion: one session per athlete from all their devices, each stream from its best source.

Constructed multi-device rides (a strap and a power meter; a power meter that drops out while
the trainer fills in; two athletes riding at the same time; spikes, a frozen strap, the
athlete's override) and every shared FIT file replayed as two devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.fit_file import read_fit
from fitconnect.analytics.frame import conform
from fitconnect.analytics.laps import LAP_EVENT
from fitconnect.analytics.params import AthleteParams, constant
from fitconnect.analytics.session_rows import compute_sessions, session_rows
from fitconnect.analytics.sessions import EVENT_SCHEMA, empty_events
from fitconnect.analytics.sources import canonical_kind, rank, rank_frame
from fitconnect.platform.devices.service import DeviceKind

from .series import T0

PARAMS = AthleteParams(ftp_w=250.0, hr_max_bpm=190.0)
KINDS = {"strap": "hr", "meter": "power", "trainer": "trainer"}


def _device(device: str, n: int, **columns: Sequence[float | None]) -> pl.DataFrame:
    data: dict[str, object] = {"ts": [T0 + timedelta(seconds=i) for i in range(n)]}
    data |= {k: list(v) for k, v in columns.items()}
    return conform(pl.DataFrame(data, strict=False)).with_columns(device_id=pl.lit(device))


def _compute(
    frames: list[pl.DataFrame],
    owners: dict[str, str],
    kinds: dict[str, str] | None = None,
    overrides: dict[tuple[str, str], str] | None = None,
) -> list[dict[str, Any]]:
    samples = pl.concat(frames, how="diagonal_relaxed")
    ranks = rank_frame(kinds or KINDS, overrides)
    computed = compute_sessions(
        samples,
        empty_events(),
        {d: (a, "tenant") for d, a in owners.items()},
        {a: constant(PARAMS) for a in set(owners.values())},
        ranks,
    )
    rows = computed.sessions.sort("athlete_id").to_dicts()
    for row, stored in zip(rows, session_rows(computed.sessions.sort("athlete_id")), strict=True):
        row["sources"], row["quality"] = stored["sources"].obj, stored["quality"].obj
    return rows


def _seconds(row: dict[str, Any], stream: str) -> dict[str, int]:
    return {s["device_id"]: s["seconds"] for s in row["sources"] if s["stream"] == stream}


def _flags(row: dict[str, Any]) -> set[tuple[str, str, str, int]]:
    return {(f["stream"], f["flag"], f["device_id"], f["count"]) for f in row["quality"]}


def test_a_strap_and_a_power_meter_are_one_workout() -> None:
    strap = _device("strap", 600, heart_rate_bpm=[140 + i % 5 for i in range(600)])
    meter = _device(
        "meter",
        600,
        power_w=[200 + i % 7 for i in range(600)],
        cadence_rpm=[90 + i % 3 for i in range(600)],
    )
    (session,) = _compute([strap, meter], {"strap": "ann", "meter": "ann"})
    assert session["devices"] == ["meter", "strap"]
    assert session["device_id"] == "meter"  # the power's source is the main device
    assert session["avg_heart_rate_bpm"] == pytest.approx(142.0)
    assert session["avg_power_w"] == pytest.approx(sum(200 + i % 7 for i in range(600)) / 600)
    assert session["moving_time_s"] == 600
    assert session["tss"] is not None
    assert _seconds(session, "heart_rate_bpm") == {"strap": 600}
    assert _seconds(session, "power_w") == {"meter": 600}


def test_the_trainer_fills_in_while_the_power_meter_drops_out() -> None:
    meter_watts: list[float | None] = [250.0 + i % 3 for i in range(900)]
    meter_watts[300:420] = [None] * 120  # two minutes without the power meter
    meter = _device("meter", 900, power_w=meter_watts)
    trainer = _device(
        "trainer", 900, power_w=[180 + i % 2 for i in range(900)], speed_kmh=[30] * 900
    )
    strap = _device("strap", 900, heart_rate_bpm=[150 + i % 4 for i in range(900)])
    owners = dict.fromkeys(("meter", "trainer", "strap"), "ann")
    (session,) = _compute([meter, trainer, strap], owners)
    assert _seconds(session, "power_w") == {"meter": 780, "trainer": 120}
    expected = (
        sum(w for w in meter_watts if w is not None) + sum(180 + i % 2 for i in range(300, 420))
    ) / 900
    assert session["avg_power_w"] == pytest.approx(expected)
    assert ("power_w", "dropout", "meter", 120) in _flags(session)
    assert session["device_id"] == "meter"
    assert _seconds(session, "speed_kmh") == {"trainer": 900}


def test_two_athletes_at_the_same_time_never_fuse() -> None:
    ann = _device("meter", 600, power_w=[200] * 600, heart_rate_bpm=[140] * 600)
    bob = _device("trainer", 600, power_w=[300] * 600, heart_rate_bpm=[160] * 600)
    sessions = _compute([ann, bob], {"meter": "ann", "trainer": "bob"})
    assert [(s["athlete_id"], s["devices"], s["avg_power_w"]) for s in sessions] == [
        ("ann", ["meter"], 200.0),
        ("bob", ["trainer"], 300.0),
    ]


def test_a_spike_is_removed_and_flagged() -> None:
    watts = [200 + i % 5 for i in range(600)]
    watts[100] = 1900
    meter = _device("meter", 600, power_w=watts)
    (session,) = _compute([meter], {"meter": "ann"})
    assert session["max_power_w"] == 204.0
    assert ("power_w", "spikes_removed", "meter", 1) in _flags(session)


def test_a_frozen_strap_gives_way_to_the_watch() -> None:
    strap_hr = [140 + i % 6 for i in range(600)]
    strap_hr[200:400] = [151] * 200  # the strap repeats one value for 200 s
    strap = _device("strap", 600, heart_rate_bpm=strap_hr)
    watch = _device("watch", 600, heart_rate_bpm=[120 + i % 3 for i in range(600)])
    kinds = {"strap": "hr", "watch": "watch"}
    (session,) = _compute([strap, watch], {"strap": "ann", "watch": "ann"}, kinds)
    assert _seconds(session, "heart_rate_bpm") == {"strap": 400, "watch": 200}
    assert ("heart_rate_bpm", "frozen", "strap", 200) in _flags(session)


def test_the_athletes_override_wins() -> None:
    meter = _device("meter", 300, power_w=[200] * 300)
    trainer = _device("trainer", 300, power_w=[220 + i % 2 for i in range(300)])
    owners = {"meter": "ann", "trainer": "ann"}
    (session,) = _compute([meter, trainer], owners, overrides={("ann", "power_w"): "trainer"})
    assert _seconds(session, "power_w") == {"trainer": 300}
    assert session["device_id"] == "trainer"


COMPARED = (
    "duration_s",
    "moving_time_s",
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "tss",
    "work_kj",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_cadence_rpm",
    "distance_m",
    "trimp",
)


def _fit_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "fit").glob("*.fit"))


def test_every_shared_fit_file_through_two_devices_equals_the_file(shared_data: Path) -> None:
    """A strap sends the file's heart rate, a bike computer everything else (the laps and
    the timer's stops and starts too):
    the fused sessions equal ``fitconnect analytics fit`` on the file."""
    files = _fit_files(shared_data)
    assert len(files) == 8
    for path in files:
        activity = read_fit(path)
        strap = activity.samples.select("ts", "heart_rate_bpm").with_columns(
            device_id=pl.lit("strap")
        )
        computer = activity.samples.drop("heart_rate_bpm").with_columns(
            device_id=pl.lit("computer")
        )
        marks = pl.DataFrame(  # the computer's laps and timer
            {
                "device_id": "computer",
                "ts": [*activity.lap_starts, *(ts for ts, _ in activity.timer)],
                "kind": [LAP_EVENT] * len(activity.lap_starts) + [k for _, k in activity.timer],
            },
            schema=EVENT_SCHEMA,
        )
        computed = compute_sessions(
            pl.concat(
                [strap, computer],
                how="diagonal_relaxed",
            ),
            marks,
            {"strap": ("ann", "t"), "computer": ("ann", "t")},
            {"ann": constant(PARAMS)},
            rank_frame({"strap": "hr", "computer": "watch"}),
        )
        expected = file_sessions(path, PARAMS)
        fused = computed.sessions.sort("start_ts").to_dicts()
        assert len(fused) == len(expected), path.name
        for ours, theirs in zip(fused, expected, strict=True):
            for key in COMPARED:
                if theirs[key] is None:
                    assert ours[key] is None, (path.name, key)
                else:
                    want = pytest.approx(theirs[key], rel=1e-6, abs=1e-3)
                    assert ours[key] == want, (path.name, key)
            laps = computed.laps.filter(pl.col("session_id") == ours["session_id"])
            assert laps.height == len(theirs["laps"]), path.name


def test_every_registry_kind_has_its_priorities() -> None:
    for kind in DeviceKind:
        assert (canonical_kind(kind.value) is None) == (kind is DeviceKind.OTHER), kind
    assert rank("power", "power_w") < rank("trainer", "power_w")
    assert rank("hr", "heart_rate_bpm") < rank("watch", "heart_rate_bpm")
    assert rank("hr", "heart_rate_bpm") < rank("trainer", "heart_rate_bpm")
