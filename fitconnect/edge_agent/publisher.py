"""Publishing buffered batches over MQTT (QoS 1), deleting each only once ingest committed it.

The broker's PUBACK marks a telemetry batch "sent, awaiting commit" (it stays on disk): the
agent subscribes to its devices' ``…/ack`` topics, where ingest, after each commit, names the
sequence numbers it stored or dead-lettered, and only then deletes those batches. What has
awaited commit longer than ``commit_timeout_s``, and everything awaiting commit when the agent
connects again (a broker that was killed lost what it had not delivered), is published again;
ingest drops the repeats. ``commit_acks=False`` (for an ingest that sends none) deletes at the
PUBACK, as before. Events always leave at their PUBACK.

A PUBACK that says no subscription matched (MQTT v5 reason 0x10: ingest has not subscribed
yet, or not again since the broker restarted) keeps the batch, which is sent again a second
later: what the broker would have dropped stays on the agent's disk until ingest is there.

paho-mqtt with TCP_NODELAY and a large in-flight window (its defaults managed ~700 QoS-1
messages/s on loopback); MQTT v5 by default, 3.1.1 for brokers that lack it. A retained
``online`` status is published on connect and the broker publishes the ``offline`` last will
when the agent vanishes.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.reasoncodes import ReasonCode

from fitconnect.edge_agent.buffer import Buffered, DiskBuffer
from fitconnect.schemas import (
    Channel,
    CommitAck,
    DeviceState,
    DeviceStatus,
    DeviceTopic,
    WireError,
    ack_topic,
    decode,
    encode,
)

log = logging.getLogger(__name__)

# MQTT v5 PUBACK reason code: the broker took the message but no subscription matched it
# (Mosquitto says so; a 3.1.1 PUBACK carries no reason).
NO_MATCHING_SUBSCRIBERS = 0x10
RETRY_UNROUTED_S = 1.0
OVERDUE_CHECK_S = 1.0


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    """``url``: mqtt://user:password@host:port, mqtts:// for TLS; ``?protocol=3.1.1`` for
    brokers without MQTT v5."""

    url: str
    tenant: str
    client_id: str
    in_flight: int = 1_000
    commit_acks: bool = True  # keep telemetry until ingest acknowledges its commit
    commit_timeout_s: float = 30.0  # then send it again

    @property
    def protocol(self) -> MQTTProtocolVersion:
        asked = parse_qs(urlsplit(self.url).query).get("protocol", ["5"])[0]
        if asked not in {"5", "3.1.1"}:
            raise ValueError(f"protocol must be 5 or 3.1.1, not {asked!r}")
        return MQTTProtocolVersion.MQTTv5 if asked == "5" else MQTTProtocolVersion.MQTTv311


class Publisher:
    """Drains the buffer to the broker from a background thread; ``stop()`` ends it."""

    def __init__(self, config: BrokerConfig, buffer: DiskBuffer, status_devices: list[str]) -> None:
        parts = urlsplit(config.url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 1883
        self._cfg = config
        self._buffer = buffer
        self._devices = status_devices
        self._in_flight: dict[int, Buffered] = {}  # mid -> the buffered batch
        self._sent_after = 0
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._stop = threading.Event()
        self._unrouted_from: int | None = None  # first batch the broker routed to nobody
        self._retry_unrouted_at = 0.0
        self.published = 0
        self.reconnects = 0
        self.unrouted = 0  # PUBACKs saying "no matching subscribers" (the batch was kept)
        self.resent = 0  # batches sent again: no commit acknowledgement in time, or reconnected
        self.committed = 0  # batches ingest acknowledged as committed (deleted from the buffer)
        self._next_overdue_check = 0.0
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=config.client_id, protocol=config.protocol
        )
        if parts.username:
            self._client.username_pw_set(parts.username, parts.password)
        if parts.scheme == "mqtts":
            self._client.tls_set()
        self._client.max_inflight_messages_set(config.in_flight)
        self._client.max_queued_messages_set(0)
        self._client.reconnect_delay_set(min_delay=1, max_delay=30)
        if status_devices:
            # One connection has one last will: it speaks for the agent's first device; the
            # others are marked offline by a clean stop, or go stale by their last-seen time.
            first = status_devices[0]
            self._client.will_set(self._status_topic(first), self._status(first, False), 1, True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_publish = self._on_publish
        self._client.on_message = self._on_message
        self._client.on_socket_open = self._on_socket_open
        self._thread = threading.Thread(target=self._drain, name="publisher", daemon=True)

    def start(self) -> None:
        self._client.connect_async(self._host, self._port, keepalive=30)
        self._client.loop_start()
        self._thread.start()

    def stop(self, flush_timeout_s: float = 5.0) -> None:
        """Give buffered batches a moment to be sent and acknowledged, then disconnect.

        What is still buffered after ``flush_timeout_s`` stays on disk for the next start.
        """
        deadline = time.monotonic() + flush_timeout_s
        while self.connected and len(self._buffer) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stop.set()
        self._thread.join(5)
        for device in self._devices:
            self._client.publish(self._status_topic(device), self._status(device, False), 1, True)
        self._client.disconnect()
        self._client.loop_stop()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _drain(self) -> None:
        while not self._stop.is_set():
            if not self._connected.wait(0.5) or not self._resume_unrouted():
                time.sleep(0.05)
                continue
            self._resend_overdue()
            with self._lock:
                room = self._cfg.in_flight - len(self._in_flight)
                after = self._sent_after
            batch = self._buffer.pending(after_id=after, limit=max(room, 0)) if room > 0 else []
            if not batch:
                time.sleep(0.05)
                continue
            for item in batch:
                info = self._client.publish(item.topic, item.payload, qos=1)
                if info.rc != mqtt.MQTT_ERR_SUCCESS:
                    break  # disconnected: resume from the buffer after reconnect
                with self._lock:
                    self._in_flight[info.mid] = item
                    self._sent_after = item.id
                    if self._unrouted_from is not None:
                        break

    def _resend_overdue(self) -> None:
        """Publish again what the broker took but ingest has not acknowledged in time."""
        now = time.monotonic()
        if not self._cfg.commit_acks or now < self._next_overdue_check:
            return
        self._next_overdue_check = now + OVERDUE_CHECK_S
        with self._lock:
            room = self._cfg.in_flight - len(self._in_flight)
        if room <= 0:
            return
        overdue = self._buffer.overdue(time.time() - self._cfg.commit_timeout_s, limit=room)
        if not overdue:
            return
        log.warning("%d batch(es) without a commit acknowledgement: sending again", len(overdue))
        self._buffer.mark_sent([item.id for item in overdue])  # not picked again at once
        for item in overdue:
            info = self._client.publish(item.topic, item.payload, qos=1)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                break
            with self._lock:
                self._in_flight[info.mid] = item
            self.resent += 1

    def _resume_unrouted(self) -> bool:
        """False while waiting to send again what the broker had no subscriber for; then
        rewinds to the first such batch and returns True."""
        with self._lock:
            if self._unrouted_from is None:
                return True
            if time.monotonic() < self._retry_unrouted_at:
                return False
            self._sent_after = min(self._sent_after, self._unrouted_from - 1)
            self._unrouted_from = None
        return True

    def _on_publish(
        self, _c: mqtt.Client, _u: object, mid: int, rc: ReasonCode, _p: object
    ) -> None:
        with self._lock:
            item = self._in_flight.pop(mid, None)
            if item is not None and rc.value == NO_MATCHING_SUBSCRIBERS:
                # Acknowledged but delivered to nobody: ingest has not subscribed (yet, or again
                # after a broker restart). Keep the batch and send it again shortly.
                if self._unrouted_from is None:
                    log.warning("no subscriber (is ingest running?): keeping the batches")
                first = self._unrouted_from
                self._unrouted_from = item.id if first is None else min(first, item.id)
                self._retry_unrouted_at = time.monotonic() + RETRY_UNROUTED_S
                self.unrouted += 1
                unrouted = True
            else:
                unrouted = False
        if item is None:
            return
        if unrouted:
            if item.awaits_commit and self._cfg.commit_acks:
                self._buffer.mark_unsent([item.id])  # a resent batch: the drain takes it again
            return
        if item.awaits_commit and self._cfg.commit_acks:
            self._buffer.mark_sent([item.id])  # deleted when ingest acknowledges its commit
        else:
            self._buffer.delete(item.id)
        self.published += 1

    def _on_message(self, _c: mqtt.Client, _u: object, msg: mqtt.MQTTMessage) -> None:
        """A commit acknowledgement: delete the batches ingest settled."""
        parts = msg.topic.split("/")
        try:
            ack = decode(bytes(msg.payload), CommitAck)
        except WireError as exc:
            log.warning("unreadable commit acknowledgement on %s: %s", msg.topic, exc)
            return
        if len(parts) < 2 or ack.device_id != parts[-2]:
            log.warning("commit acknowledgement for %s on %s: ignored", ack.device_id, msg.topic)
            return
        self.committed += self._buffer.settle(ack.device_id, ack.seqs)

    def _on_connect(
        self, client: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object
    ) -> None:
        if reason.is_failure:
            log.error("broker refused the agent: %s", reason)
            return
        if self._cfg.commit_acks:
            topics = sorted({ack_topic(self._cfg.tenant, d) for d in self._ack_devices()})
            if topics:
                client.subscribe([(t, 1) for t in topics])
        with self._lock:  # anything unacknowledged is sent again (ingest drops repeats)
            self._in_flight.clear()
            self._sent_after = 0
            self._unrouted_from = None
            if self._cfg.commit_acks:
                # What awaited commit may be lost with a broker that died: all of it again.
                self.resent += self._buffer.mark_unsent()
        for device in self._devices:
            client.publish(self._status_topic(device), self._status(device, True), 1, True)
        self._connected.set()
        log.info("connected to %s:%d", self._host, self._port)

    def _on_disconnect(
        self, _c: mqtt.Client, _u: object, _f: object, reason: ReasonCode, _p: object
    ) -> None:
        if self._connected.is_set():
            self.reconnects += 1
        self._connected.clear()
        if reason.is_failure:
            log.warning("lost the broker (%s); reconnecting with backoff", reason)

    def _ack_devices(self) -> set[str]:
        """The agent's devices and any the buffer holds batches of (an earlier run's)."""
        return {*self._devices, *self._buffer.devices()}

    def _on_socket_open(self, _c: mqtt.Client, _u: object, sock: object) -> None:
        if isinstance(sock, socket.socket):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _status_topic(self, device: str) -> str:
        return str(DeviceTopic(self._cfg.tenant, device, Channel.STATUS))

    @staticmethod
    def _status(device: str, online: bool) -> bytes:
        state = DeviceState.ONLINE if online else DeviceState.OFFLINE
        return encode(DeviceStatus(device_id=device, state=state, ts_ms=int(time.time() * 1000)))
