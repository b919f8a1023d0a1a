"""Cheap helpers for frames sorted by a group key: sort only when needed, positions in runs.

Per-group window functions (``over``) cost a hash pass each; on a frame already sorted by
its group key the same answers come from a shift and a fill, which is what the hot path uses.
"""

from __future__ import annotations

import polars as pl


def is_sorted_by(frame: pl.DataFrame, group: str, ts: str = "ts") -> bool:
    """True when each ``group`` is one contiguous run, strictly increasing in ``ts``.

    The groups themselves may come in any order: run-based code needs contiguity, not order.
    """
    if frame.height < 2:
        return True
    g, t = pl.col(group), pl.col(ts)
    increasing = (g != g.shift(1)) | (t > t.shift(1))
    checks = frame.select(
        increasing.slice(1).all().alias("inc"),
        (g != g.shift(1)).slice(1).sum().alias("changes"),
        g.n_unique().alias("groups"),
    ).row(0)
    return bool(checks[0]) and checks[1] + 1 == checks[2]


def sorted_by(frame: pl.DataFrame, group: str, ts: str = "ts") -> pl.DataFrame:
    """``frame`` with contiguous groups in time order (returned as is when it already is).

    Groups come out in an arbitrary order: one integer key (group code, then whole second;
    a stable sort keeps arrival order within a second) sorts twice as fast as two columns.
    """
    if is_sorted_by(frame, group, ts):
        return frame
    code = pl.col(group).cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int64)
    seconds = pl.col(ts).dt.epoch("s")
    key = code * (1 << 40) + (seconds - seconds.min())
    return frame.sort(key, maintain_order=True)


def run_starts(group: str) -> pl.Expr:
    """True on the first row of each run of equal ``group`` values."""
    return pl.col(group).ne_missing(pl.col(group).shift(1))


def position_in_run(starts: pl.Expr) -> pl.Expr:
    """0, 1, 2 ... counting rows since the last row where ``starts`` is true."""
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    return index - pl.when(starts).then(index).forward_fill()


def run_length(starts: pl.Expr) -> pl.Expr:
    """Length of the run each row belongs to (runs begin where ``starts`` is true)."""
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    ends = starts.shift(-1).fill_null(value=True)
    first = pl.when(starts).then(index).forward_fill()
    last = pl.when(ends).then(index).backward_fill()
    return last - first + 1
