"""``fitconnect bench ingest``: simulated devices → Mosquitto → workers → PostgreSQL, measured.

Everything runs on this machine, in one run, on one fresh database of the configured (or
embedded) server:

- the drain: the broker holds the messages of ``drain_seconds`` of publishing for the workers'
  persistent sessions while no worker runs; then the workers start, and the clock runs from
  their first commit until every sample is committed. This is the ingest path alone, without
  the publishers' CPU, with the CPU per sample of the workers, of their PostgreSQL backends
  and of the broker (receiving the queue and delivering it) read from ``/proc`` (figures
  that travel between machines);
- the flooded end-to-end rate and lag, publishers and workers running together;
- the binary-COPY ceiling of the same table (the stream prepared before the clock starts),
  and a per-message INSERT baseline (what simple MQTT-to-database bridges do).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import psycopg
from paho.mqtt import client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from fitconnect.bench.proc_cpu import backend_cpu_seconds, cpu_seconds, group_cpu_seconds
from fitconnect.ingest.metrics_reader import scrape
from fitconnect.ingest.process import create_sessions
from fitconnect.ingest.storage import SampleRows, SampleStore
from fitconnect.platform.db.scratch import scratch_database
from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.runtime.ports import free_port
from fitconnect.schemas import Channel, DeviceTopic, TelemetryBatch, encode
from fitconnect.settings import IngestSettings


@dataclass(frozen=True, slots=True)
class IngestBenchConfig:
    devices: int = 1000
    seconds: float = 30.0
    workers: int = 1
    samples_per_message: int = 100
    rate: int = 0  # samples/s to offer; 0 = as fast as the publishers go
    publishers: int = 2
    drain_seconds: float = 8.0  # publishing into the broker's queue before the drain


@dataclass(frozen=True, slots=True)
class IngestBenchResult:
    samples_per_s: float
    samples: int
    p50_lag_s: float
    p99_lag_s: float
    copy_ceiling_rows_per_s: float
    ratio_to_copy: float
    naive_insert_samples_per_s: float
    ratio_to_naive: float
    workers: int
    devices: int
    offered_rate: int
    backend: str
    drain_samples: int
    drain_samples_per_s: float
    drain_ratio: float
    worker_cpu_us_per_sample: float
    postgres_cpu_us_per_sample: float
    broker_cpu_us_per_sample: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _publish(  # noqa: PLR0917 - a process target
    mqtt_port: int,
    tenant: str,
    devices: list[str],
    cfg: IngestBenchConfig,
    until: float,
    published: Synchronized[int] | None = None,
) -> None:
    """Publish batches of ``devices`` until ``until`` (monotonic); add the samples the broker
    acknowledged to ``published``."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(5000)
    client.connect("127.0.0.1", mqtt_port)
    client.loop_start()
    k = cfg.samples_per_message
    last_ts = dict.fromkeys(devices, 0)
    topics = {d: str(DeviceTopic(tenant, d, Channel.TELEMETRY)) for d in devices}
    seq = 0
    acks: list[mqtt.MQTTMessageInfo] = []
    per_proc_rate = cfg.rate / max(cfg.publishers, 1)
    started = time.monotonic()
    sent = 0
    while time.monotonic() < until:
        for device in devices:
            now_ms = int(time.time() * 1000)
            first = max(last_ts[device] + 1, now_ms - k + 1)
            ts = list(range(first, first + k))
            last_ts[device] = ts[-1]
            batch = TelemetryBatch(
                device_id=device,
                seq=seq,
                ts_ms=ts,
                metrics={
                    "heart_rate_bpm": [140.0] * k,
                    "power_w": [250.0] * k,
                    "cadence_rpm": [90.0] * k,
                },
                sent_at_ms=now_ms,
            )
            acks.append(client.publish(topics[device], encode(batch), qos=1))
            sent += k
            if per_proc_rate:
                ahead = sent / per_proc_rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
            if time.monotonic() >= until:
                break
        seq += 1
    queued = [ack for ack in acks if ack.rc == mqtt.MQTT_ERR_SUCCESS]  # not dropped when full
    for ack in queued:
        ack.wait_for_publish(30)
    if published is not None:
        with published.get_lock():
            published.value += k * len(queued)
    client.disconnect()
    client.loop_stop()


def copy_ceiling(database_url: str, rows: int) -> float:
    """Binary COPY of ``rows`` fresh rows into telemetry.samples, rows/s: the COPY stream is
    built before the clock starts (the shape of the published batches), so this is the
    fastest this database takes this table."""
    store = SampleStore()
    start_ms = int(time.time() * 1000) - 30 * 60_000
    per_device = 1000
    data = SampleRows()
    for _ in range(max(rows // per_device, 1)):
        device = uuid.uuid4()
        batch = TelemetryBatch(
            device_id=str(device),
            seq=0,
            ts_ms=list(range(start_ms, start_ms + per_device)),
            metrics={
                "heart_rate_bpm": [140.0] * per_device,
                "power_w": [250.0] * per_device,
                "cadence_rpm": [90.0] * per_device,
            },
        )
        data.add(device, batch)
    data.encoded()
    with psycopg.connect(database_url) as conn:
        store.ensure_days(conn, data)
        conn.commit()
        began = time.perf_counter()
        store.write(conn, data)
        conn.commit()
        return data.count / (time.perf_counter() - began)


def naive_insert(database_url: str, seconds: float = 3.0, per_message: int = 100) -> float:
    """One INSERT per sample and a commit per message, samples/s."""
    device = uuid.uuid4()
    ts = datetime.now(UTC) - timedelta(minutes=20)
    done = 0
    with psycopg.connect(database_url) as conn:
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            for _ in range(per_message):
                conn.execute(
                    "INSERT INTO telemetry.samples (device_id, ts, heart_rate_bpm, power_w,"
                    " cadence_rpm) VALUES (%s, %s, 140, 250, 90)",
                    (device, ts),
                )
                ts += timedelta(milliseconds=1)
            conn.commit()
            done += per_message
        return done / (time.perf_counter() - began)


def run_ingest_bench(
    server_url: str,
    cfg: IngestBenchConfig,
    work_dir: Path,
    say: Callable[[str], None],
) -> IngestBenchResult:
    """Run the whole benchmark on a fresh database of ``server_url``; drop it afterwards."""
    with scratch_database(server_url, "fc_bench_ingest") as db_url:
        tenant, devices = _register(db_url, cfg.devices)
        say(f"scratch database migrated, {cfg.devices} devices registered")
        with EmbeddedBroker.start(work_dir / "drain-broker", persistence=False) as broker:
            drain = _drain(db_url, broker, tenant, devices, cfg, say)
        with EmbeddedBroker.start(work_dir / "broker", persistence=False) as broker:
            e2e, samples, p50, p99 = _end_to_end(db_url, broker.port, tenant, devices, cfg, say)
        say("measuring the raw COPY ceiling and the per-message INSERT baseline…")
        ceiling = copy_ceiling(db_url, rows=min(max(samples, 200_000), 1_000_000))
        naive = naive_insert(db_url)
        backend = _backend(db_url)
    return IngestBenchResult(
        samples_per_s=round(e2e),
        samples=samples,
        p50_lag_s=round(p50, 3),
        p99_lag_s=round(p99, 3),
        copy_ceiling_rows_per_s=round(ceiling),
        ratio_to_copy=round(e2e / ceiling, 3),
        naive_insert_samples_per_s=round(naive),
        ratio_to_naive=round(e2e / naive, 1),
        workers=cfg.workers,
        devices=cfg.devices,
        offered_rate=cfg.rate,
        backend=backend,
        drain_samples=drain.samples,
        drain_samples_per_s=round(drain.samples_per_s),
        drain_ratio=round(drain.samples_per_s / ceiling, 3),
        worker_cpu_us_per_sample=round(drain.worker_cpu_s / drain.samples * 1e6, 3),
        postgres_cpu_us_per_sample=round(drain.postgres_cpu_s / drain.samples * 1e6, 3),
        broker_cpu_us_per_sample=round(drain.broker_cpu_s / drain.samples * 1e6, 3),
    )


def _backend(db_url: str) -> str:
    with psycopg.connect(db_url) as conn:
        hyper = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").fetchone()
    return "timescaledb" if hyper else "postgresql"


@dataclass(frozen=True, slots=True)
class _Drain:
    samples: int
    samples_per_s: float
    worker_cpu_s: float
    postgres_cpu_s: float
    broker_cpu_s: float


def _worker_env(db_url: str, mqtt_port: int, group: str, metrics_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "FITCONNECT_DATABASE_URL": db_url,
        "FITCONNECT_MQTT_URL": f"mqtt://127.0.0.1:{mqtt_port}",
        "FITCONNECT_INGEST__METRICS_PORT": str(metrics_port),
        "FITCONNECT_INGEST__SHARE_GROUP": group,
        "FITCONNECT_INGEST__CLIENT_ID_PREFIX": group,
        "FITCONNECT_INGEST__SESSION_EXPIRY_S": "3600",
        "FITCONNECT_LOG_LEVEL": "WARNING",
    }


def _start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen([sys.executable, "-m", "fitconnect", "ingest", "--index", str(i)], env=env)
        for i in range(count)
    ]


def _stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        w.terminate()
    for w in workers:
        try:
            w.wait(30)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()


def _drain(  # noqa: PLR0917 - one private call site
    db_url: str,
    broker: EmbeddedBroker,
    tenant: str,
    devices: list[str],
    cfg: IngestBenchConfig,
    say: Callable[[str], None],
) -> _Drain:
    """Queue ``cfg.drain_seconds`` of publishing in the broker, then time the workers from
    their first commit to the last sample."""
    mqtt_port = broker.port
    group = f"drain{uuid.uuid4().hex[:6]}"
    metrics_port = free_port()
    settings = IngestSettings(share_group=group, client_id_prefix=group, session_expiry_s=3600)
    create_sessions(f"mqtt://127.0.0.1:{mqtt_port}", settings, cfg.workers)
    say(f"drain: publishing {cfg.drain_seconds:.0f} s into the broker's queue, no worker running…")
    ctx = mp.get_context("spawn")
    published = ctx.Value("q", 0)
    until = time.monotonic() + cfg.drain_seconds
    procs = [
        ctx.Process(
            target=_publish,
            args=(mqtt_port, tenant, devices[i :: cfg.publishers], cfg, until, published),
        )
        for i in range(cfg.publishers)
    ]
    broker_before = group_cpu_seconds(broker.process_group)
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    broker_receiving = group_cpu_seconds(broker.process_group) - broker_before
    queued = int(published.value)
    say(f"drain: {queued:,} samples queued; starting {cfg.workers} worker(s)…")
    workers = _start_workers(_worker_env(db_url, mqtt_port, group, metrics_port), cfg.workers)
    ports = [metrics_port + i for i in range(cfg.workers)]
    try:
        _wait_for_metrics(ports)
        first = _poll(ports, lambda stored: stored > 0)
        began, stored_first = time.monotonic(), first
        pids = [w.pid for w in workers]
        cpu_first = (
            cpu_seconds(pids),
            backend_cpu_seconds(db_url),
            group_cpu_seconds(broker.process_group),
        )
        _poll(ports, lambda stored: stored >= queued, timeout_s=600)
        elapsed = time.monotonic() - began
        worker_cpu = cpu_seconds(pids) - cpu_first[0]
        postgres_cpu = backend_cpu_seconds(db_url) - cpu_first[1]
        broker_cpu = broker_receiving + group_cpu_seconds(broker.process_group) - cpu_first[2]
    finally:
        _stop_workers(workers)
    drained = queued - int(stored_first)
    return _Drain(queued, drained / elapsed, worker_cpu, postgres_cpu, broker_cpu)


def _poll(ports: list[int], done: Callable[[float], bool], timeout_s: float = 120.0) -> float:
    """The workers' stored-sample count once ``done`` holds for it."""
    deadline = time.monotonic() + timeout_s
    while True:
        stored = scrape(ports).stored_samples
        if done(stored):
            return stored
        if time.monotonic() > deadline:
            raise TimeoutError(f"ingest stored {stored:,.0f} samples and no more")
        time.sleep(0.25)  # each scrape costs the worker CPU: 20 a second took 8 % of it


def _register(db_url: str, count: int) -> tuple[str, list[str]]:
    tenant = uuid.uuid4()
    devices = [uuid.uuid4() for _ in range(count)]
    with psycopg.connect(db_url) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO devices.devices (id, tenant_id, athlete_id, name, kind, mqtt_username,"
            " mqtt_password_hash, registered_at) VALUES (%s, %s, gen_random_uuid(), 'bench',"
            " 'sim', %s, 'x', now() - interval '1 day')",
            [(d, tenant, f"bench-{d}") for d in devices],
        )
    return str(tenant), [str(d) for d in devices]


def _end_to_end(  # noqa: PLR0917 - one private call site
    db_url: str,
    mqtt_port: int,
    tenant: str,
    devices: list[str],
    cfg: IngestBenchConfig,
    say: Callable[[str], None],
) -> tuple[float, int, float, float]:
    base_port = free_port()
    group = f"bench{uuid.uuid4().hex[:6]}"
    workers = _start_workers(_worker_env(db_url, mqtt_port, group, base_port), cfg.workers)
    ports = [base_port + i for i in range(cfg.workers)]
    try:
        _wait_for_metrics(ports)
        say(f"{cfg.workers} worker(s) up; publishing for {cfg.seconds:.0f} s…")
        ctx = mp.get_context("spawn")
        began = time.monotonic()
        until = began + cfg.seconds
        shards = [devices[i :: cfg.publishers] for i in range(cfg.publishers)]
        procs = [
            ctx.Process(target=_publish, args=(mqtt_port, tenant, shard, cfg, until))
            for shard in shards
        ]
        for p in procs:
            p.start()
        stored_at_start = scrape(ports).stored_samples
        while time.monotonic() < until:
            time.sleep(5)
            stored = scrape(ports).stored_samples
            say(f"  {time.monotonic() - began:5.0f} s  {stored - stored_at_start:>12,.0f} stored")
        for p in procs:
            p.join()
        # drain: what was published is committed before we stop counting
        previous = -1.0
        while True:
            snapshot = scrape(ports)
            if snapshot.stored_samples == previous:
                break
            previous = snapshot.stored_samples
            time.sleep(1.0)
        elapsed = time.monotonic() - began - 1.0
    finally:
        _stop_workers(workers)
    stored = snapshot.stored_samples
    return (
        stored / elapsed,
        int(stored),
        snapshot.lag_quantile(0.5),
        snapshot.lag_quantile(0.99),
    )


def _wait_for_metrics(ports: list[int], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            scrape(ports)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        else:
            return
