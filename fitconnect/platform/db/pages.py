"""Keyset pages of a list in a fixed order: stable under inserts, no offsets.

A list is ordered by a unique key (e.g. ``(start_ts, id)``); a page is the first ``size``
items after the key of one item, or (``backward``) the last ``size`` before one. Reading one
row more than asked tells whether there is a next (or previous) page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, LiteralString, TypeVar

T = TypeVar("T")

MAX_PAGE = 100
"""The most items one page holds, whatever a client asks for."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """``size`` items (1 … ``MAX_PAGE``): the first after ``after``, or with ``backward`` the
    last before ``before`` (either key may be None: from the list's start or end)."""

    size: int = 20
    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None
    backward: bool = False

    @property
    def limit(self) -> int:
        return min(max(self.size, 1), MAX_PAGE)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items in the list's order; whether items follow the last and precede the first."""

    items: list[T]
    has_next: bool
    has_previous: bool


def keyset(
    columns: tuple[LiteralString, ...], request: PageRequest, *, descending: bool
) -> tuple[LiteralString, LiteralString, dict[str, Any]]:
    """The condition (to AND into a WHERE), the ORDER BY … LIMIT clause and their parameters
    (``page_*`` names) of ``request`` over a list ordered by ``columns``."""
    key = ", ".join(columns)
    later, earlier = ("<", ">") if descending else (">", "<")
    conditions: list[LiteralString] = []
    params: dict[str, Any] = {"page_limit": request.limit + 1}
    for name, bound, op in (("after", request.after, later), ("before", request.before, earlier)):
        if bound is None:
            continue
        if len(bound) != len(columns):
            raise ValueError(f"a {name} key has {len(columns)} parts")
        marks = ", ".join(f"%(page_{name}_{i})s" for i in range(len(columns)))
        conditions.append(f"({key}) {op} ({marks})")
        params |= {f"page_{name}_{i}": value for i, value in enumerate(bound)}
    direction: LiteralString = "DESC" if descending != request.backward else "ASC"
    order = ", ".join(f"{column} {direction}" for column in columns)
    return " AND ".join(conditions) or "true", f" ORDER BY {order} LIMIT %(page_limit)s", params


def page_of(rows: list[T], request: PageRequest) -> Page[T]:
    """The page ``keyset``'s rows make (read in the page's direction, one more than asked)."""
    more = len(rows) > request.limit
    items = rows[: request.limit]
    if request.backward:
        items.reverse()
        return Page(items, has_next=request.before is not None, has_previous=more)
    return Page(items, has_next=more, has_previous=request.after is not None)
