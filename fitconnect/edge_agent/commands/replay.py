"""``fitconnect-edge replay``: a real FIT activity through the agent, re-timed or as it was."""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Annotated

import typer
from fitdecode.exceptions import FitError

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.edge_agent.sources.fit_replay import FitActivity, Record, read_activity
from fitconnect.schemas import EventKind


def replay(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .fit file.")],
    broker: Annotated[str, typer.Option(help="mqtt://user:password@host:port")],
    tenant: Annotated[str, typer.Option(help="The tenant id of the device.")],
    device: Annotated[str, typer.Option(help="The registered device id to publish as.")],
    keep_time: Annotated[
        bool,
        typer.Option(
            "--keep-time",
            help="Import the file with its own timestamps, as historical data (any --speed).",
        ),
    ] = False,
    speed: Annotated[
        float,
        typer.Option(
            min=0,
            help="Playback speed: 1 real time, 10 ten times, 0 at once (other than 1 only"
            " with --keep-time).",
        ),
    ] = 1.0,
    buffer_path: Annotated[Path, typer.Option(help="The agent's disk buffer.")] = Path(
        "edge-data/replay.sqlite"
    ),
    commit_acks: Annotated[
        bool,
        typer.Option(
            help="Keep batches until ingest acknowledges their commit (--no-commit-acks:"
            " delete at the broker's PUBACK, for an ingest that sends no acknowledgements)."
        ),
    ] = True,
) -> None:
    """Publish the file's records (heart rate, power, cadence, speed, distance, altitude),
    its lap marks and its timer's pauses and resumes.

    By default the file is re-timed to start now and played in real time: a live session.
    With --keep-time every sample keeps the file's own time and is sent as historical data,
    which ingest stores even when it predates the device's registration.
    """
    if speed != 1 and not keep_time:
        raise typer.BadParameter(
            "a re-timed replay runs in real time (faster, its samples would lie in the future);"
            " add --keep-time to import the file with its own timestamps",
            param_hint="--speed",
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        activity = read_activity(path)
    except FitError as exc:
        typer.secho(f"{path.name} is not a readable FIT file ({exc})", err=True, fg="red")
        raise typer.Exit(2) from exc
    if activity is None:
        typer.secho(f"{path.name}: no record messages", err=True, fg="red")
        raise typer.Exit(2)
    buffer = DiskBuffer(buffer_path)
    agent = EdgeAgent(tenant, buffer, historical=keep_time)
    publisher = Publisher(
        BrokerConfig(
            url=broker,
            tenant=tenant,
            client_id=f"edge-replay-{uuid.uuid4().hex[:8]}",
            commit_acks=commit_acks,
        ),
        buffer,
        [device],
    )
    publisher.start()
    start_ms = int(activity.start.timestamp() * 1000) if keep_time else int(time.time() * 1000)
    began = time.monotonic()
    try:
        for offset_s, item in _timeline(activity):
            if speed:
                wait = offset_s / speed - (time.monotonic() - began)
                if wait > 0:
                    time.sleep(wait)
            ts_ms = start_ms + round(offset_s * 1000)
            if isinstance(item, Record):
                agent.handle_samples(device, ts_ms, item.samples)
            else:
                agent.mark(device, item, ts_ms)
            agent.flush_due()
    finally:
        agent.flush_due(force=True)
        publisher.stop(flush_timeout_s=30)
        typer.echo(
            f"{path.name}: {len(activity.records)} records in {agent.counters.batches} batches"
            f" ({'own timestamps' if keep_time else 're-timed to start now'}),"
            f" {len(buffer)} still buffered"
        )
        buffer.close()


def _timeline(activity: FitActivity) -> list[tuple[float, Record | EventKind]]:
    """Records, lap marks and timer events in time order (an event before a record at the
    same instant: a lap begins with its first sample)."""
    events: list[tuple[float, Record | EventKind]] = [
        *((offset, EventKind.LAP) for offset in activity.lap_starts),
        *((t.offset_s, t.kind) for t in activity.timer),
    ]
    records: list[tuple[float, Record | EventKind]] = [(r.offset_s, r) for r in activity.records]
    return sorted([*events, *records], key=lambda item: (item[0], isinstance(item[1], Record)))
