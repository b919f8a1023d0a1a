"""``SameFields``: a GraphQL type built from a domain object whose fields it mirrors by name."""

from __future__ import annotations

import dataclasses
from typing import Self


class SameFields:
    """``from_domain`` for a type whose fields are the domain object's, by the same names.

    Fields with resolvers (relations loaded on demand) are not copied.
    """

    @classmethod
    def from_domain(cls, obj: object) -> Self:
        names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
        return cls(**{name: getattr(obj, name) for name in names})
