"""A worker's labelled counters have a sample from the start, so dashboards show 0."""

import socket

import pytest
from prometheus_client import CollectorRegistry

from .support import running_worker, worker_settings

pytestmark = pytest.mark.integration


def test_db_errors_is_zero_before_the_first_error(database_url: str, mqtt_url: str) -> None:
    registry = CollectorRegistry()
    with running_worker(database_url, mqtt_url, worker_settings(), metrics_registry=registry):
        value = registry.get_sample_value(
            "fitconnect_ingest_db_errors_total", {"worker": f"{socket.gethostname()}-0"}
        )
    assert value == 0
