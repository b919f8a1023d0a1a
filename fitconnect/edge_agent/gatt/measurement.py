"""What a decoded notification is: the characteristic and its named values, frozen."""

from __future__ import annotations

from collections.abc import ItemsView, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from fitconnect.edge_agent.gatt.layout import Value


@dataclass(frozen=True, slots=True, eq=False)
class Measurement:
    """One decoded notification: ``characteristic`` ("2A37") and its values by name."""

    characteristic: str
    fields: Mapping[str, Value]

    @classmethod
    def of(cls, characteristic: str, fields: dict[str, Value]) -> Measurement:
        return cls(characteristic, MappingProxyType(fields))

    def __getitem__(self, name: str) -> Value:
        return self.fields[name]

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def get(self, name: str) -> Value | None:
        return self.fields.get(name)

    def items(self) -> ItemsView[str, Value]:
        return self.fields.items()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Measurement):
            return NotImplemented
        return self.characteristic == other.characteristic and dict(self.fields) == dict(
            other.fields
        )

    def __hash__(self) -> int:
        return hash((self.characteristic, tuple(sorted(self.fields.items(), key=str))))
