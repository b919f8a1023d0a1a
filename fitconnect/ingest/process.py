"""The composition root of an ingest worker process: settings, metrics, consumer, worker."""

from __future__ import annotations

import logging
import socket
import threading

from paho.mqtt.enums import MQTTProtocolVersion
from prometheus_client import CollectorRegistry, start_http_server

from fitconnect.ingest.consumer import BrokerUnavailableError, MqttConsumer
from fitconnect.ingest.metrics import IngestMetrics
from fitconnect.ingest.worker import IngestWorker, WorkerConfig
from fitconnect.settings import IngestSettings

log = logging.getLogger(__name__)


def connect_consumer(mqtt_url: str, client_id: str, settings: IngestSettings) -> MqttConsumer:
    """MQTT v5 with the shared subscription; MQTT 3.1.1 and a plain one if v5 is refused.

    A 3.1.1-only broker (amqtt) answers a v5 CONNECT with a refusal or by closing the socket;
    either way the second attempt speaks 3.1.1, and its failure is the one reported.
    """

    def consumer_for(protocol: MQTTProtocolVersion) -> MqttConsumer:
        return MqttConsumer(
            mqtt_url,
            client_id,
            protocol=protocol,
            receive_maximum=settings.max_in_flight_messages,
            share_group=settings.share_group,
            session_expiry_s=settings.session_expiry_s,
        )

    consumer = consumer_for(MQTTProtocolVersion.MQTTv5)
    try:
        consumer.start()
    except BrokerUnavailableError as v5_error:
        log.warning("MQTT v5 failed (%s); trying 3.1.1 on a plain subscription", v5_error)
        consumer = consumer_for(MQTTProtocolVersion.MQTTv311)
        consumer.start()
    return consumer


def worker_client_id(settings: IngestSettings, index: int) -> str:
    """The MQTT client id of worker slot ``index`` on this host: stable, so is its session."""
    return f"{settings.client_id_prefix}-{socket.gethostname()}-{index}"


def create_sessions(mqtt_url: str, settings: IngestSettings, workers: int = 1) -> None:
    """Give the broker the persistent session and subscription of each worker slot, now.

    Run before any device can publish (``fitconnect up`` does, before it starts anything):
    from the SUBACK on, the broker queues what devices publish for these sessions, however
    long the workers take to start. Messages the broker delivers meanwhile are not
    acknowledged here, so they are delivered again to the worker. Not while a worker of
    the same slot runs: the broker would hand its connection over.
    """
    for index in range(workers):
        connect_consumer(mqtt_url, worker_client_id(settings, index), settings).stop()


def run_worker(
    *,
    database_url: str,
    mqtt_url: str,
    settings: IngestSettings,
    index: int = 0,
    stop: threading.Event,
    metrics_registry: CollectorRegistry | None = None,
    metrics_host: str = "127.0.0.1",
    ready: threading.Event | None = None,
) -> None:
    """Run one worker until ``stop`` is set (signals set it in the CLI).

    ``ready`` is set, and ``fitconnect_ingest_broker_connected`` reads 1, once the broker has
    acknowledged the worker's subscription.
    """
    name = f"{socket.gethostname()}-{index}"
    registry = metrics_registry or CollectorRegistry()
    metrics = IngestMetrics.create(registry)
    metrics.db_errors.labels(name)  # a sample at 0 from the start: panels say 0, not "No data"
    if metrics_registry is None and settings.metrics_port:
        port = settings.metrics_port + index
        start_http_server(port, addr=metrics_host, registry=registry)
        log.info("worker %s metrics on http://%s:%d/metrics", name, metrics_host, port)
    consumer = connect_consumer(mqtt_url, worker_client_id(settings, index), settings)
    metrics.broker_connected.labels(name).set(1)  # ready: `up` starts devices after this
    if ready is not None:
        ready.set()
    worker = IngestWorker(WorkerConfig(name, database_url, settings), consumer, metrics, stop)
    try:
        worker.run()
    finally:
        consumer.stop()
