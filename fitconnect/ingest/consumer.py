"""The MQTT side of a worker: paho with manual acknowledgements and a bounded window.

It also publishes, after each commit, the agents' commit acknowledgements (``commit_acks``).

Messages are acknowledged only when the worker says so (after its commit), so a killed
worker's unacknowledged messages are redelivered: the client id is stable per worker and the
session persists. On MQTT v5 brokers the worker joins the shared subscription
``$share/ingest/…`` and caps in-flight messages with Receive Maximum; on 3.1.1 brokers (amqtt)
it subscribes plainly, and only one worker should run.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from fitconnect.errors import FitConnectError
from fitconnect.schemas import Channel, filter_for, shared_filter

log = logging.getLogger(__name__)

SESSION_EXPIRY_S = 7 * 24 * 3600


class BrokerUnavailableError(FitConnectError):
    """The broker refused or did not answer the connection."""


@dataclass(frozen=True, slots=True)
class Incoming:
    topic: str
    payload: bytes
    mid: int
    qos: int
    received_at: float


class MqttConsumer:
    """Receives telemetry, status and events into ``self.inbox``; ``ack`` after commit."""

    def __init__(
        self,
        url: str,
        client_id: str,
        *,
        protocol: MQTTProtocolVersion = MQTTProtocolVersion.MQTTv5,
        receive_maximum: int = 2_000,
        share_group: str = "ingest",
        session_expiry_s: int = SESSION_EXPIRY_S,
    ) -> None:
        parts = urlsplit(url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 1883
        self.protocol = protocol
        self.inbox: queue.Queue[Incoming] = queue.Queue()
        self._connected = threading.Event()
        self._answered = threading.Event()
        self._subscribed = threading.Event()
        self.refusal: ReasonCode | None = None
        self._receive_maximum = receive_maximum
        self._share_group = share_group
        self._session_expiry_s = session_expiry_s
        v5 = protocol == MQTTProtocolVersion.MQTTv5
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=protocol,
            clean_session=None if v5 else False,
            manual_ack=True,
        )
        if parts.username:
            self._client.username_pw_set(parts.username, parts.password)
        self._client.max_inflight_messages_set(receive_maximum)
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._client.on_socket_open = self._on_socket_open

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def shared(self) -> bool:
        return bool(self.protocol == MQTTProtocolVersion.MQTTv5)

    def start(self, timeout_s: float = 10.0) -> None:
        """Connect and subscribe; raises ``BrokerUnavailableError`` if that fails in time.

        Returns once the broker has acknowledged the subscription: from then on, what devices
        publish is delivered or queued for this worker's session.
        """
        properties = None
        if self.shared:
            properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            properties.SessionExpiryInterval = self._session_expiry_s
            properties.ReceiveMaximum = self._receive_maximum
        try:
            self._client.connect(
                self._host,
                self._port,
                keepalive=30,
                clean_start=False if self.shared else mqtt.MQTT_CLEAN_START_FIRST_ONLY,
                properties=properties,
            )
        except OSError as exc:
            raise BrokerUnavailableError(f"{self._host}:{self._port}: {exc}") from exc
        self._client.loop_start()
        if not self._answered.wait(timeout_s) or not self._connected.is_set():
            self.stop()
            why = f"refused: {self.refusal}" if self.refusal else "no CONNACK"
            raise BrokerUnavailableError(f"{self._host}:{self._port} {why}")
        if not self._subscribed.wait(timeout_s):
            self.stop()
            raise BrokerUnavailableError(f"{self._host}:{self._port} did not acknowledge SUBSCRIBE")

    def ack(self, mid: int, qos: int) -> None:
        self._client.ack(mid, qos)

    def publish(self, messages: list[tuple[str, bytes]]) -> None:
        """Publish ``messages`` (the agents' commit acknowledgements) at QoS 1, not retained.

        Fire and forget: a lost one costs the agent a resend, which ingest drops as a repeat.
        """
        for topic, payload in messages:
            self._client.publish(topic, payload, qos=1, retain=False)

    def stop(self) -> None:
        """Disconnect, keeping the session and its subscriptions: the broker queues for this
        client id until it connects again (or the session expires, ``session_expiry_s``)."""
        self._client.disconnect()
        self._client.loop_stop()

    def _filters(self) -> list[str]:
        channels = (Channel.TELEMETRY, Channel.STATUS, Channel.EVENTS)
        if self.shared:
            return [shared_filter(c, self._share_group) for c in channels]
        return [filter_for(c) for c in channels]

    def _on_socket_open(self, _c: mqtt.Client, _u: object, sock: object) -> None:
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _on_connect(
        self,
        client: mqtt.Client,
        _userdata: object,
        _flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        _props: Properties | None,
    ) -> None:
        if reason.is_failure:
            self.refusal = reason
            log.error("broker refused the connection: %s", reason)
            self._answered.set()
            return
        client.subscribe([(f, 1) for f in self._filters()])
        log.info("connected to %s:%d, subscribing to %s", self._host, self._port, self._filters())
        self._connected.set()
        self._answered.set()

    def _on_subscribe(
        self,
        _c: mqtt.Client,
        _u: object,
        _mid: int,
        reasons: list[ReasonCode],
        _props: Properties | None,
    ) -> None:
        refused = [r for r in reasons if r.is_failure]
        if refused:
            log.error("broker refused the subscription: %s", refused)
            return
        log.info("subscribed: receiving")
        self._subscribed.set()

    def _on_disconnect(
        self,
        _c: mqtt.Client,
        _u: object,
        _flags: mqtt.DisconnectFlags,
        reason: ReasonCode,
        _props: Properties | None,
    ) -> None:
        self._answered.set()
        self._connected.clear()
        if reason.is_failure:
            log.warning("lost the broker (%s); paho reconnects with backoff", reason)

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        self.inbox.put(Incoming(msg.topic, bytes(msg.payload), msg.mid, msg.qos, time.time()))
