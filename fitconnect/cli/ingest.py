"""``fitconnect ingest``: MQTT telemetry into PostgreSQL, and the dead-letter queue."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import threading
from typing import Annotated

import psycopg
import typer

from fitconnect.cli.common import load_settings
from fitconnect.cli.lazy import HELP_STYLE
from fitconnect.errors import ConfigurationError
from fitconnect.ingest import dead_letters
from fitconnect.ingest.process import run_worker
from fitconnect.ingest.replay import replay
from fitconnect.runtime.services import start_services

app = typer.Typer(
    help=(
        "Run ingest workers (MQTT to PostgreSQL) and manage the dead-letter queue.\n\n"
        "Workers join the shared subscription $share/ingest/fc/v1/+/+/telemetry (MQTT v5), so "
        "more workers, on this machine or others, split the load."
    ),
    invoke_without_command=True,
    **HELP_STYLE,
)
dlq = typer.Typer(
    help="Messages ingest could not store, kept whole with their reason.", **HELP_STYLE
)
app.add_typer(dlq, name="dlq")


@app.callback()
def ingest(
    ctx: typer.Context,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes to run.")] = 1,
    index: Annotated[
        int, typer.Option(min=0, help="This worker's index (stable client id, metrics port).")
    ] = 0,
) -> None:
    """Consume telemetry, status and events from the broker and write them to the database."""
    if ctx.invoked_subcommand is not None:
        return
    settings = load_settings(f"ingest-{index}")
    if workers > 1:
        _run_children(workers)
        return
    with start_services(settings) as services:
        if services.mqtt_url is None:
            raise ConfigurationError(
                "no broker: set FITCONNECT_MQTT_URL or run `fitconnect up`, which starts one"
            )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        run_worker(
            database_url=services.database_url,
            mqtt_url=services.mqtt_url,
            settings=settings.ingest,
            index=index,
            stop=stop,
            metrics_host=settings.metrics_host,
        )


def _run_children(workers: int) -> None:
    children = [
        subprocess.Popen([sys.executable, "-m", "fitconnect", "ingest", "--index", str(i)])
        for i in range(workers)
    ]

    def forward(sig: int, _frame: object) -> None:
        for child in children:
            child.send_signal(sig)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, forward)
    codes = [child.wait() for child in children]
    if any(codes):
        raise typer.Exit(max(codes))


@dlq.command("list")
def dlq_list(
    reason: Annotated[str | None, typer.Option(help="Only this reason.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per letter (payload in base64).")
    ] = False,
) -> None:
    """Show dead letters not yet replayed, and the count per reason."""
    settings = load_settings()
    with start_services(settings) as services, psycopg.connect(services.database_url) as conn:
        counts = dead_letters.counts_by_reason(conn)
        letters = dead_letters.pending(conn, reason=reason, limit=limit)
    if as_json:
        for d in letters:
            typer.echo(json.dumps(_as_json(d)))
        return
    if not counts:
        typer.echo("no dead letters")
        return
    typer.echo(
        f"{sum(counts.values())} pending: {', '.join(f'{r} {n}' for r, n in counts.items())}"
    )
    for d in letters:  # whole lines: the topic carries the tenant and device ids
        typer.echo(
            f"{d.id:>6}  {d.received_at.isoformat(timespec='seconds')}  {d.reason}  {d.topic}"
            f"  ({len(d.payload)} bytes)\n        {d.detail}"
        )


def _as_json(letter: dead_letters.DeadLetter) -> dict[str, object]:
    return {
        "id": letter.id,
        "received_at": letter.received_at.isoformat(),
        "reason": letter.reason,
        "topic": letter.topic,
        "detail": letter.detail,
        "worker": letter.worker,
        "bytes": len(letter.payload),
        "payload_base64": base64.b64encode(letter.payload).decode("ascii"),
    }


@dlq.command("replay")
def dlq_replay(
    ids: Annotated[list[int] | None, typer.Option("--id", help="Replay these ids.")] = None,
    reason: Annotated[str | None, typer.Option(help="Replay every letter of this reason.")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every pending letter.")] = False,
) -> None:
    """Re-ingest dead letters through the same checks; what passes now is stored."""
    if not (ids or reason or replay_all):
        typer.secho("say which: --id N, --reason R or --all", err=True, fg="red")
        raise typer.Exit(2)
    settings = load_settings()
    with start_services(settings) as services:
        if ids:
            with psycopg.connect(services.database_url) as conn:
                found = {d.id for d in dead_letters.pending(conn, ids=ids, limit=len(ids))}
            if missing := [i for i in ids if i not in found]:
                typer.secho(
                    f"not found: no pending dead letter with id {', '.join(map(str, missing))}"
                    " (`fitconnect ingest dlq list` shows them; a replayed one is not pending)",
                    err=True,
                    fg="red",
                )
                raise typer.Exit(1)
        result = replay(services.database_url, reason=reason, ids=ids or None)
    typer.echo(f"replayed: {result.stored} stored, {result.still_failing} still failing")
    if result.still_failing:
        raise typer.Exit(1)
