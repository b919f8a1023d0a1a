"""Property tests: random field values of every characteristic and every flag combination
survive encoder → decoder unchanged, and truncations are always rejected."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitconnect.edge_agent.gatt import (
    DecodeError,
    Measurement,
    decode_notification,
    encode_measurement,
)
from fitconnect.edge_agent.gatt.layout import _RANGES, Field, Layout
from fitconnect.edge_agent.gatt.profiles import MACHINE_STATUS_PARAMETERS, MEASUREMENT_LAYOUTS


def _value(f: Field, draw: Any) -> Any:
    low, high = _RANGES[f.kind]
    if f.repeated:
        return tuple(draw(st.lists(st.integers(low, high), min_size=1, max_size=8)))
    return f.convert(draw(st.integers(low, high)))


@st.composite
def measurements(draw: Any, layout: Layout) -> Measurement:
    values: dict[str, Any] = {}
    seen: set[frozenset[str]] = set()
    groups = [frozenset(f.name for f in g.fields) for g in layout.groups]
    for group, names in zip(layout.groups, groups, strict=True):
        if names in seen:  # the alternative width of a field already drawn (HR uint8/uint16)
            continue
        seen.add(names)
        mandatory = group.bit is None or groups.count(names) > 1
        if mandatory or draw(st.booleans()):
            for f in group.fields:
                values[f.name] = _value(f, draw)
                if f.second:
                    values[f.second] = _value(f, draw)
    for name, _bit in layout.flag_values:
        values[name] = draw(st.booleans())
    if layout.characteristic == "2A37":
        values["sensor_contact"] = draw(
            st.sampled_from(["detected", "not_detected", "not_supported"])
        )
    if "accumulated_torque_nm" in values:
        values["accumulated_torque_source"] = draw(st.sampled_from(["wheel", "crank"]))
    return Measurement.of(layout.characteristic, values)


@pytest.mark.parametrize("char", sorted(MEASUREMENT_LAYOUTS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_flag_combination_round_trips(char: str, data: st.DataObject) -> None:
    m = data.draw(measurements(MEASUREMENT_LAYOUTS[char]))
    payload = encode_measurement(m)
    assert decode_notification(char, payload) == m


@pytest.mark.parametrize("char", sorted(MEASUREMENT_LAYOUTS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_payload_cut_inside_a_field_is_rejected(char: str, data: st.DataObject) -> None:
    layout = MEASUREMENT_LAYOUTS[char]
    m = data.draw(measurements(layout))
    # RR-intervals fill the rest of an HR payload: cut only the fixed fields before them
    fixed = {k: v for k, v in m.items() if k != "rr_intervals_raw_1024"}
    payload = encode_measurement(Measurement.of(char, fixed))
    if len(payload) == layout.flag_bytes:
        return
    cut = data.draw(st.integers(0, len(payload) - 1))
    with pytest.raises(DecodeError) as err:
        decode_notification(char, payload[:cut])
    assert err.value.characteristic == char


@pytest.mark.parametrize("op", sorted(MACHINE_STATUS_PARAMETERS))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_machine_status_parameters_round_trip(op: int, data: st.DataObject) -> None:
    values: dict[str, Any] = {"op_code": op}
    for f in MACHINE_STATUS_PARAMETERS[op]:
        values[f.name] = _value(f, data.draw)
    m = Measurement.of("2ADA", values)
    assert decode_notification("2ADA", encode_measurement(m)) == m


@pytest.mark.parametrize(
    ("char", "payload", "expected"),
    [
        ("2A19", b"\x57", {"battery_level_pct": 87}),
        ("2A38", b"\x01", {"body_sensor_location": "chest"}),
        ("2A29", b"Wahoo Fitness", {"manufacturer_name": "Wahoo Fitness"}),
        ("2A26", b"4.2.1\x00", {"firmware_revision": "4.2.1"}),
    ],
)
def test_simple_characteristics(char: str, payload: bytes, expected: dict[str, Any]) -> None:
    m = decode_notification(char, payload)
    assert dict(m.fields) == expected
    assert decode_notification(char, encode_measurement(m)) == m


def test_unknown_characteristic_and_empty_battery_are_decode_errors() -> None:
    with pytest.raises(DecodeError, match="unsupported"):
        decode_notification("2A00", b"\x00")
    with pytest.raises(DecodeError, match="0x2A19"):
        decode_notification("0x2a19", b"")
