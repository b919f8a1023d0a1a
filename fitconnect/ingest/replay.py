"""Re-ingesting dead letters after a fix (a device registered late, a range widened)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from fitconnect.ingest import dead_letters
from fitconnect.ingest.batch import Pending, write_batch
from fitconnect.ingest.errors import MessageRejectedError
from fitconnect.ingest.registry import DeviceRegistry
from fitconnect.ingest.rollup import RollupMaintainer
from fitconnect.ingest.storage import SampleStore
from fitconnect.ingest.validation import parse


@dataclass(frozen=True, slots=True)
class ReplayResult:
    stored: int
    still_failing: int


def replay(
    database_url: str,
    *,
    reason: str | None = None,
    ids: list[int] | None = None,
    limit: int = 10_000,
) -> ReplayResult:
    """Run pending dead letters through the same checks and writer as live messages.

    A letter that now passes is stored and marked replayed; one that fails again stays, with
    its new reason.
    """
    stored = failing = 0
    with (
        psycopg.connect(database_url) as conn,
        psycopg.connect(database_url, autocommit=True) as registry_conn,
    ):
        registry = DeviceRegistry(registry_conn)
        store = SampleStore()
        rollup = RollupMaintainer(enabled=RollupMaintainer.needed(conn))
        conn.commit()
        for letter in dead_letters.pending(conn, reason=reason, ids=ids, limit=limit):
            try:
                item = Pending(letter.topic, letter.payload, parse(letter.topic, letter.payload))
            except MessageRejectedError as exc:
                item = Pending(letter.topic, letter.payload, exc)
            outcome = write_batch(
                conn,
                [item],
                registry=registry,
                store=store,
                rollup=rollup,
                worker="replay",
                record_dead=False,
            )
            if outcome.dead:
                again = outcome.dead[0]
                dead_letters.update_reason(conn, letter.id, again.reason, again.detail)
                failing += 1
            else:
                dead_letters.mark_replayed(conn, letter.id)
                stored += 1
            conn.commit()
        rollup.flush(conn)
        conn.commit()
    return ReplayResult(stored, failing)
