"""Decoding and encoding any supported characteristic by its 16-bit UUID."""

from __future__ import annotations

from fitconnect.edge_agent.gatt import layout as engine
from fitconnect.edge_agent.gatt.errors import DecodeError
from fitconnect.edge_agent.gatt.layout import Value
from fitconnect.edge_agent.gatt.measurement import Measurement
from fitconnect.edge_agent.gatt.profiles import MACHINE_STATUS_PARAMETERS, MEASUREMENT_LAYOUTS

BATTERY_LEVEL = "2A19"
BODY_SENSOR_LOCATION = "2A38"
MACHINE_STATUS = "2ADA"
DEVICE_INFORMATION: dict[str, str] = {
    "2A29": "manufacturer_name",
    "2A24": "model_number",
    "2A25": "serial_number",
    "2A27": "hardware_revision",
    "2A26": "firmware_revision",
    "2A28": "software_revision",
}
SENSOR_LOCATIONS = ("other", "chest", "wrist", "finger", "hand", "ear_lobe", "foot")
SUPPORTED: frozenset[str] = frozenset(
    {*MEASUREMENT_LAYOUTS, BATTERY_LEVEL, BODY_SENSOR_LOCATION, MACHINE_STATUS, *DEVICE_INFORMATION}
)


def normalise(characteristic: str) -> str:
    """ "0x2a37", "2a37" or a full 128-bit UUID → "2A37"."""
    text = characteristic.strip().upper().removeprefix("0X")
    if len(text) == 36:  # 0000xxxx-0000-1000-8000-00805f9b34fb
        text = text[4:8]
    return text


def decode_notification(characteristic: str, payload: bytes) -> Measurement:
    """Decode one notification or read; ``DecodeError`` names the characteristic and offset."""
    char = normalise(characteristic)
    layout = MEASUREMENT_LAYOUTS.get(char)
    if layout is not None:
        return Measurement.of(char, engine.decode(layout, payload))
    if char == BATTERY_LEVEL:
        return Measurement.of(char, {"battery_level_pct": _one_byte(char, payload)})
    if char == BODY_SENSOR_LOCATION:
        code = _one_byte(char, payload)
        location = SENSOR_LOCATIONS[code] if code < len(SENSOR_LOCATIONS) else f"reserved_{code}"
        return Measurement.of(char, {"body_sensor_location": location})
    if char == MACHINE_STATUS:
        return Measurement.of(char, _machine_status(payload))
    if char in DEVICE_INFORMATION:
        try:
            text = payload.decode("utf-8").rstrip("\x00")
        except UnicodeDecodeError as exc:
            raise DecodeError(char, exc.start, "not UTF-8") from exc
        return Measurement.of(char, {DEVICE_INFORMATION[char]: text})
    raise DecodeError(char, 0, "unsupported characteristic")


def encode_measurement(measurement: Measurement) -> bytes:
    """The payload a device would send for ``measurement`` (inverse of the decoder)."""
    char = measurement.characteristic
    layout = MEASUREMENT_LAYOUTS.get(char)
    if layout is not None:
        return engine.encode(layout, measurement.fields)
    if char == BATTERY_LEVEL:
        return bytes([int(measurement["battery_level_pct"])])  # type: ignore[arg-type]
    if char == BODY_SENSOR_LOCATION:
        return bytes([SENSOR_LOCATIONS.index(str(measurement["body_sensor_location"]))])
    if char == MACHINE_STATUS:
        op = int(measurement["op_code"])  # type: ignore[arg-type]
        params = engine.Layout(char, "status", 0, (engine.Group(None, _params(op)),))
        return bytes([op]) + engine.encode(params, measurement.fields)
    if char in DEVICE_INFORMATION:
        return str(measurement[DEVICE_INFORMATION[char]]).encode()
    raise DecodeError(char, 0, "unsupported characteristic")


def _one_byte(char: str, payload: bytes) -> int:
    if not payload:
        raise DecodeError(char, 0, "one byte expected")
    return payload[0]


def _params(op: int) -> tuple[engine.Field, ...]:
    return MACHINE_STATUS_PARAMETERS.get(op, ())


def _machine_status(payload: bytes) -> dict[str, Value]:
    if not payload:
        raise DecodeError(MACHINE_STATUS, 0, "op code expected")
    op = payload[0]
    params = engine.Layout(MACHINE_STATUS, "status", 0, (engine.Group(None, _params(op)),))
    try:
        values = engine.decode(params, payload[1:])
    except DecodeError as exc:
        raise DecodeError(MACHINE_STATUS, exc.offset + 1, exc.reason) from exc
    return {"op_code": op, **values}
