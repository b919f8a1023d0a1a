"""Counting the SQL statements of one unit of work (a request): for metrics and N+1 tests.

Every pool connection creates ``CountingCursor``s; inside ``tally_statements()`` each
``execute`` adds one to the tally of the current context, which the tasks a request spawns
(GraphQL resolvers run concurrently) share.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Self

from psycopg import AsyncCursor
from psycopg.rows import Row


@dataclass(slots=True)
class StatementTally:
    count: int = 0


_tally: ContextVar[StatementTally | None] = ContextVar("fitconnect_statements", default=None)


@contextmanager
def tally_statements() -> Iterator[StatementTally]:
    """Count the statements sent from here (and from tasks started here) until the end."""
    tally = StatementTally()
    token = _tally.set(tally)
    try:
        yield tally
    finally:
        _tally.reset(token)


def _count() -> None:
    tally = _tally.get()
    if tally is not None:
        tally.count += 1


class CountingCursor(AsyncCursor[Row]):
    """An ``AsyncCursor`` that adds its ``execute`` and ``executemany`` calls to the tally."""

    async def execute(self, *args: Any, **kwargs: Any) -> Self:  # noqa: ANN401 - psycopg overloads
        _count()
        return await super().execute(*args, **kwargs)

    async def executemany(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401 - as above
        _count()
        await super().executemany(*args, **kwargs)
