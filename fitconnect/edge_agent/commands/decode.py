"""``fitconnect-edge decode``: decode GATT payloads given in hex, one JSON line each."""

from __future__ import annotations

import json
import string
from typing import Annotated

import typer

from fitconnect.edge_agent.gatt import (
    SUPPORTED,
    decode_notification,
    normalise,
    to_expected_dict,
)


def _from_hex(text: str) -> bytes:
    """The bytes of ``text`` (hex digits, spaces or colons between bytes allowed)."""
    digits = "".join(text.replace(":", " ").split())
    if any(c not in string.hexdigits for c in digits):
        raise ValueError(f"not hex: {text!r}")
    if len(digits) % 2:
        raise ValueError(f"odd number of hex digits ({len(digits)}) in {text!r}: two per byte")
    return bytes.fromhex(digits)


def decode(
    payloads: Annotated[
        list[str], typer.Argument(help="Payloads in hex, e.g. 1e5532002100 (spaces allowed).")
    ],
    char: Annotated[
        str,
        typer.Option(
            "--char",
            "-c",
            help=f"Characteristic UUID (16-bit hex): {', '.join(sorted(SUPPORTED))}.",
        ),
    ],
) -> None:
    """Print each payload decoded as one JSON line; an invalid one prints {"error": …}.

    The exit status is 2 when any payload is invalid (the others are still printed).
    """
    characteristic = normalise(char)
    failed = False
    for text in payloads:
        try:
            payload = _from_hex(text)
            line = to_expected_dict(decode_notification(characteristic, payload))
        except ValueError as exc:  # DecodeError, or text that is not whole bytes in hex
            failed = True
            typer.echo(json.dumps({"error": str(exc)}))
            continue
        typer.echo(json.dumps(line))
    if failed:
        raise typer.Exit(2)
