"""``fitconnect-edge bench``: decode throughput and the agent's CPU for 20 devices at 4 Hz."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from fitconnect.edge_agent.commands.extras import missing


def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    seconds: Annotated[float, typer.Option(min=6, help="How long the fleet runs.")] = 20,
    broker: Annotated[
        str | None, typer.Option(help="Broker URL (default: a Mosquitto spawned on loopback).")
    ] = None,
) -> None:
    """Measure decodes/s per core and the agent's CPU (20 simulated devices, 4 Hz, real broker)."""
    try:
        from fitconnect.bench.edge import (  # noqa: PLC0415 - benchmark code only when it runs
            agent_cpu_percent,
            decode_rate,
            spawned_mosquitto,
        )
    except ModuleNotFoundError as exc:
        raise missing("bench", exc, "edge,bench") from exc
    per_s = decode_rate()
    if broker is not None:
        cpu = agent_cpu_percent(broker, seconds=seconds)
    else:
        with spawned_mosquitto() as url:
            cpu = agent_cpu_percent(url, seconds=seconds)
    result = {"decode_per_s": round(per_s), "cpu_pct_20_devices": round(cpu, 2)}
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"decode        {per_s:>12,.0f} notifications/s per core (target 300,000)")
    typer.echo(f"agent CPU     {cpu:>12.2f} % of one core, 20 devices at 4 Hz (target < 3 %)")
