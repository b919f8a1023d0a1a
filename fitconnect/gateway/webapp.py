"""The web app: athletes and coaches in a browser, at ``/``, over the public API only.

Its page, script and styles are ``static/app`` (the project's own, plain ES modules: nothing
to build); the libraries it draws with (uPlot for the charts, graphql-ws for the ``live``
subscription) are ``static/vendor``, which ``scripts/vendor-webapp.sh`` fills from their npm
packages at install time (``make``, the Dockerfile). It speaks to the gateway through the
same GraphQL queries, mutations and subscription as the mobile apps; nothing here reads the
database.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

APP_DIR = Path(__file__).parent / "static" / "app"
VENDOR_DIR = Path(__file__).parent / "static" / "vendor"
"""Where ``scripts/vendor-webapp.sh`` puts uPlot and graphql-ws."""

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""The app's own CSP: only this gateway's files and API (no inline script, no CDN)."""


def install_webapp(app: FastAPI) -> None:
    """``/`` (the page) and its files under ``/app`` and ``/app/vendor``."""
    app.mount("/app/vendor", StaticFiles(directory=VENDOR_DIR, check_dir=False), name="vendor")
    app.mount("/app", StaticFiles(directory=APP_DIR), name="webapp")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(
            APP_DIR / "index.html",
            headers={"content-security-policy": PAGE_POLICY, "cache-control": "no-cache"},
        )
