"""``fitconnect-edge simulate``: N simulated devices through the real agent and broker."""

from __future__ import annotations

import logging
import signal
import threading
import uuid
from pathlib import Path
from typing import Annotated

import typer

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.metrics import EdgeMetrics
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher
from fitconnect.edge_agent.simulator import PROFILES, SimulatedDevice, fleet_ticks
from fitconnect.schemas import EventKind

log = logging.getLogger(__name__)


def simulate(
    broker: Annotated[str, typer.Option(help="mqtt://user:password@host:port")],
    tenant: Annotated[str, typer.Option(help="The tenant id the devices belong to.")],
    device: Annotated[
        list[str] | None,
        typer.Option("--device", help="Registered device ids (repeat); default: --devices new"),
    ] = None,
    devices: Annotated[int, typer.Option(min=1, help="How many devices without --device.")] = 1,
    profile: Annotated[str, typer.Option(help=f"One of {', '.join(PROFILES)}.")] = "ride",
    hz: Annotated[float, typer.Option(min=0.1, max=20, help="Notifications per second.")] = 4.0,
    seconds: Annotated[
        float | None, typer.Option(help="Stop after this long (default: until Ctrl-C).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Same seed, same workout.")] = 1,
    buffer_path: Annotated[Path, typer.Option(help="The agent's disk buffer (SQLite).")] = Path(
        "edge-data/buffer.sqlite"
    ),
    metrics_port: Annotated[
        int, typer.Option(min=0, max=65535, help="Serve /metrics on this port (0: none).")
    ] = 0,
    metrics_host: Annotated[
        str, typer.Option(help="Address /metrics binds (0.0.0.0 to be scraped from elsewhere).")
    ] = "127.0.0.1",
    commit_acks: Annotated[
        bool,
        typer.Option(
            help="Keep batches until ingest acknowledges their commit (--no-commit-acks:"
            " delete at the broker's PUBACK, for an ingest that sends no acknowledgements)."
        ),
    ] = True,
) -> None:
    """Emit byte-exact notifications of a ride, run or row from a physiological model."""
    if profile not in PROFILES:
        raise typer.BadParameter(f"choose one of {PROFILES}", param_hint="--profile")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    ids = device or [str(uuid.uuid4()) for _ in range(devices)]
    fleet = [SimulatedDevice(d, profile, seed + i) for i, d in enumerate(ids)]
    buffer = DiskBuffer(buffer_path)
    agent = EdgeAgent(tenant, buffer)
    publisher = Publisher(
        BrokerConfig(
            url=broker,
            tenant=tenant,
            client_id=f"edge-sim-{uuid.uuid4().hex[:8]}",
            commit_acks=commit_acks,
        ),
        buffer,
        ids,
    )
    metrics = EdgeMetrics(metrics_port, metrics_host)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    session = uuid.uuid4().hex[:12]
    publisher.start()
    for d in ids:
        agent.session_event(d, EventKind.SESSION_START, session, profile)
    log.info("simulating %d %s device(s) at %.1f Hz", len(ids), profile, hz)
    try:
        for notifications in fleet_ticks(fleet, hz, seconds):
            for n in notifications:
                agent.handle(n)
            agent.flush_due()
            metrics.refresh(agent.counters, buffer, publisher)
            if stop.is_set():
                break
    finally:
        agent.flush_due(force=True)
        for d in ids:
            agent.session_event(d, EventKind.SESSION_STOP, session, profile)
        publisher.stop()
        log.info(
            "stopped: %d notifications, %d batches, %d published, %d still buffered",
            agent.counters.notifications,
            agent.counters.batches,
            publisher.published,
            len(buffer),
        )
        buffer.close()
