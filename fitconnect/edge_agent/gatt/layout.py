"""A small engine for flag-driven GATT layouts: which fields a flags value makes present.

Every fitness characteristic is "flags, then the fields the flags announce, in a fixed order".
A ``Layout`` states that order once; ``decode`` and ``encode`` both walk it, so the decoder and
the encoder (used by the simulator and the round-trip tests) cannot disagree.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fitconnect.edge_agent.gatt.errors import DecodeError

Value = int | float | bool | str | tuple[int, ...]

# kind -> (struct format, size); "u24" and "u12x2" are handled by hand.
_FORMATS: dict[str, struct.Struct] = {
    "u8": struct.Struct("<B"),
    "s8": struct.Struct("<b"),
    "u16": struct.Struct("<H"),
    "s16": struct.Struct("<h"),
    "u32": struct.Struct("<I"),
}
_SIZES = {"u8": 1, "s8": 1, "u16": 2, "s16": 2, "u24": 3, "u32": 4, "u12x2": 3}
_RANGES = {
    "u8": (0, 0xFF),
    "s8": (-0x80, 0x7F),
    "u16": (0, 0xFFFF),
    "s16": (-0x8000, 0x7FFF),
    "u24": (0, 0xFFFFFF),
    "u32": (0, 0xFFFFFFFF),
    "u12x2": (0, 0xFFF),
}


@dataclass(frozen=True, slots=True)
class Field:
    """One field: its output name, wire type, and resolution (value = raw * scale)."""

    name: str
    kind: str
    scale: float = 1.0
    repeated: bool = False  # fills the rest of the payload (HR RR-intervals)
    second: str | None = None  # u12x2: the name of the second packed value

    def convert(self, raw: int) -> int | float:
        return raw if self.scale == 1.0 else raw * self.scale

    def raw(self, value: Value) -> int:
        if isinstance(value, bool | str | tuple):
            raise TypeError(f"{self.name} is numeric")
        return round(value / self.scale) if self.scale != 1.0 else int(value)


@dataclass(frozen=True, slots=True)
class Group:
    """Fields present when flag ``bit`` is set (or clear, if ``inverted``; always if None)."""

    bit: int | None
    fields: tuple[Field, ...]
    inverted: bool = False

    def present(self, flags: int) -> bool:
        if self.bit is None:
            return True
        on = bool(flags >> self.bit & 1)
        return on != self.inverted


@dataclass(frozen=True, slots=True)
class Layout:
    characteristic: str
    name: str
    flag_bytes: int
    groups: tuple[Group, ...]
    # Booleans carried by a flag bit alone (no data), e.g. RSC "running".
    flag_values: tuple[tuple[str, int], ...] = ()
    # Turns the raw flags and values into the published vocabulary (HR sensor contact, …).
    finish: Callable[[int, dict[str, Value]], None] | None = None
    # The inverse of ``finish`` for the encoder: flag bits a value implies.
    flags_of: Callable[[Mapping[str, Value]], int] | None = None
    all_names: frozenset[str] = field(default=frozenset())


def decode(layout: Layout, payload: bytes) -> dict[str, Value]:
    """Decode ``payload`` per ``layout``; ``DecodeError`` when a field is cut short."""
    n = layout.flag_bytes
    if len(payload) < n:
        raise DecodeError(layout.characteristic, 0, f"{n} flag byte(s) expected")
    flags = int.from_bytes(payload[:n], "little")
    out: dict[str, Value] = {}
    offset = n
    for group in layout.groups:
        if group.present(flags):
            for f in group.fields:
                offset = _decode_field(layout.characteristic, f, payload, offset, out)
    for name, bit in layout.flag_values:
        out[name] = bool(flags >> bit & 1)
    if layout.finish is not None:
        layout.finish(flags, out)
    return out


def _decode_field(char: str, f: Field, payload: bytes, offset: int, out: dict[str, Value]) -> int:
    """Decode ``f`` at ``offset`` into ``out``; return the offset after it."""
    width = _SIZES[f.kind]
    if len(payload) - offset < width:
        raise DecodeError(char, offset, f"{f.name} announced but cut short")
    if f.repeated:
        unpack = _FORMATS[f.kind].unpack_from
        count = (len(payload) - offset) // width
        out[f.name] = tuple(unpack(payload, offset + i * width)[0] for i in range(count))
        return offset + count * width
    if f.kind in {"u24", "u12x2"}:
        raw = int.from_bytes(payload[offset : offset + 3], "little")
        if f.kind == "u12x2":
            out[f.name] = f.convert(raw & 0xFFF)
            out[f.second or f.name + "_2"] = f.convert(raw >> 12)
            return offset + 3
    else:
        raw = _FORMATS[f.kind].unpack_from(payload, offset)[0]
    out[f.name] = f.convert(raw)
    return offset + width


def encode(layout: Layout, values: Mapping[str, Value]) -> bytes:
    """The payload that decodes to ``values`` (the first group that fits wins)."""
    flags = 0
    body = bytearray()
    written: set[str] = set()
    for group in layout.groups:
        names = {f.name for f in group.fields}
        if not names <= values.keys() or names & written:
            if group.bit is not None and group.inverted:
                flags |= 1 << group.bit  # absent: set the "more data" style bit
            continue
        if not all(_fits(f, values[f.name]) for f in group.fields if not f.repeated):
            if group.bit is not None and group.inverted:
                flags |= 1 << group.bit
            continue
        if group.bit is not None and not group.inverted:
            flags |= 1 << group.bit
        if group.bit is not None and group.inverted:
            flags &= ~(1 << group.bit)
        for f in group.fields:
            body += _pack(f, values)
        written |= names
    for name, bit in layout.flag_values:
        if values.get(name):
            flags |= 1 << bit
    if layout.flags_of is not None:
        flags |= layout.flags_of(values)
    return flags.to_bytes(layout.flag_bytes, "little") + bytes(body)


def _fits(f: Field, value: Value) -> bool:
    low, high = _RANGES[f.kind]
    return low <= f.raw(value) <= high


def _pack(f: Field, values: Mapping[str, Value]) -> bytes:
    value = values[f.name]
    if f.repeated:
        assert isinstance(value, tuple)  # noqa: S101 - repeated fields hold tuples
        return b"".join(_FORMATS[f.kind].pack(v) for v in value)
    if f.kind == "u24":
        return f.raw(value).to_bytes(3, "little")
    if f.kind == "u12x2":
        second = values[f.second or f.name + "_2"]
        return (f.raw(value) | f.raw(second) << 12).to_bytes(3, "little")
    return _FORMATS[f.kind].pack(f.raw(value))
