"""``fitconnect-edge scan``: nearby Bluetooth LE fitness devices."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from fitconnect.edge_agent.commands.extras import missing

# The fitness services a scan looks for (16-bit UUIDs in the Bluetooth base UUID).
FITNESS_SERVICES: dict[str, str] = {
    "180d": "heart rate",
    "1818": "cycling power",
    "1816": "cycling speed and cadence",
    "1814": "running speed and cadence",
    "1826": "fitness machine",
}


def _uuid(short: str) -> str:
    return f"0000{short}-0000-1000-8000-00805f9b34fb"


async def _discover(seconds: float) -> list[dict[str, object]]:
    from bleak import BleakScanner  # noqa: PLC0415 - Bluetooth only where a scan runs

    found = await BleakScanner.discover(
        timeout=seconds, service_uuids=[_uuid(s) for s in FITNESS_SERVICES], return_adv=True
    )
    rows = []
    for device, adv in found.values():
        services = [
            FITNESS_SERVICES[u[4:8]] for u in adv.service_uuids if u[4:8] in FITNESS_SERVICES
        ]
        rows.append(
            {
                "name": device.name or "?",
                "address": device.address,
                "rssi": adv.rssi,
                "services": services,
            }
        )
    return sorted(rows, key=lambda r: -int(str(r["rssi"])))


def scan(
    seconds: Annotated[float, typer.Option(min=1, help="How long to listen.")] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per device.")] = False,
) -> None:
    """List nearby fitness devices (heart rate, power, speed/cadence, fitness machines)."""
    try:
        from bleak.exc import BleakError  # noqa: PLC0415 - Bluetooth only where a scan runs
    except ModuleNotFoundError as exc:
        raise missing("scan", exc, "edge") from exc
    try:
        rows = asyncio.run(_discover(seconds))
    except (BleakError, OSError) as exc:
        typer.secho(f"cannot scan: no usable Bluetooth adapter ({exc})", err=True, fg="red")
        raise typer.Exit(2) from exc
    for row in rows:
        if as_json:
            typer.echo(json.dumps(row))
        else:
            typer.echo(
                f"{row['address']:<20} {row['rssi']:>5} dBm  {row['name']:<24} "
                f"{', '.join(map(str, row['services']))}"  # type: ignore[call-overload]
            )
    if not rows and not as_json:
        typer.echo("no fitness device found")
