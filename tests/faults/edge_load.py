"""The load of the fault tests: the real edge agent (journal, batcher, disk buffer, publisher).

``python -m tests.faults.edge_load --broker URL --tenant T --device D… --dir DIR --samples N``

Every device gets samples 0..N-1 at ``t0_ms + i * STEP_MS``, paced at ``--rate`` samples per
second per device, through ``EdgeAgent.handle_samples`` like any sensor reading. After each
reading the index reached is written to ``DIR/progress`` (a SIGKILL keeps what a process
wrote), so a restarted load resumes where the killed one stopped, with the same buffer: the
samples it owes are exactly 0..N-1, whatever was killed. At the end it waits until the
buffer is empty (every batch PUBACKed) and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from fitconnect.edge_agent.agent import EdgeAgent
from fitconnect.edge_agent.buffer import DiskBuffer
from fitconnect.edge_agent.publisher import BrokerConfig, Publisher

STEP_MS = 10


def _progress(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[:8], "little") if path.exists() else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", required=True)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--device", action="append", required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--t0-ms", type=int, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    progress = args.dir / "progress"
    fd = os.open(progress, os.O_RDWR | os.O_CREAT, 0o644)
    start = _progress(progress)
    buffer = DiskBuffer(args.dir / "buffer.sqlite")
    agent = EdgeAgent(args.tenant, buffer)  # re-batches what a killed agent journaled
    publisher = Publisher(
        BrokerConfig(url=args.broker, tenant=args.tenant, client_id="fault-edge"),
        buffer,
        args.device,
    )
    publisher.start()
    began = time.monotonic()
    for i in range(start, args.samples):
        for device in args.device:
            ts = args.t0_ms + i * STEP_MS
            agent.handle_samples(device, ts, {"heart_rate_bpm": 100 + i % 80, "power_w": i % 500})
        os.pwrite(fd, (i + 1).to_bytes(8, "little"), 0)
        agent.flush_due()
        delay = began + (i - start + 1) / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    agent.flush_due(force=True)
    publisher.stop(flush_timeout_s=120)
    left = len(buffer)
    print(json.dumps({"published": publisher.published, "buffered": left}), flush=True)
    buffer.close()
    return 0 if left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
