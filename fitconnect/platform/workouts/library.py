"""A small library of classic sessions, each a ``Workout`` built from its usual description.

Keys are stable (a plan may name one): ``endurance_60``, ``sweet_spot_3x10``,
``threshold_2x20``, ``vo2max_5x3``, ``over_unders_3x9``, ``tabata_8x20``.
"""

from __future__ import annotations

from fitconnect.schemas.workouts import Repeat, Step, StepKind, Target, TargetKind, Workout


def _ftp(low: float, high: float | None = None, *, ramp: bool = False) -> Target:
    return Target(kind=TargetKind.FTP_PCT, low=low, high=low if high is None else high, ramp=ramp)


def _warmup(minutes: float = 10) -> Step:
    return Step(kind=StepKind.WARMUP, duration_s=minutes * 60, target=_ftp(45, 70, ramp=True))


def _cooldown(minutes: float = 10) -> Step:
    return Step(kind=StepKind.COOLDOWN, duration_s=minutes * 60, target=_ftp(65, 40, ramp=True))


def _on(seconds: float, pct: float) -> Step:
    return Step(kind=StepKind.INTERVAL, duration_s=seconds, target=_ftp(pct))


def _off(seconds: float, pct: float = 50) -> Step:
    return Step(kind=StepKind.RECOVERY, duration_s=seconds, target=_ftp(pct))


def _build() -> dict[str, Workout]:
    return {
        "endurance_60": Workout(
            name="Endurance 60",
            description="An hour in zone 2: 40 minutes at 65 % of FTP between an easy start "
            "and finish.",
            steps=(_warmup(10), _on(40 * 60, 65), _cooldown(10)),
        ),
        "sweet_spot_3x10": Workout(
            name="Sweet spot 3x10",
            description="Three 10-minute blocks at 90 % of FTP, 5 minutes easy between.",
            steps=(_warmup(), Repeat(count=3, steps=(_on(600, 90), _off(300))), _cooldown()),
        ),
        "threshold_2x20": Workout(
            name="Threshold 2x20",
            description="Two 20-minute blocks at FTP, 5 minutes easy between.",
            steps=(_warmup(15), Repeat(count=2, steps=(_on(1200, 100), _off(300))), _cooldown()),
        ),
        "vo2max_5x3": Workout(
            name="VO2max 5x3",
            description="Five 3-minute efforts at 120 % of FTP with 3 minutes easy.",
            steps=(_warmup(15), Repeat(count=5, steps=(_on(180, 120), _off(180))), _cooldown()),
        ),
        "over_unders_3x9": Workout(
            name="Over-unders 3x9",
            description="Three 9-minute blocks alternating 2 minutes at 95 % and 1 minute at "
            "105 % of FTP; 5 minutes easy between blocks.",
            steps=(
                _warmup(15),
                *(
                    block
                    for _ in range(3)
                    for block in (
                        Repeat(count=3, steps=(_on(120, 95), _on(60, 105))),
                        _off(300),
                    )
                ),
                _cooldown(),
            ),
        ),
        "tabata_8x20": Workout(
            name="Tabata 8x20",
            description="Eight 20-second all-out efforts (170 % of FTP) with 10 seconds rest.",
            steps=(_warmup(15), Repeat(count=8, steps=(_on(20, 170), _off(10, 40))), _cooldown()),
        ),
    }


CLASSICS: dict[str, Workout] = _build()
