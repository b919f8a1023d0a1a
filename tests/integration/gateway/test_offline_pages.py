"""The developer pages load nothing from the internet: their scripts and styles are the
gateway's own (offline, as every machine here is, they used to be blank)."""

import re

import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.gateway.pages import GRAPHIQL_DIR
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

pytestmark = pytest.mark.integration

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def assets_of(page: str) -> list[str]:
    return [url for url in ASSET.findall(page) if not url.startswith(("#", "data:"))]


def test_the_api_docs_page_loads_only_the_gateways_files(client: TestClient) -> None:
    page = client.get("/api/v1/docs")

    urls = assets_of(page.text)
    assert page.status_code == 200
    assert urls, page.text
    assert all(url.startswith("/") for url in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_graphiql_loads_only_the_gateways_files(database_url: str, mqtt_url: str) -> None:
    settings = Settings(environment="development", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        urls = assets_of(page.text)
        assert page.status_code == 200
        assert len(urls) == 7, urls
        assert all(url.startswith("/graphql-assets/") for url in urls), urls
        if not GRAPHIQL_DIR.is_dir():
            pytest.skip("GraphiQL's files are not vendored: run scripts/vendor-graphiql.sh")
        for url in urls:
            assert client.get(url).status_code == 200, url
