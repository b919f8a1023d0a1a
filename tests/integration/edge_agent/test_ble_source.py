"""The real-BLE source through bleak's backend= swap point, over bumble's virtual radio."""

import asyncio

import pytest

from fitconnect.edge_agent.gatt import decode_notification
from fitconnect.edge_agent.sources.ble import BleDeviceSource
from tests.waiting import eventually

from ...bumble_backend import PERIPHERAL_ADDRESS, BumbleClient, virtual_radio

pytestmark = pytest.mark.integration

HR_PAYLOADS = [bytes.fromhex(h) for h in ("0050", "16485401ec02", "0e4b8000", "0046")]


async def _collect(
    source: BleDeviceSource, count: int, got: list[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    async for n in source.notifications():
        got.append((n.characteristic, n.payload))
        if len(got) >= count:
            break
    return got


async def test_reads_device_information_and_receives_every_notification_byte_exact() -> None:
    strap, central = await virtual_radio()
    source = BleDeviceSource(
        "strap-1", PERIPHERAL_ADDRESS, backend=BumbleClient, client_options={"central": central}
    )
    seen: list[tuple[str, bytes]] = []
    reads = asyncio.ensure_future(_collect(source, 3 + len(HR_PAYLOADS), seen))
    await asyncio.wait_for(source.subscribed.wait(), 10)
    for i, payload in enumerate(HR_PAYLOADS, start=1):
        await strap.notify(payload)  # the next one once the source has this one

        async def received(i: int = i) -> bool:
            return sum(char == "2A37" for char, _ in seen) >= i

        await eventually(received, 10, f"heart-rate notification {i}")
    got = await asyncio.wait_for(reads, 20)
    await source.aclose()
    by_char: dict[str, list[bytes]] = {}
    for char, payload in got:
        by_char.setdefault(char, []).append(payload)
    assert by_char["2A19"] == [b"\x57"]
    assert by_char["2A38"] == [b"\x01"]
    assert by_char["2A29"] == [b"FitConnect Labs"]
    assert by_char["2A37"] == HR_PAYLOADS
    assert decode_notification("2A37", by_char["2A37"][1])["rr_intervals_raw_1024"] == (340, 748)


async def test_reconnects_after_the_peripheral_drops_the_link() -> None:
    strap, central = await virtual_radio()
    source = BleDeviceSource(
        "strap-1",
        PERIPHERAL_ADDRESS,
        backend=BumbleClient,
        client_options={"central": central},
        max_backoff_s=1.0,
    )
    heart_rates: list[bytes] = []

    async def consume() -> None:
        async for n in source.notifications():
            if n.characteristic == "2A37":
                heart_rates.append(n.payload)

    task = asyncio.ensure_future(consume())
    await asyncio.wait_for(source.subscribed.wait(), 10)
    await strap.notify(b"\x00\x50")

    async def heard(count: int) -> bool:
        return len(heart_rates) >= count

    await eventually(lambda: heard(1), 10, "the first heart rate")
    await strap.drop_connections()

    async def resubscribed() -> bool:  # reconnected: the source subscribes again
        return source.connections >= 2 and source.subscribed.is_set()

    await eventually(resubscribed, 10, "the source reconnected and subscribed")
    await strap.notify(b"\x00\x60")
    await eventually(lambda: heard(2), 10, "the heart rate after the reconnection")
    await source.aclose()
    await asyncio.wait_for(task, 10)
    assert source.connections >= 2
    assert heart_rates == [b"\x00\x50", b"\x00\x60"]
