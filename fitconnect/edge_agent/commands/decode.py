"""``fitconnect-edge decode``: decode GATT payloads given in hex, one JSON line each."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.edge_agent.gatt import (
    SUPPORTED,
    DecodeError,
    decode_notification,
    normalise,
    to_expected_dict,
)


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
            payload = bytes.fromhex(text.replace(":", " "))
            line = to_expected_dict(decode_notification(characteristic, payload))
        except ValueError as exc:  # DecodeError, or hex that is not hex
            failed = True
            reason = str(exc) if isinstance(exc, DecodeError) else f"not hex: {text!r}"
            typer.echo(json.dumps({"error": reason}))
            continue
        typer.echo(json.dumps(line))
    if failed:
        raise typer.Exit(2)
