"""The gateway app on the real PostgreSQL and broker of the test session."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY


@pytest.fixture
def client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c
