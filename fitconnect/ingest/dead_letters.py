"""The dead-letter table: every message ingest could not store, with its reason, kept whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row

Connection = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    received_at: datetime
    topic: str
    payload: bytes
    reason: str
    detail: str
    worker: str | None
    replayed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewDeadLetter:
    topic: str
    payload: bytes
    reason: str
    detail: str


def add(conn: Connection, letters: list[NewDeadLetter], worker: str) -> None:
    """Insert ``letters`` in the caller's transaction.

    The payload is kept byte for byte (``bytea``); topic and detail, which can quote what a
    device sent, are made storable text first, so this insert cannot fail on their content.
    """
    if not letters:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO telemetry.dead_letters (topic, payload, reason, detail, worker)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (storable_text(d.topic), d.payload, d.reason, storable_text(d.detail), worker)
                for d in letters
            ],
        )


def storable_text(value: str) -> str:
    """``value`` with NUL and what is not UTF-8 (lone surrogates) replaced by U+FFFD."""
    if value.isascii() and "\x00" not in value:
        return value
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)


def pending(
    conn: Connection, *, reason: str | None = None, limit: int = 100, ids: list[int] | None = None
) -> list[DeadLetter]:
    """Dead letters not yet replayed, oldest first, optionally of one reason or these ids."""
    with conn.cursor(row_factory=class_row(DeadLetter)) as cur:
        cur.execute(
            "SELECT id, received_at, topic, payload, reason, detail, worker, replayed_at"
            " FROM telemetry.dead_letters"
            " WHERE replayed_at IS NULL"
            "   AND (%(reason)s::text IS NULL OR reason = %(reason)s)"
            "   AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s))"
            " ORDER BY id LIMIT %(limit)s",
            {"reason": reason, "limit": limit, "ids": ids},
        )
        return cur.fetchall()


def counts_by_reason(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        "SELECT reason, count(*) FROM telemetry.dead_letters WHERE replayed_at IS NULL"
        " GROUP BY reason ORDER BY reason"
    ).fetchall()
    return {str(reason): int(str(n)) for reason, n in rows}


def mark_replayed(conn: Connection, letter_id: int) -> None:
    conn.execute(
        "UPDATE telemetry.dead_letters SET replayed_at = now() WHERE id = %s", (letter_id,)
    )


def update_reason(conn: Connection, letter_id: int, reason: str, detail: str) -> None:
    conn.execute(
        "UPDATE telemetry.dead_letters SET reason = %s, detail = %s WHERE id = %s",
        (reason, detail, letter_id),
    )
