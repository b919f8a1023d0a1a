"""Whether a message's fields fit the columns they are stored in, checked as it arrives.

PostgreSQL refuses a text holding NUL, a string that is not UTF-8 (a lone surrogate from a
JSON ``\\ud800`` escape), an integer beyond its column's range; a single such value fails the
whole batch's transaction. So every field a device sends that reaches a column is checked here
first, and a message that does not fit is dead-lettered with the field and the reason. Sample
values and timestamps are bounded tighter still by the plausible ranges and the time window
(``validation.check``): they never reach the edges of ``smallint``, ``real`` or ``timestamptz``.
"""

from __future__ import annotations

from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.schemas import DeviceEvent, DeviceStatus, TelemetryBatch

SMALLINT_MAX = 2**15 - 1
BIGINT_MAX = 2**63 - 1


def check_storable(message: TelemetryBatch | DeviceStatus | DeviceEvent) -> None:
    """Raise ``MessageRejectedError`` when a field of ``message`` cannot be stored as sent."""
    if isinstance(message, TelemetryBatch):
        _integer("seq", message.seq, 0, BIGINT_MAX)  # telemetry.device_state.last_seq
        if message.corr is not None:  # logged
            _text("corr", message.corr)
    elif isinstance(message, DeviceEvent):
        if message.battery_pct is not None:
            _integer("battery_pct", message.battery_pct, -SMALLINT_MAX - 1, SMALLINT_MAX)
        for name in ("session_id", "sport"):
            value = getattr(message, name)
            if value is not None:
                _text(name, value)
        for key, value in (message.info or {}).items():  # jsonb: no NUL either
            _text("info key", key)
            _text(f"info[{key!r}]", value)


def _integer(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise MessageRejectedError("unstorable_value", f"{name}={value} is outside {low}..{high}")


def _text(name: str, value: str) -> None:
    if "\x00" in value:
        raise MessageRejectedError("unstorable_text", f"{name} holds a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MessageRejectedError(
                "unstorable_text", f"{name} is not valid UTF-8 ({exc.reason})"
            ) from exc
