"""Uploading a file through the REST API and running the worker until it is done."""

import gzip
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from fitconnect.platform.uploads.worker import process_one
from tests.integration.gateway.support import register_and_login

FILES = Path(__file__).resolve().parents[2] / "data" / "files"


def athlete(client: TestClient, name: str = "uploader") -> str:
    """A new athlete's access token."""
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    return register_and_login(client, email)["accessToken"]


def send(
    client: TestClient,
    token: str,
    data: bytes,
    name: str,
    external_id: str | None = None,
    *,
    compress: bool = False,
) -> Any:
    """POST /api/v1/uploads; the response."""
    body = gzip.compress(data) if compress else data
    return client.post(
        "/api/v1/uploads",
        files={"file": (name + (".gz" if compress else ""), body, "application/octet-stream")},
        data={"external_id": external_id} if external_id is not None else {},
        headers={"Authorization": f"Bearer {token}"},
    )


def accepted(client: TestClient, token: str, path: Path, **kwargs: Any) -> dict[str, Any]:
    response = send(client, token, path.read_bytes(), path.name, **kwargs)
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def drain(database_url: str) -> int:
    """Run the worker until nothing is waiting; how many uploads it took."""
    done = 0
    while process_one(database_url):
        done += 1
    return done


def status(client: TestClient, token: str, upload_id: str) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/uploads/{upload_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
