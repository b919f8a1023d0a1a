"""Pytest plugin: a real MQTT broker.

``mqtt_url`` is ``FITCONNECT_TEST_MQTT_URL`` when set (CI: the machine's Mosquitto), else a
Mosquitto spawned with the project's configuration on a free port (amqtt when Mosquitto is
missing). ``tuned_broker`` always spawns its own Mosquitto with the project's configuration:
tests that push load must not run on Debian's defaults, which drop QoS-1 messages.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitconnect.runtime.embedded_broker import EmbeddedBroker


@pytest.fixture(scope="session")
def mqtt_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("FITCONNECT_TEST_MQTT_URL")
    if configured:
        yield configured
        return
    with EmbeddedBroker.start(Path(tmp_path_factory.mktemp("broker")), persistence=False) as b:
        yield b.url


@pytest.fixture
def tuned_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A Mosquitto of our own, with the project's configuration, stopped after the test."""
    with EmbeddedBroker.start(tmp_path / "broker", kind="mosquitto") as broker:
        yield broker
