"""Property: whatever a registered device publishes, the worker goes on, and the message is
stored or dead-lettered (a repeat counts as stored once), through the real broker and database.

The messages are the wire structs of ``fitconnect.schemas.messages`` as dicts, with every
field drawn from its type's edges (smallint, int, bigint and uint64 bounds, NaN, infinities,
float4 overflow), strings with NUL and invalid UTF-8 (raw bytes in MessagePack, lone
surrogate escapes in JSON), wrong types, huge arrays, and plain garbage bytes, in JSON or
MessagePack, on the device's telemetry, status and events topics.
"""

from __future__ import annotations

import time
from collections import Counter

import msgspec
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from fitconnect.runtime.embedded_broker import EmbeddedBroker
from fitconnect.schemas import METRICS, Channel, EventKind

from .support import Device, Publisher, register_device, running_worker, worker_settings

pytestmark = pytest.mark.integration

MARK = "\u2603\u2603"  # 6 bytes of UTF-8, replaced by 6 invalid bytes after encoding
INVALID_UTF8 = b"\xff\xfe\xc0\x80\xed\xa0"  # stray bytes, an overlong NUL, half a surrogate

EDGE_INTS = [
    0, 1, -1, 20, 250, 2**15 - 1, 2**15, -(2**15) - 1, 2**31 - 1, 2**31, 2**53,
    2**63 - 1, 2**63, 2**64 - 1, -(2**63), -(2**63) - 1, 10**30,
]  # fmt: skip
EDGE_FLOATS = [0.0, -0.0, 1e-45, 3.4028235e38, 1e39, 1.8e308, 140.0, 2_500.0, 2_501.0, -500.0]

ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers())
floats = st.one_of(
    st.sampled_from(EDGE_FLOATS), st.floats(allow_nan=True, allow_infinity=True), ints
)
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "a\x00b", MARK, f"x{MARK}", "ride", ""]),
)
anything = st.recursive(
    st.one_of(st.none(), st.booleans(), ints, floats, texts),
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(texts, inner, max_size=5)),
    max_leaves=10,
)


@st.composite
def maybe_wrong(draw: st.DrawFn, strategy: st.SearchStrategy[object]) -> object:
    """Mostly ``strategy``; one time in twenty a value of any type."""
    return draw(anything) if draw(st.integers(0, 19)) == 0 else draw(strategy)


NOW_MS = int(time.time() * 1000)  # fixed: a strategy must draw the same way every time


@st.composite
def telemetry(draw: st.DrawFn, device_id: str) -> dict[str, object]:
    n = draw(st.one_of(st.integers(0, 20), st.sampled_from([1, 1_000, 40_000])))
    start = draw(st.one_of(st.integers(NOW_MS - 600_000, NOW_MS), st.just(NOW_MS), ints))
    stamps: object = [start + 250 * i for i in range(n)]
    values = st.one_of(st.none(), st.floats(0, 250), st.floats(0, 250), floats)
    metrics: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from([*METRICS, "bogus"]), unique=True, max_size=3)):
        constant = draw(values)
        metrics[name] = draw(
            st.one_of(
                st.just([constant] * n),
                st.lists(values, min_size=n, max_size=n) if n <= 20 else st.just([constant] * n),
                st.just([constant] * (n + 1)),
                anything,
            )
        )
    return {
        "v": draw(maybe_wrong(st.sampled_from([1, 1, 1, 0, 2, 2**64 - 1]))),
        "device_id": draw(maybe_wrong(st.one_of(st.just(device_id), texts))),
        "seq": draw(maybe_wrong(st.one_of(st.integers(0, 10**6), st.integers(0, 10**6), ints))),
        "ts_ms": draw(maybe_wrong(st.just(stamps))),
        "metrics": draw(maybe_wrong(st.just(metrics))),
        "sent_at_ms": draw(maybe_wrong(st.one_of(st.none(), ints))),
        "corr": draw(maybe_wrong(st.one_of(st.none(), texts))),
    }


@st.composite
def status(draw: st.DrawFn, device_id: str) -> dict[str, object]:
    return {
        "v": 1,
        "device_id": draw(maybe_wrong(st.one_of(st.just(device_id), texts))),
        "state": draw(maybe_wrong(st.sampled_from(["online", "offline", "on\x00line"]))),
        "ts_ms": draw(maybe_wrong(st.one_of(st.just(NOW_MS), ints))),
    }


@st.composite
def event(draw: st.DrawFn, device_id: str) -> dict[str, object]:
    kinds = [k.value for k in EventKind]
    return {
        "v": 1,
        "device_id": draw(maybe_wrong(st.one_of(st.just(device_id), texts))),
        "kind": draw(maybe_wrong(st.sampled_from([*kinds, "reboot"]))),
        "ts_ms": draw(maybe_wrong(st.one_of(st.integers(NOW_MS - 60_000, NOW_MS), ints))),
        "session_id": draw(maybe_wrong(st.one_of(st.none(), texts))),
        "sport": draw(maybe_wrong(st.one_of(st.none(), texts))),
        "battery_pct": draw(maybe_wrong(st.one_of(st.none(), ints))),
        "info": draw(maybe_wrong(st.one_of(st.none(), st.dictionaries(texts, texts, max_size=3)))),
    }


def encoded(message: dict[str, object], fmt: str) -> bytes:
    """``message`` as JSON or MessagePack, with MARK turned into invalid UTF-8."""
    if fmt == "json":
        # A lone surrogate escape: JSON's way to say what UTF-8 cannot.
        return msgspec.json.encode(message).replace(MARK.encode(), b"\\ud800")
    try:
        raw = msgspec.msgpack.encode(message)
    except OverflowError:  # an int beyond MessagePack's 64 bits: only JSON can say it
        return encoded(message, "json")
    return raw.replace(MARK.encode(), INVALID_UTF8)


def messages(device: Device) -> st.SearchStrategy[tuple[Channel, bytes]]:
    device_id = str(device.id)
    structured = st.one_of(
        st.tuples(st.just(Channel.TELEMETRY), telemetry(device_id)),
        st.tuples(st.just(Channel.STATUS), status(device_id)),
        st.tuples(st.just(Channel.EVENTS), event(device_id)),
    )
    as_bytes = st.tuples(structured, st.sampled_from(["json", "msgpack"])).map(
        lambda m: (m[0][0], encoded(m[0][1], m[1]))
    )
    garbage = st.tuples(st.sampled_from(list(Channel)), st.binary(min_size=1, max_size=300))
    return st.one_of(as_bytes, as_bytes, garbage)


def handled(registry: CollectorRegistry) -> Counter[str]:
    """The worker's messages by result: stored, duplicate, dead_letter."""
    counts: Counter[str] = Counter()
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == "fitconnect_ingest_messages_total":
                counts[sample.labels["result"]] += int(sample.value)
    return counts


def test_nothing_a_device_sends_stops_the_worker_and_every_message_is_accounted_for(
    database_url: str, tuned_broker: EmbeddedBroker
) -> None:
    # A broker of its own: the worker's counters must hold this device's messages only (a
    # shared broker hands a new worker other tests' retained status messages too).
    mqtt_url = tuned_broker.url
    device = register_device(database_url)
    publisher = Publisher(mqtt_url)
    registry = CollectorRegistry()
    sent = 0

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(message=messages(device))
    def publish_one(message: tuple[Channel, bytes]) -> None:
        nonlocal sent
        channel, payload = message
        publisher.send(device.topic(channel), payload)
        sent += 1
        deadline = time.monotonic() + 20
        while sum(handled(registry).values()) < sent:
            assert time.monotonic() < deadline, f"message {sent} not stored nor dead-lettered"
            time.sleep(0.01)

    with running_worker(database_url, mqtt_url, worker_settings(), registry):
        publish_one()
    publisher.close()
    counts = handled(registry)
    with psycopg.connect(database_url) as conn:
        reasons: dict[str, int] = dict(
            conn.execute(
                "SELECT reason, count(*) FROM telemetry.dead_letters WHERE topic LIKE %s"
                " GROUP BY reason",
                (f"%/{device.id}/%",),
            ).fetchall()
        )
    assert sum(reasons.values()) == counts["dead_letter"]  # every refusal kept, with its payload
    assert sum(counts.values()) == sent
    print(f"fuzz: {sent} sent, {dict(counts)}, dead letters by reason {reasons}")  # with -s
