"""The developer pages render offline: GraphiQL (``/graphql``) and the REST API's docs
(``/api/v1/docs``) in a real browser (Debian's Chromium driven by Playwright) whose every
request that leaves the gateway is refused, as on a machine without internet. Screenshots at
phone and desktop width go to ``$FITCONNECT_ARTIFACTS`` (default: the test's temporary
folder)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fitconnect.gateway.pages import GRAPHIQL_DIR
from fitconnect.runtime.ports import free_port
from tests.e2e.browser import CHROMIUM, DESKTOP, PHONE
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(
        not GRAPHIQL_DIR.is_dir(), reason="run scripts/vendor-graphiql.sh (make does)"
    ),
]


@pytest.fixture(scope="module")
def gateway(database_url: str) -> Iterator[str]:
    """``fitconnect gateway`` in development mode (the developer pages are on)."""
    port = free_port()
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_ENVIRONMENT": "development",
        "FITCONNECT_SECRET_KEY": SECRET_KEY,
        "FITCONNECT_LOG_LEVEL": "WARNING",
    }
    env.pop("FITCONNECT_MQTT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "gateway", f"--port={port}"], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, timeout_s=60)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def _offline_page(browser: Any, base: str, size: dict[str, int]) -> tuple[Any, list[str]]:
    """A page that reaches the gateway only; the URLs it tried beyond it."""
    page = browser.new_context(viewport=size).new_page()
    refused: list[str] = []

    def refuse(route: Any) -> None:
        refused.append(route.request.url)
        route.abort()

    page.route(re.compile(rf"^(?!{re.escape(base)}).*"), refuse)
    page.set_default_timeout(20_000)
    return page, refused


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_graphiql_renders_its_editor_with_the_network_blocked(
    gateway: str, browser: Any, artifacts: Path, size: dict[str, int]
) -> None:
    page, refused = _offline_page(browser, gateway, size)
    page.goto(f"{gateway}/graphql")
    page.wait_for_selector(".graphiql-container")
    page.wait_for_selector(".graphiql-query-editor .CodeMirror")
    page.screenshot(path=str(artifacts / f"graphiql-{size['width']}.png"))
    assert refused == []
    page.context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_api_docs_list_the_operations_with_the_network_blocked(
    gateway: str, browser: Any, artifacts: Path, size: dict[str, int]
) -> None:
    page, refused = _offline_page(browser, gateway, size)
    page.goto(f"{gateway}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    operations = page.locator(".swagger-ui .opblock").count()
    page.screenshot(path=str(artifacts / f"api-docs-{size['width']}.png"))
    assert refused == []
    assert operations > 20  # every REST route of the API
    page.context.close()
