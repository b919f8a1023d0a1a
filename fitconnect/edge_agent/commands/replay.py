"""``fitconnect-edge replay``: a real FIT activity through the agent, as if recorded now."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Annotated

import typer

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.edge_agent.sources.fit_replay import fit_lap_starts, fit_records


def replay(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .fit file.")],
    broker: Annotated[str, typer.Option(help="mqtt://user:password@host:port")],
    tenant: Annotated[str, typer.Option(help="The tenant id of the device.")],
    device: Annotated[str, typer.Option(help="The registered device id to publish as.")],
    speed: Annotated[
        float, typer.Option(min=0, help="Playback speed: 1 real time, 10 ten times, 0 at once.")
    ] = 1.0,
    buffer_path: Annotated[Path, typer.Option(help="The agent's disk buffer.")] = Path(
        "edge-data/replay.sqlite"
    ),
) -> None:
    """Publish the file's records (heart rate, power, cadence, speed, distance, altitude)
    and its lap marks.

    Samples are re-timed so that the last one is now: ingest refuses samples from before a
    device's registration, and a replay is a demo or a load test, not an import.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    records = list(fit_records(path))
    laps = fit_lap_starts(path)
    if not records:
        typer.secho(f"{path.name}: no record messages", err=True, fg="red")
        raise typer.Exit(2)
    buffer = DiskBuffer(buffer_path)
    agent = EdgeAgent(tenant, buffer)
    publisher = Publisher(
        BrokerConfig(url=broker, tenant=tenant, client_id=f"edge-replay-{uuid.uuid4().hex[:8]}"),
        buffer,
        [device],
    )
    publisher.start()
    duration = records[-1].offset_s
    start_ms = int(time.time() * 1000 - duration * 1000)
    began = time.monotonic()
    try:
        for record in records:
            if speed:
                wait = record.offset_s / speed - (time.monotonic() - began)
                if wait > 0:
                    time.sleep(wait)
            ts_ms = start_ms + int(record.offset_s * 1000)
            if not speed:
                ts_ms = min(ts_ms, int(time.time() * 1000))
            while laps and laps[0] <= record.offset_s:
                agent.lap(device, start_ms + int(laps.pop(0) * 1000))
            agent.handle_samples(device, ts_ms, record.samples)
            agent.flush_due()
    finally:
        agent.flush_due(force=True)
        publisher.stop(flush_timeout_s=30)
        typer.echo(
            f"{path.name}: {len(records)} records in {agent.counters.batches} batches, "
            f"{len(buffer)} still buffered"
        )
        buffer.close()
