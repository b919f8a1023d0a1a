"""What the gateway tells browsers, and what production keeps to itself."""

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.runtime.ports import free_port
from fitconnect.settings import Settings
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY

pytestmark = pytest.mark.integration

WEB = "https://app.fitconnect.example"


def app_client(database_url: str, environment: str = "test", **http: Any) -> TestClient:
    settings = Settings(
        environment=environment,  # type: ignore[arg-type]
        secret_key=SECRET_KEY,  # type: ignore[arg-type]
        gateway={"http": http},  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings, database_url))


@pytest.fixture
def production(database_url: str) -> Iterator[TestClient]:
    with app_client(database_url, "production") as client:
        yield client


def test_every_answer_has_the_security_headers(client: TestClient) -> None:
    for response in (
        client.get("/healthz"),
        client.post("/graphql", json={"query": "{ me { id } }"}),
        client.get("/api/v1/me"),
        client.get("/nowhere"),
    ):
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "strict-transport-security" not in headers  # plain HTTP
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy


def test_hsts_on_tls_requests_or_when_configured(database_url: str) -> None:
    with app_client(database_url) as client:
        tls = TestClient(client.app, base_url="https://testserver")
        assert "max-age=31536000" in tls.get("/healthz").headers["strict-transport-security"]
    with app_client(database_url, hsts=True, hsts_max_age_s=600) as client:
        value = client.get("/healthz").headers["strict-transport-security"]
        assert value == "max-age=600; includeSubDomains"


def test_cors_answers_the_configured_origins_only(database_url: str) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": ""}
    with app_client(database_url, cors_origins=[WEB]) as client:
        allowed = client.options(
            "/graphql",
            headers={
                **preflight,
                "Origin": WEB,
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == WEB
        other = client.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        simple = client.get("/healthz", headers={"Origin": WEB})
        assert simple.headers["access-control-allow-origin"] == WEB
        assert "x-db-statements" in simple.headers["access-control-expose-headers"]


def test_production_keeps_introspection_docs_and_metrics_to_itself(
    production: TestClient,
) -> None:
    body = production.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert "introspection" in body["errors"][0]["message"]
    hidden = {"query": '{ __type(name: "Query") { name } }'}
    assert production.post("/graphql", json=hidden).json()["data"] is None
    for path in ("/metrics", "/api/v1/docs", "/api/v1/openapi.json"):
        assert production.get(path).status_code == 404, path
    assert production.get("/healthz").status_code == 200
    typename = production.post("/graphql", json={"query": "{ __typename }"}).json()
    assert typename == {"data": {"__typename": "Query"}}


def test_development_keeps_introspection_and_docs(client: TestClient) -> None:
    body = client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"}).json()
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_metrics_label_requests_by_route_template(client: TestClient) -> None:
    client.post("/graphql", json={"query": "{ __typename }"})
    client.get("/api/v1/docs")
    client.get("/api/v1/reports/00000000-0000-0000-0000-000000000000")
    client.get("/nowhere")
    metrics = client.get("/metrics").text
    routes = set(re.findall(r'fitconnect_gateway_requests_total\{[^}]*route="([^"]*)"', metrics))
    assert {"/graphql", "/api/v1/docs", "/api/v1/reports/{report_id}", "unmatched"} <= routes
    assert "" not in routes


def test_production_gateway_serves_metrics_on_its_own_listener(
    database_url: str, mqtt_url: str
) -> None:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_MQTT_URL": mqtt_url,
        "FITCONNECT_ENVIRONMENT": "production",
        "FITCONNECT_SECRET_KEY": SECRET_KEY,
        "FITCONNECT_LOG_LEVEL": "WARNING",
        "FITCONNECT_GATEWAY__HTTP__METRICS_PORT": str(metrics_port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "gateway", f"--port={port}"], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, timeout_s=60)
        assert httpx.get(f"{base}/metrics").status_code == 404
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert 'fitconnect_gateway_requests_total{method="GET",route="/healthz",status="200"}' in (
        scraped
    )
