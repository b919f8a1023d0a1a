"""``fitconnect upload FILE…``: send activity files to a gateway, then wait until each is read.

It talks to the gateway's REST API as the athlete whose access token it is given (the same
``POST /api/v1/uploads`` an app uses), so it works against any FitConnect, local or not.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from fitconnect.errors import FitConnectError

_POLL_S = 0.5
_FINISHED = {"ready", "error", "duplicate"}


class UploadFailedError(FitConnectError):
    """The gateway refused a file or could not be reached."""


def _send(client: httpx.Client, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        response = client.post("/api/v1/uploads", files={"file": (path.name, handle)})
    if response.status_code != 202:
        error = response.json().get("error", {}) if response.content else {}
        raise UploadFailedError(
            f"{path.name}: {error.get('code', response.status_code)}"
            f" {error.get('message', response.text)}"
        )
    body: dict[str, Any] = response.json()
    return body


def _wait(client: httpx.Client, upload: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while upload["status"] not in _FINISHED and time.monotonic() < deadline:
        time.sleep(_POLL_S)
        upload = client.get(f"/api/v1/uploads/{upload['id']}").raise_for_status().json()
    return upload


def _line(path: Path, upload: dict[str, Any]) -> str:
    status = upload["status"]
    if status == "ready":
        sessions = len(upload["session_ids"])
        return f"{path.name}: ready, {upload['samples']} samples, {sessions} session(s)"
    if status == "error":
        return f"{path.name}: error {upload['error_code']}: {upload['error_message']}"
    if status == "duplicate":
        return f"{path.name}: duplicate of upload {upload['duplicate_of']}"
    return f"{path.name}: still processing (upload {upload['id']})"


def upload(
    files: Annotated[
        list[Path],
        typer.Argument(exists=True, dir_okay=False, help="FIT, TCX or GPX files, plain or gzip."),
    ],
    token: Annotated[
        str,
        typer.Option(envvar="FITCONNECT_TOKEN", help="The athlete's access token (login)."),
    ],
    gateway: Annotated[
        str, typer.Option(envvar="FITCONNECT_GATEWAY_URL", help="The gateway's base URL.")
    ] = "http://127.0.0.1:8000",
    wait: Annotated[bool, typer.Option(help="Wait until the worker has read each file.")] = True,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait per file.")] = 300.0,
) -> None:
    """Upload FIT, TCX or GPX files to a gateway and wait until each is read."""
    total = sum(path.stat().st_size for path in files)
    sent: list[tuple[Path, dict[str, Any]]] = []
    headers = {"Authorization": f"Bearer {token}"}
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    try:
        with httpx.Client(base_url=gateway, headers=headers, timeout=120) as client:
            with Progress(*columns, transient=True) as bar:
                task = bar.add_task("uploading", total=total)
                for path in files:
                    bar.update(task, description=path.name)
                    sent.append((path, _send(client, path)))
                    bar.advance(task, path.stat().st_size)
            failed = 0
            for path, accepted in sent:
                done = _wait(client, accepted, timeout) if wait else accepted
                failed += done["status"] == "error"
                typer.echo(_line(path, done))
    except httpx.HTTPError as exc:
        raise UploadFailedError(f"the gateway at {gateway}: {exc}") from exc
    if failed:
        raise typer.Exit(1)
