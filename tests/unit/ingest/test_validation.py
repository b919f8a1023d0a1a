import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.plausibility import first_implausible
from fitconnect.ingest.storage import timestamp_of
from fitconnect.ingest.validation import parse
from fitconnect.schemas import TelemetryBatch, encode

DEVICE = str(uuid.uuid4())
TOPIC = f"fc/v1/{uuid.uuid4()}/{DEVICE}/telemetry"


def _batch(**metrics: list[float | None]) -> TelemetryBatch:
    n = len(next(iter(metrics.values()))) if metrics else 1
    return TelemetryBatch(
        device_id=DEVICE, seq=1, ts_ms=[1_700_000_000_000 + i for i in range(n)], metrics=metrics
    )


@pytest.mark.parametrize(
    ("metric", "values", "bad"),
    [
        ("heart_rate_bpm", [60.0, 251.0], 251.0),
        ("heart_rate_bpm", [19.0], 19.0),
        ("power_w", [3000.0], 3000.0),
        ("cadence_rpm", [90.0, None, 120.0], None),
        ("cadence_rpm", [None, None], None),
        ("power_w", [100.0, None, -1.0, 5000.0], -1.0),  # the first offender, Nones skipped
        ("power_w", [1e308, 1e308, 2000.0], 1e308),  # a sum that overflows
        ("speed_kmh", [float("inf"), float("-inf")], float("inf")),  # a sum that is NaN
        ("altitude_m", [-500.0, 9000.0], None),  # the ranges' own ends are possible
    ],
)
def test_first_implausible_value(
    metric: str, values: list[float | None], bad: float | None
) -> None:
    assert first_implausible(metric, values) == bad


def test_nan_is_never_a_measurement() -> None:
    found = first_implausible("power_w", [100.0, float("nan")])
    assert found is not None
    assert math.isnan(found)


@pytest.mark.parametrize("fmt", ["msgpack", "json"])
def test_parse_accepts_both_payload_formats(fmt: str) -> None:
    batch = _batch(power_w=[200.0, 210.0])
    parsed = parse(TOPIC, encode(batch, fmt))  # type: ignore[arg-type]
    assert parsed.message == batch
    assert parsed.samples == 2


@pytest.mark.parametrize(
    ("topic", "payload", "reason"),
    [
        ("fc/v2/x/y/telemetry", encode(_batch(power_w=[1.0])), "bad_topic"),
        (f"fc/v1/t/{DEVICE}/metrics", encode(_batch(power_w=[1.0])), "bad_topic"),
        (TOPIC, b"", "empty_payload"),
        (TOPIC, b"\xc1", "undecodable"),
        (TOPIC, b'{"v": 1}', "schema_mismatch"),
        (f"fc/v1/t/{uuid.uuid4()}/telemetry", encode(_batch(power_w=[1.0])), "device_mismatch"),
    ],
)
def test_parse_rejects_with_a_stable_reason(topic: str, payload: bytes, reason: str) -> None:
    with pytest.raises(MessageRejectedError) as err:
        parse(topic, payload)
    assert err.value.reason == reason


def test_timestamps_are_utc_milliseconds() -> None:
    assert timestamp_of(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert timestamp_of(1_500) - timestamp_of(0) == timedelta(milliseconds=1_500)
