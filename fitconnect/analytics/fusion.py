"""One stream per athlete from all their devices: clean each device, pick the best per second.

Samples of all of an athlete's devices become one 1 Hz stream (``fuse``): each second, each
stream (heart rate, power, …) takes the value of the best-ranked device that has one then
(``sources``), so when a power meter drops out the trainer's power fills in, and returns to
the power meter when it is back. Two athletes never share a row.

Before that each device's stream is cleaned (``clean``), on its own samples in time order:

- a *spike* (one sample far above, or for heart rate far below, both neighbours: a radio
  glitch) is removed (``SPIKE_DELTA``);
- a *frozen* stream (the same non-zero value for at least ``FROZEN_S`` seconds: a sensor that
  stopped updating) is kept but ranks below every live source, so another device that has
  the stream takes over while it is frozen.

The fused rows carry, per stream, the code of the device chosen (``source_column``), from
which ``provenance`` counts the seconds each device gave and ``quality_flags`` the drop-outs
(seconds of the session inside the main source's span where it gave nothing), spikes removed
and frozen seconds. Distance is cumulative per device: a session whose distance came from
more than one device takes it from its best-ranked one alone (``single_distance``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fitconnect.analytics.frame import SESSION_KEY
from fitconnect.analytics.grid import PAUSE_GAP_S
from fitconnect.analytics.ordering import run_starts, sorted_by
from fitconnect.analytics.sources import STREAMS, UNKNOWN_RANK, rank_column

FROZEN_S = 60
"""A device repeating one non-zero value this long (seconds) has frozen."""

SPIKE_DELTA: dict[str, float] = {"power_w": 500.0, "heart_rate_bpm": 30.0, "cadence_rpm": 60.0}
"""A lone sample this far from both neighbours (power, cadence: above; heart rate: either
way) is a spike."""

FREEZES: tuple[str, ...] = ("heart_rate_bpm", "power_w", "cadence_rpm")
"""Streams checked for freezing (speed, distance and altitude may hold still for long)."""

_US = 1_000_000
_FROZEN_RANK = 16


def source_column(stream: str) -> str:
    return f"_src_{stream}"


def _spike(stream: str) -> str:
    return f"_spike_{stream}"


def _frozen(stream: str) -> str:
    return f"_frozen_{stream}"


@dataclass(frozen=True, slots=True)
class Fused:
    """The fused 1 Hz rows, and the device codes their ``source_column`` values refer to."""

    samples: pl.DataFrame
    devices: list[str]
    """Device id of each code (the code is the index)."""
    flagged: pl.DataFrame
    """Cleaned device rows with a spike removed or a frozen value (for ``quality_flags``)."""


def clean(samples: pl.DataFrame) -> pl.DataFrame:
    """Each device's samples: whole seconds (the first sample of a second kept), spikes
    removed (``_spike_<stream>`` true where one was) and frozen runs marked
    (``_frozen_<stream>``). Rows come out grouped by device, in time order."""
    dtype = samples.schema["ts"]
    frame = samples.with_columns((pl.col("ts").cast(pl.Int64) // _US * _US).cast(dtype))
    frame = sorted_by(frame, "device_id") if frame.height else frame
    device, ts = pl.col("device_id"), pl.col("ts")
    same_second = (device == device.shift(1)) & (ts == ts.shift(1))
    frame = frame.filter(~same_second.fill_null(value=False))
    same_prev = (device == device.shift(1)).fill_null(value=False)
    same_next = (device == device.shift(-1)).fill_null(value=False)
    spikes = []
    for stream, delta in SPIKE_DELTA.items():
        v = pl.col(stream).cast(pl.Float64)
        up_prev, up_next = v - v.shift(1), v - v.shift(-1)
        spike = same_prev & same_next & (up_prev > delta) & (up_next > delta)
        if stream == "heart_rate_bpm":
            spike = spike | (same_prev & same_next & (-up_prev > delta) & (-up_next > delta))
        spikes.append(spike.fill_null(value=False).alias(_spike(stream)))
    frame = frame.with_columns(spikes).with_columns(
        pl.when(~pl.col(_spike(s))).then(pl.col(s)).alias(s) for s in SPIKE_DELTA
    )
    gap = (ts - ts.shift(1)).dt.total_seconds() > PAUSE_GAP_S
    frozen = []
    for stream in FREEZES:
        v = pl.col(stream)
        starts = run_starts("device_id") | v.ne_missing(v.shift(1)) | gap.fill_null(value=True)
        ends = starts.shift(-1).fill_null(value=True)
        first = pl.when(starts).then(ts).forward_fill()
        last = pl.when(ends).then(ts).backward_fill()
        long_run = (last - first).dt.total_seconds() >= FROZEN_S
        frozen.append((long_run & (v > 0)).fill_null(value=False).alias(_frozen(stream)))
    return frame.with_columns(frozen)


_CODE_SHIFT = 24


def _pick(
    several: pl.DataFrame, athletes: list[str], athlete_of_code: pl.Series, most: int
) -> pl.DataFrame:
    """Per athlete and second the best live value of each stream, from ``several`` (rows of
    athletes with more than one device, at most ``most`` devices each): rows sorted by
    (athlete, second), each stream's priority (rank, frozen or not, device code) in one
    integer, and in each run of equal keys (at most ``most`` rows, reached by shifts) the
    value of the row with the smallest. ``athlete_of_code`` is the index in ``athletes`` of
    each device code's athlete."""
    first = several.get_column("ts").min()
    seconds = (pl.col("ts") - pl.lit(first)).dt.total_seconds()
    athlete_code = pl.lit(athlete_of_code).gather(pl.col("_code"))
    priority = {
        s: pl.when(pl.col(s).is_not_null()).then(
            (
                pl.col(rank_column(s)).fill_null(UNKNOWN_RANK)
                + (pl.col(_frozen(s)).cast(pl.Int64) * _FROZEN_RANK if s in FREEZES else 0)
            )
            * (1 << _CODE_SHIFT)
            + pl.col("_code")
        )
        for s in STREAMS
    }
    rows = several.select(
        (athlete_code * (1 << 40) + seconds).alias("_key"),
        *STREAMS,
        *(e.alias(f"_p_{s}") for s, e in priority.items()),
    ).sort("_key")
    key = pl.col("_key")
    later = range(1, most)
    same = {k: key == key.shift(-k) for k in later}

    def at(column: str, k: int) -> pl.Expr:
        return pl.col(column) if k == 0 else pl.when(same[k]).then(pl.col(column).shift(-k))

    best = {s: pl.min_horizontal(at(f"_p_{s}", k) for k in range(most)) for s in STREAMS}
    picked = (
        rows.with_columns(e.alias(f"_b_{s}") for s, e in best.items())
        .select(
            key,
            *(
                pl.coalesce(
                    pl.when(at(f"_p_{s}", k) == pl.col(f"_b_{s}")).then(at(s, k))
                    for k in range(most)
                ).alias(s)
                for s in STREAMS
            ),
            *((pl.col(f"_b_{s}") % (1 << _CODE_SHIFT)).alias(source_column(s)) for s in STREAMS),
        )
        .filter(key.ne_missing(key.shift(1)))
    )
    keys = picked.get_column("_key")
    return picked.with_columns(
        pl.Series("athlete_id", athletes).gather(keys // (1 << 40)),
        (pl.lit(first) + pl.duration(seconds=pl.lit(keys % (1 << 40)))).alias("ts"),
    )


def fuse(cleaned: pl.DataFrame, ranks: pl.DataFrame) -> Fused:
    """One row per athlete and second: each stream from the best live source (see above).

    ``cleaned`` is ``clean`` output with ``athlete_id`` (grouped by device); ``ranks`` is
    ``sources.rank_frame`` of its devices. Rows come out sorted by athlete, then time.
    """
    starts = run_starts("device_id")
    frame = cleaned.with_columns((starts.cum_sum() - 1).cast(pl.Int64).alias("_code"))
    owned = frame.filter(starts).select("device_id", "athlete_id")
    devices = owned.get_column("device_id").to_list()
    rank_of = ranks.join(owned, on="device_id", how="right").select(
        "device_id", *(rank_column(s) for s in STREAMS)
    )
    code = pl.col("_code")
    frame = frame.with_columns(
        pl.lit(rank_of.get_column(rank_column(s))).gather(code).alias(rank_column(s))
        for s in STREAMS
    )
    flags = [c for s in STREAMS for c in (_spike(s), _frozen(s)) if c in frame.columns]
    flagged = frame.filter(pl.any_horizontal(flags)) if flags else frame.clear()
    per_athlete = owned.group_by("athlete_id").agg(pl.len().alias("_n"))
    most = int(per_athlete.select(pl.col("_n").max()).item() or 0)
    multi = per_athlete.filter(pl.col("_n") > 1).get_column("athlete_id")
    multi_codes = owned.with_row_index("_c").filter(pl.col("athlete_id").is_in(multi.implode()))
    in_multi = code.is_in(multi_codes.get_column("_c").cast(pl.Int64).implode())
    keys = ["athlete_id", "ts"]
    single = frame.filter(~in_multi).select(
        *keys,
        *STREAMS,
        *(pl.when(pl.col(s).is_not_null()).then(code).alias(source_column(s)) for s in STREAMS),
    )
    parts = [single]
    if multi.len():
        athletes = sorted(multi.to_list())
        index = {a: i for i, a in enumerate(athletes)}
        athlete_of_code = pl.Series(
            [index.get(a, -1) for a in owned.get_column("athlete_id").to_list()], dtype=pl.Int64
        )
        several = frame.filter(in_multi)
        parts.append(_pick(several, athletes, athlete_of_code, most).select(single.columns))
    fused = pl.concat(parts)
    return Fused(sorted_by(fused, "athlete_id"), devices, flagged)


@dataclass(frozen=True, slots=True)
class SessionSources:
    """Where each session's streams came from (frames keyed by ``session_id``)."""

    provenance: pl.DataFrame
    """session_id, stream, device_id, seconds: the seconds each device gave each stream."""
    main: pl.DataFrame
    """session_id, stream, device_id: the best-ranked device that gave the stream."""
    dropouts: pl.DataFrame
    """session_id, stream, device_id, seconds: seconds inside the main source's span (its
    first to last second) in which it gave nothing (only where positive)."""


def session_sources(cut: pl.DataFrame, devices: list[str], ranks: pl.DataFrame) -> SessionSources:
    """``SessionSources`` of fused rows with ``session_id`` (numbered 1, 2, … and contiguous,
    as ``assign_sessions`` makes them): two group-bys over the rows for all streams, the
    sources other than the main one (the rare case) counted from their rows only."""
    base = (
        pl.DataFrame({"device_id": devices}, schema={"device_id": pl.String()})
        .join(ranks, on="device_id", how="left")
        .fill_null(UNKNOWN_RANK)
    )
    sid, idx = pl.col(SESSION_KEY), pl.int_range(pl.len(), dtype=pl.Int64)
    shift = 1 << _CODE_SHIFT
    ranked = cut.group_by(SESSION_KEY).agg(
        (
            pl.lit(base.get_column(rank_column(s))).gather(pl.col(source_column(s))) * shift
            + pl.col(source_column(s))
        )
        .min()
        .alias(s)
        for s in STREAMS
    )
    count = int(cut.select(sid.max()).item() or 0) + 1
    mains = {
        s: pl.Series([None] * count, dtype=pl.Int64).scatter(
            ranked.get_column(SESSION_KEY), ranked.get_column(s) % shift
        )
        for s in STREAMS
    }
    from_main = {
        s: pl.col(source_column(s)).fill_null(-1) == pl.lit(mains[s]).gather(sid) for s in STREAMS
    }
    marked = cut.select(sid, idx.alias("_i"), *(e.alias(f"_fm_{s}") for s, e in from_main.items()))
    spans = marked.group_by(SESSION_KEY).agg(
        e
        for s in STREAMS
        for e in (
            pl.col("_i").filter(pl.col(f"_fm_{s}")).min().alias(f"_a_{s}"),
            pl.col("_i").filter(pl.col(f"_fm_{s}")).max().alias(f"_b_{s}"),
            pl.col(f"_fm_{s}").sum().cast(pl.Int64).alias(f"_n_{s}"),
        )
    )
    names = pl.Series(devices, dtype=pl.String)
    schema = {SESSION_KEY: pl.Int64(), "stream": pl.String(), "device_id": pl.String()}
    main_rows, drop_rows, prov_rows = [], [], []
    for s in STREAMS:
        with_main = spans.with_columns(
            pl.lit(mains[s]).gather(sid).alias("_code"), pl.lit(s).alias("stream")
        ).filter(pl.col(f"_n_{s}") > 0)
        named = with_main.with_columns(pl.lit(names).gather(pl.col("_code")).alias("device_id"))
        main_rows.append(named.select(*schema))
        prov_rows.append(named.select(*schema, pl.col(f"_n_{s}").alias("seconds")))
        gap = pl.col(f"_b_{s}") - pl.col(f"_a_{s}") + 1 - pl.col(f"_n_{s}")
        drop_rows.append(named.select(*schema, gap.alias("seconds")).filter(pl.col("seconds") > 0))
        src = pl.col(source_column(s))
        others = (
            cut.filter(src.is_not_null() & ~from_main[s])
            .group_by(SESSION_KEY, src.alias("_code"))
            .agg(pl.len().cast(pl.Int64).alias("seconds"))
        )
        prov_rows.append(
            others.select(
                SESSION_KEY,
                pl.lit(s).alias("stream"),
                pl.lit(names).gather(pl.col("_code")).alias("device_id"),
                "seconds",
            )
        )
    provenance = pl.concat(prov_rows).sort(
        SESSION_KEY, "stream", "seconds", descending=[False, False, True]
    )
    return SessionSources(provenance, pl.concat(main_rows), pl.concat(drop_rows))


def cleaning_flags(flagged: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """Spikes removed (samples) and frozen seconds per session, stream and device.

    ``spans`` holds each session's athlete_id, first and last second (``_first``,
    ``_last``) and ``session_id``. Columns: session_id, stream, flag, device_id, count.
    """
    schema = {
        SESSION_KEY: pl.Int64(),
        "stream": pl.String(),
        "flag": pl.String(),
        "device_id": pl.String(),
        "count": pl.Int64(),
    }
    if flagged.is_empty():
        return pl.DataFrame(schema=schema)
    placed = (
        flagged.sort("ts")
        .join_asof(
            spans.sort("_first"),
            left_on="ts",
            right_on="_first",
            by="athlete_id",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("ts") <= pl.col("_last"))
    )
    parts = []
    for s in STREAMS:
        for flag, column in (("spikes_removed", _spike(s)), ("frozen", _frozen(s))):
            if column not in placed.columns:
                continue
            parts.append(
                placed.filter(pl.col(column))
                .group_by(SESSION_KEY, "device_id")
                .agg(pl.len().cast(pl.Int64).alias("count"))
                .with_columns(pl.lit(s).alias("stream"), pl.lit(flag).alias("flag"))
                .select(*schema)
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def single_distance(
    cut: pl.DataFrame, cleaned: pl.DataFrame, main: pl.DataFrame, prov: pl.DataFrame
) -> pl.DataFrame:
    """``cut`` with the distance of sessions that mixed several devices' distances replaced
    by their main distance source's own values (cumulative counters do not mix)."""
    mixed = (
        prov.filter(pl.col("stream") == "distance_m")
        .group_by(SESSION_KEY)
        .agg(pl.len().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    if mixed.is_empty():
        return cut
    chosen = main.filter(pl.col("stream") == "distance_m").join(mixed, on=SESSION_KEY, how="semi")
    seconds = cut.select(SESSION_KEY, "athlete_id", "ts").join(chosen, on=SESSION_KEY, how="semi")
    own = (
        cleaned.select("device_id", "athlete_id", "ts", pl.col("distance_m").alias("_own"))
        .join(seconds, on=["athlete_id", "ts"])
        .join(chosen.select(SESSION_KEY, "device_id"), on=[SESSION_KEY, "device_id"])
        .select(SESSION_KEY, "ts", "_own")
    )
    replaced = cut.join(own, on=[SESSION_KEY, "ts"], how="left", maintain_order="left")
    in_mixed = pl.col(SESSION_KEY).is_in(mixed.get_column(SESSION_KEY).implode())
    return replaced.with_columns(
        pl.when(in_mixed).then(pl.col("_own")).otherwise(pl.col("distance_m")).alias("distance_m")
    ).drop("_own")
