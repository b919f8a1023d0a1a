"""A bleak client backend over bumble's in-process virtual radio, and an emulated peripheral.

bleak's public ``backend=`` argument takes any ``BaseBleakClient``; this one drives a bumble
``Device`` (the central) connected through ``bumble.link.LocalLink`` to another bumble
``Device`` serving real GATT bytes: a heart-rate strap with battery and device information.
No radio, no patching of bleak.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bumble import gatt
from bumble.controller import Controller
from bumble.core import UUID
from bumble.device import Connection, Device, Peer
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

PERIPHERAL_ADDRESS = "F1:F1:F1:F1:F1:F1"
_PROPS = {
    gatt.Characteristic.Properties.READ: "read",
    gatt.Characteristic.Properties.NOTIFY: "notify",
    gatt.Characteristic.Properties.INDICATE: "indicate",
    gatt.Characteristic.Properties.WRITE: "write",
}


def _bleak_uuid(uuid: UUID) -> str:
    text = uuid.to_hex_str().lower()
    return f"0000{text}-0000-1000-8000-00805f9b34fb" if len(text) == 4 else text


def _device(link: LocalLink, address: str) -> Device:
    controller = Controller(f"C-{address}", link=link, public_address=address)
    return Device(address=Address(address), host=Host(controller, AsyncPipeSink(controller)))


class VirtualHeartRateStrap:
    """The peripheral: Heart Rate (notify 0x2A37, read 0x2A38), Battery, Device Information."""

    def __init__(self, link: LocalLink) -> None:
        self.device = _device(link, PERIPHERAL_ADDRESS)
        self.measurement = gatt.Characteristic(
            gatt.GATT_HEART_RATE_MEASUREMENT_CHARACTERISTIC,
            gatt.Characteristic.Properties.NOTIFY,
            gatt.Characteristic.READABLE,
            b"\x00\x3c",
        )
        self.device.add_services(
            [
                gatt.Service(
                    gatt.GATT_HEART_RATE_SERVICE,
                    [
                        self.measurement,
                        gatt.Characteristic(
                            gatt.GATT_BODY_SENSOR_LOCATION_CHARACTERISTIC,
                            gatt.Characteristic.Properties.READ,
                            gatt.Characteristic.READABLE,
                            b"\x01",
                        ),
                    ],
                ),
                gatt.Service(
                    gatt.GATT_BATTERY_SERVICE,
                    [
                        gatt.Characteristic(
                            gatt.GATT_BATTERY_LEVEL_CHARACTERISTIC,
                            gatt.Characteristic.Properties.READ,
                            gatt.Characteristic.READABLE,
                            b"\x57",
                        )
                    ],
                ),
                gatt.Service(
                    gatt.GATT_DEVICE_INFORMATION_SERVICE,
                    [
                        gatt.Characteristic(
                            gatt.GATT_MANUFACTURER_NAME_STRING_CHARACTERISTIC,
                            gatt.Characteristic.Properties.READ,
                            gatt.Characteristic.READABLE,
                            b"FitConnect Labs",
                        )
                    ],
                ),
            ]
        )
        self.device.on("disconnection", lambda *_: asyncio.ensure_future(self.advertise()))

    async def start(self) -> None:
        await self.device.power_on()
        await self.advertise()

    async def advertise(self) -> None:
        await self.device.start_advertising(auto_restart=True)

    async def notify(self, payload: bytes) -> None:
        await self.device.notify_subscribers(self.measurement, payload)

    async def drop_connections(self) -> None:
        for connection in list(self.device.connections.values()):
            await connection.disconnect()


class BumbleClient(BaseBleakClient):
    """bleak's client backend interface over a bumble central on the virtual link."""

    def __init__(self, address_or_ble_device: Any, *, central: Device, **kwargs: Any) -> None:
        super().__init__(address_or_ble_device, **kwargs)
        self._central = central
        self._connection: Connection | None = None

    @property
    def mtu_size(self) -> int:
        return 23

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        del pair, kwargs
        connection = await self._central.connect(Address(self.address))
        self._connection = connection
        connection.on("disconnection", self._on_disconnection)
        peer = Peer(connection)
        await peer.discover_services()
        collection = BleakGATTServiceCollection()
        for service in peer.services:
            await service.discover_characteristics()
            bleak_service = BleakGATTService(service, service.handle, _bleak_uuid(service.uuid))
            collection.add_service(bleak_service)
            for char in service.characteristics:
                props = [name for bit, name in _PROPS.items() if char.properties & bit]
                collection.add_characteristic(
                    BleakGATTCharacteristic(
                        char, char.handle, _bleak_uuid(char.uuid), props, lambda: 20, bleak_service
                    )
                )
        self.services = collection

    def _on_disconnection(self, *_args: Any) -> None:
        self._connection = None
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    async def unpair(self) -> None:
        raise NotImplementedError

    async def read_gatt_char(
        self,
        characteristic: BleakGATTCharacteristic,
        **kwargs: Any,  # noqa: ARG002 - BaseBleakClient's signature; no backend option applies
    ) -> bytearray:
        return bytearray(await characteristic.obj.read_value())

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, **kwargs: Any
    ) -> bytearray:
        raise NotImplementedError

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        await characteristic.obj.write_value(bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        raise NotImplementedError

    async def start_notify(
        self,
        characteristic: BleakGATTCharacteristic,
        callback: NotifyCallback,
        **kwargs: Any,  # noqa: ARG002 - BaseBleakClient's signature; no backend option applies
    ) -> None:
        await characteristic.obj.subscribe(lambda value: callback(bytearray(value)))

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        await characteristic.obj.unsubscribe()


async def virtual_radio() -> tuple[VirtualHeartRateStrap, Device]:
    """A powered, advertising strap and a powered central on one virtual link."""
    link = LocalLink()
    strap = VirtualHeartRateStrap(link)
    central = _device(link, "F0:F0:F0:F0:F0:F0")
    await strap.start()
    await central.power_on()
    return strap, central
