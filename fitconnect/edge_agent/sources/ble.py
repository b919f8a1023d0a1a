"""Real Bluetooth LE devices through bleak: connect (bleak-retry-connector), read, subscribe,
reconnect after drops.

``backend=`` is bleak's own swap point: ``None`` picks the platform backend (BlueZ, Core
Bluetooth, WinRT); tests pass a backend over bumble's virtual radio instead of patching bleak.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from fitconnect.edge_agent.sources.base import Notification

log = logging.getLogger(__name__)

# Read once per connection: battery, body sensor location, device information strings.
READ_ONCE = ("2a19", "2a38", "2a29", "2a24", "2a25", "2a27", "2a26", "2a28")
# Subscribed when the device offers them: HR, power, CSC, RSC, FTMS data and status, battery.
NOTIFYING = (
    "2a37",
    "2a63",
    "2a5b",
    "2a53",
    "2ad2",  # indoor bike
    "2acd",  # treadmill
    "2ad1",  # rower
    "2ace",  # cross trainer
    "2acf",  # step climber
    "2ad0",  # stair climber
    "2ada",  # fitness machine status
    "2a19",
)


def short_uuid(uuid: str) -> str:
    """'00002a37-0000-1000-8000-00805f9b34fb' → '2A37'."""
    return uuid[4:8].upper() if len(uuid) == 36 else uuid.upper()


class BleDeviceSource:
    """One BLE device as a ``DeviceSource``; reconnects with capped, jittered backoff."""

    def __init__(
        self,
        device_key: str,
        address: str,
        *,
        backend: type[Any] | None = None,
        client_options: dict[str, Any] | None = None,
        max_backoff_s: float = 30.0,
    ) -> None:
        self._key = device_key
        self._address = address
        self._backend = backend
        self._options = client_options or {}
        self._max_backoff = max_backoff_s
        self._closed = asyncio.Event()
        self.connections = 0
        self.subscribed = asyncio.Event()  # set while notifications are flowing

    @property
    def device_key(self) -> str:
        return self._key

    async def notifications(self) -> AsyncIterator[Notification]:
        queue: asyncio.Queue[Notification | None] = asyncio.Queue()
        backoff = 0.5
        while not self._closed.is_set():
            dropped = asyncio.Event()

            def on_drop(_client: BleakClient, gone: asyncio.Event = dropped) -> None:
                gone.set()

            client: BleakClient | None = None
            try:
                client = await establish_connection(
                    BleakClient,
                    await self._find(),
                    self._key,
                    disconnected_callback=on_drop,
                    max_attempts=3,
                    backend=self._backend,
                    **self._options,
                )
                self.connections += 1
                backoff = 0.5
                await self._read_once(client, queue)
                await self._subscribe(client, queue)
                self.subscribed.set()
                async for item in self._drain(queue, dropped):
                    yield item
            except (BleakError, OSError, TimeoutError) as exc:
                log.warning("device %s: %s; retrying in %.1f s", self._key, exc, backoff)
            finally:
                self.subscribed.clear()
                if client is not None and client.is_connected:
                    await client.disconnect()
            if self._closed.is_set():
                break
            await asyncio.sleep(backoff * (0.8 + 0.4 * random.random()))  # noqa: S311 - jitter
            backoff = min(backoff * 2, self._max_backoff)

    async def _find(self) -> BLEDevice:
        """The device to connect to: scanned for on real radios, by address on a test backend."""
        if self._backend is not None:
            return BLEDevice(self._address, self._key, None)
        found = await BleakScanner.find_device_by_address(self._address, timeout=10.0)
        if found is None:
            raise BleakError(f"{self._address} is not advertising")
        return found

    async def aclose(self) -> None:
        self._closed.set()

    async def _drain(
        self, queue: asyncio.Queue[Notification | None], dropped: asyncio.Event
    ) -> AsyncIterator[Notification]:
        while not (dropped.is_set() and queue.empty()) and not self._closed.is_set():
            try:
                item = await asyncio.wait_for(queue.get(), timeout=0.2)
            except TimeoutError:
                continue
            if item is not None:
                yield item
        log.info("device %s disconnected", self._key)

    async def _read_once(
        self, client: BleakClient, queue: asyncio.Queue[Notification | None]
    ) -> None:
        for char in client.services.characteristics.values():
            short = short_uuid(char.uuid)
            if short.lower() in READ_ONCE and "read" in char.properties:
                value = await client.read_gatt_char(char)
                queue.put_nowait(Notification(self._key, short, bytes(value), time.time()))

    async def _subscribe(
        self, client: BleakClient, queue: asyncio.Queue[Notification | None]
    ) -> None:
        for char in client.services.characteristics.values():
            short = short_uuid(char.uuid)
            if short.lower() not in NOTIFYING or "notify" not in char.properties:
                continue

            def deliver(_c: BleakGATTCharacteristic, data: bytearray, name: str = short) -> None:
                queue.put_nowait(Notification(self._key, name, bytes(data), time.time()))

            await client.start_notify(char, deliver)
