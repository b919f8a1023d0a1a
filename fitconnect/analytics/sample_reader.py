"""Read samples out of PostgreSQL into the sample frame, by the cheaper path for the amount.

Profiling the full recompute showed reading dominating it: PostgreSQL spent most of a read
formatting rows as CSV text (floats and timestamps above all), and the client as much again
parsing that text back. ``read_samples`` asks for binary COPY through ADBC's PostgreSQL
driver, which decodes it into Arrow columns in C; Polars takes the columns as they are.

An ADBC connection costs ~60 ms to open (the driver loads the server's type catalogue), more
than a few devices' samples take to read, so ``read_few_samples`` reads those as CSV COPY on
the job's own connection. Both give the same frame.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime

import adbc_driver_postgresql.dbapi as adbc  # type: ignore[import-untyped]
import polars as pl

from fitconnect.analytics.frame import SAMPLE_SCHEMA
from fitconnect.analytics.repository import Connection

_COLUMNS = (
    "s.device_id, s.ts, s.heart_rate_bpm, s.power_w, s.cadence_rpm, s.speed_kmh,"
    " s.distance_m, s.altitude_m"
)

# The driver streams COPY only for statements without bind parameters: the values are
# rendered inline, each from a parsed ``UUID`` or ``datetime``.
_ARROW_SQL = (
    f"SELECT {_COLUMNS} FROM telemetry.published_samples s"  # noqa: S608 - constant columns
    " WHERE s.device_id = ANY('{{{devices}}}'::uuid[]) AND s.ts >= '{since}'::timestamptz"
)

_CSV_SQL = (
    f"COPY (SELECT {_COLUMNS} FROM telemetry.published_samples s"  # noqa: S608 - constant columns
    " WHERE s.device_id = ANY(%s::uuid[]) AND s.ts >= %s) TO STDOUT WITH (FORMAT csv)"
)

TS_FORMAT = "%Y-%m-%d %H:%M:%S%.f"
"""How PostgreSQL writes a timestamptz in a UTC session, once its "+00" is cut off."""

_SCHEMA: dict[str, pl.DataType] = {"device_id": pl.String(), **SAMPLE_SCHEMA}


def _trimmed(frame: pl.DataFrame, from_ts: dict[str, datetime]) -> pl.DataFrame:
    """Drop each device's samples before its own start (both reads scan from the earliest)."""
    if len(set(from_ts.values())) > 1:
        starts = pl.DataFrame(
            {"device_id": list(from_ts), "_from": list(from_ts.values())},
            schema={"device_id": pl.String(), "_from": SAMPLE_SCHEMA["ts"]},
        )
        frame = frame.join(starts, on="device_id", maintain_order="left").filter(
            pl.col("ts") >= pl.col("_from")
        )
    return frame.select(pl.col(c).cast(t) for c, t in _SCHEMA.items())


def read_samples(database_url: str, from_ts: dict[str, datetime]) -> pl.DataFrame:
    """Samples of each device from its start instant, with ``device_id``: binary COPY."""
    if not from_ts:
        return pl.DataFrame(schema=_SCHEMA)
    ids = ",".join(str(uuid.UUID(d)) for d in from_ts)
    query = _ARROW_SQL.format(devices=ids, since=min(from_ts.values()).isoformat())
    with adbc.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(query)
        raw: pl.DataFrame = cur.fetch_polars()
    # ``device_id`` arrives as the uuid's 16 bytes (Arrow's uuid type).
    names = pl.DataFrame(
        {"_raw": [uuid.UUID(d).bytes for d in from_ts], "device_id": list(from_ts)},
        schema={"_raw": pl.Binary(), "device_id": pl.String()},
    )
    named = raw.rename({"device_id": "_raw"}).join(names, on="_raw", maintain_order="left")
    return _trimmed(named, from_ts)


def read_few_samples(conn: Connection, from_ts: dict[str, datetime]) -> pl.DataFrame:
    """As ``read_samples``, as CSV COPY on ``conn`` (a session in UTC)."""
    buffer = io.BytesIO()
    with conn.cursor().copy(_CSV_SQL, (list(from_ts), min(from_ts.values()))) as copy:
        for chunk in copy:
            buffer.write(chunk)
    text = {"device_id": pl.String(), "ts": pl.String()}
    schema = text | {k: v for k, v in SAMPLE_SCHEMA.items() if k not in text}
    if buffer.tell() == 0:
        return pl.DataFrame(schema=_SCHEMA)
    frame = pl.read_csv(
        buffer.getvalue(), has_header=False, new_columns=list(schema), schema=schema
    )
    # Timestamps read "2026-03-02 07:00:00+00"; parsing them as naive UTC is three times
    # faster than parsing the offset.
    ts = (
        pl.col("ts")
        .str.strip_suffix("+00")
        .str.to_datetime(TS_FORMAT, time_unit="us")
        .dt.replace_time_zone("UTC")
    )
    return _trimmed(frame.with_columns(ts), from_ts)
