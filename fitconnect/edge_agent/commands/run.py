"""``fitconnect-edge run``: the agent for the devices of its configuration file."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.commands.extras import missing
from fitconnect.edge_agent.config import load_config
from fitconnect.edge_agent.metrics import EdgeMetrics
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.edge_agent.simulator import SimulatedDevice, fleet_ticks

if TYPE_CHECKING:
    from fitconnect.edge_agent.sources.ble import BleDeviceSource

log = logging.getLogger(__name__)


def run(
    config: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="edge.toml")],
) -> None:
    """Run the agent: read devices, buffer on disk, publish; Ctrl-C flushes and stops."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        cfg = load_config(config)
    except ValueError as exc:
        typer.secho(f"configuration error: {exc}", err=True, fg="red")
        raise typer.Exit(2) from exc
    kinds = {d.source for d in cfg.devices}
    buffer = DiskBuffer(Path(cfg.buffer))
    agent = EdgeAgent(cfg.tenant, buffer)
    ids = [d.id for d in cfg.devices]
    publisher = Publisher(
        BrokerConfig(
            url=cfg.broker,
            tenant=cfg.tenant,
            client_id=f"edge-{uuid.uuid4().hex[:8]}",
            commit_acks=cfg.commit_acks,
            commit_timeout_s=cfg.commit_timeout_s,
        ),
        buffer,
        ids,
    )
    metrics = EdgeMetrics(cfg.metrics_port, cfg.metrics_host)
    fleet = [SimulatedDevice(d.id, d.profile, seed=i) for i, d in enumerate(cfg.devices)]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    publisher.start()
    log.info("agent running: %d device(s), %d batch(es) waiting on disk", len(ids), len(buffer))
    try:
        if kinds == {"ble"}:
            try:
                from fitconnect.edge_agent.sources.ble import (  # noqa: PLC0415 - Bluetooth only here
                    BleDeviceSource,
                )
            except ModuleNotFoundError as exc:
                raise missing("run", exc, "edge") from exc
            sources = [BleDeviceSource(d.id, d.address or "") for d in cfg.devices]
            asyncio.run(
                _run_ble(
                    sources, agent, stop, lambda: metrics.refresh(agent.counters, buffer, publisher)
                )
            )
        else:
            for notifications in fleet_ticks(fleet, cfg.hz, None):
                for n in notifications:
                    agent.handle(n)
                agent.flush_due()
                metrics.refresh(agent.counters, buffer, publisher)
                if stop.is_set():
                    break
    finally:
        agent.flush_due(force=True)
        publisher.stop()
        log.info("stopped with %d batch(es) kept on disk for the next start", len(buffer))
        buffer.close()


async def _run_ble(
    sources: list[BleDeviceSource],
    agent: EdgeAgent,
    stop: threading.Event,
    refresh: Callable[[], None],
) -> None:
    """Pump every device's notifications into the agent until ``stop``."""

    async def pump(source: BleDeviceSource) -> None:
        async for n in source.notifications():
            agent.handle(n)

    tasks = [asyncio.create_task(pump(s)) for s in sources]
    while not stop.is_set():
        await asyncio.sleep(0.25)
        agent.flush_due()
        refresh()
    for s in sources:
        await s.aclose()
    await asyncio.gather(*tasks, return_exceptions=True)
