"""What the columns can hold: the edges of each integer column, NUL and invalid UTF-8 in text."""

import pytest

from fitconnect.ingest.dead_letters import storable_text
from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.storable import BIGINT_MAX, SMALLINT_MAX, check_storable
from fitconnect.schemas import DeviceEvent, EventKind, TelemetryBatch


def _event(**fields: object) -> DeviceEvent:
    return DeviceEvent(device_id="d", kind=EventKind.BATTERY, ts_ms=1, **fields)  # type: ignore[arg-type]


def _batch(seq: int) -> TelemetryBatch:
    return TelemetryBatch(device_id="d", seq=seq, ts_ms=[1], metrics={})


@pytest.mark.parametrize("battery", [-SMALLINT_MAX - 1, 0, 100, SMALLINT_MAX])
def test_a_battery_level_a_smallint_holds_is_storable(battery: int) -> None:
    check_storable(_event(battery_pct=battery))


@pytest.mark.parametrize("battery", [-SMALLINT_MAX - 2, SMALLINT_MAX + 1, 40_000])
def test_a_battery_level_beyond_smallint_is_refused(battery: int) -> None:
    with pytest.raises(MessageRejectedError) as refused:
        check_storable(_event(battery_pct=battery))
    assert refused.value.reason == "unstorable_value"


def test_seq_up_to_bigint_is_storable_and_beyond_is_refused() -> None:
    check_storable(_batch(BIGINT_MAX))
    with pytest.raises(MessageRejectedError, match="seq="):
        check_storable(_batch(2**64 - 1))


@pytest.mark.parametrize(
    "fields",
    [
        {"session_id": "a\x00b"},
        {"sport": "\ud800"},
        {"info": {"model": "x\x00"}},
        {"info": {"k\udfff": "v"}},
    ],
)
def test_text_with_nul_or_invalid_utf8_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(MessageRejectedError) as refused:
        check_storable(_event(**fields))
    assert refused.value.reason == "unstorable_text"


def test_dead_letter_text_is_made_storable() -> None:
    assert storable_text("fc/v1/t/d/events") == "fc/v1/t/d/events"
    cleaned = storable_text("a\x00b\ud800c")
    assert cleaned == "a\ufffdb\ufffdc"
    cleaned.encode("utf-8")
