"""The gateway app in process, and the upload worker's step, on the test session's database."""

import threading
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.runtime.ports import free_port
from fitconnect.settings import Settings
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url)) as c:
        yield c


@pytest.fixture(scope="module")
def served_gateway(database_url: str) -> Iterator[str]:
    """The app behind a real uvicorn on a free loopback port; yields its base URL."""
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    config = uvicorn.Config(
        create_app(settings, database_url), host="127.0.0.1", port=free_port(), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{config.port}"
    try:
        wait_until_serving(base)
        yield base
    finally:
        server.should_exit = True
        thread.join(30)
