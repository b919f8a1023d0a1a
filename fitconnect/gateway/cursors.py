"""Cursors of keyset pages, for GraphQL and REST alike: a page asked for by ``first`` after a
cursor or ``last`` before one; a cursor is its item's unique sort key, opaque (base64 JSON)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from fitconnect.gateway.errors import InvalidCursorError
from fitconnect.platform.db.pages import PageRequest

DEFAULT_PAGE = 20


def page_request(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    key: Sequence[Callable[[str], Any]],
) -> PageRequest:
    """The page the Relay arguments ask for; ``key`` parses each part of a cursor."""
    if first is not None and last is not None:
        raise InvalidCursorError("ask for first or last, not both")
    return PageRequest(
        size=last if last is not None else first if first is not None else DEFAULT_PAGE,
        after=decode_cursor(after, key) if after else None,
        before=decode_cursor(before, key) if before else None,
        backward=last is not None,
    )


def encode_cursor(key: Sequence[object]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode([str(k) for k in key])).decode()


def decode_cursor(cursor: str, key: Sequence[Callable[[str], Any]]) -> tuple[Any, ...]:
    refused = InvalidCursorError(f"{cursor!r} is not a cursor of this list")
    try:
        parts = msgspec.json.decode(base64.urlsafe_b64decode(cursor), type=list[str])
        parsed = tuple(parse(part) for parse, part in zip(key, parts, strict=False))
    except (ValueError, binascii.Error, msgspec.DecodeError) as exc:
        raise refused from exc
    if len(parsed) != len(key) or len(parts) != len(key):
        raise refused
    return parsed
