"""The developer pages, served by the gateway itself so that they work offline.

The API docs are Swagger UI from the files the ``fastapi-offline`` package ships; GraphiQL
(development only) is strawberry's page with its scripts and styles read from
``static/graphiql``, where ``scripts/vendor-graphiql.sh`` puts them from their npm packages
(the Dockerfile runs it; the files are not in the repository).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS = "/api/v1/docs-assets"
GRAPHIQL_ASSETS = "/graphql-assets"
GRAPHIQL_DIR = Path(__file__).parent / "static" / "graphiql"
"""Where ``scripts/vendor-graphiql.sh`` writes GraphiQL's files."""

# strawberry's GraphiQL page: each CDN URL and the file vendored from the same package (the
# same bytes, so the page's integrity hashes still hold).
GRAPHIQL_FILES = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


def install_pages(app: FastAPI, *, docs: bool, graphiql: bool) -> None:
    """The API docs at ``/api/v1/docs`` and GraphiQL's files, where they are shown."""
    if docs:
        _install_docs(app, "/api/v1/openapi.json")
    if graphiql:  # absent until vendored: the directory is not checked
        app.mount(
            GRAPHIQL_ASSETS,
            StaticFiles(directory=GRAPHIQL_DIR, check_dir=False),
            name="graphiql-assets",
        )


def _install_docs(app: FastAPI, openapi_url: str) -> None:
    """``/api/v1/docs``: Swagger UI over ``openapi_url``, its files from this gateway."""
    static = files("fastapi_offline") / "static"
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(static)), name="docs-assets")

    @app.get("/api/v1/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title="FitConnect API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )


def offline_graphiql(page: str) -> str:
    """strawberry's GraphiQL page, loading its files from this gateway instead of a CDN."""
    for url, name in GRAPHIQL_FILES.items():
        page = page.replace(url, f"{GRAPHIQL_ASSETS}/{name}")
    return page
