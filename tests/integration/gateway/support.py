"""What the in-process gateway tests share: GraphQL calls, accounts, the notification step."""

import asyncio
import queue
import threading
from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from fitconnect.platform.db import open_pool
from fitconnect.platform.notifications.dispatch import dispatch_pending
from fitconnect.platform.training.reports import run_one
from fitconnect.settings import DatabaseSettings

PASSWORD = "correct horse battery"


def nodes(connection: Any) -> list[Any]:
    """The items of a page of a list (a Relay connection)."""
    return [edge["node"] for edge in connection["edges"]]


def gql(client: TestClient, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def receive_within(ws: WebSocketTestSession, timeout_s: float = 30) -> Any:
    """The next JSON message of ``ws``; fails after ``timeout_s`` instead of blocking the run
    (the test client's own receive waits forever)."""
    box: queue.Queue[tuple[bool, Any]] = queue.Queue()

    def receive() -> None:
        try:
            box.put((True, ws.receive_json()))
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            box.put((False, exc))

    threading.Thread(target=receive, daemon=True).start()
    try:
        ok, value = box.get(timeout=timeout_s)
    except queue.Empty:
        raise AssertionError(f"no websocket message within {timeout_s} s") from None
    if not ok:
        raise value
    return value


def invitation(client: TestClient, owner: str, role: str = "ATHLETE") -> str:
    """A token to join the tenant ``owner`` (an access token) owns, with ``role``."""
    body = gql(
        client,
        "mutation($r: Role!) { createInvitation(role: $r) { token } }",
        owner,
        r=role,
    )
    assert "errors" not in body, body
    return str(body["data"]["createInvitation"]["token"])


def register_and_login(
    client: TestClient, email: str, invited_by: str | None = None
) -> dict[str, str]:
    """An athlete: in a tenant of their own, or in the tenant of ``invited_by`` (its owner's
    access token)."""
    body = gql(
        client,
        "mutation($e: String!, $i: String) { register(email: $e,"
        ' password: "correct horse battery", displayName: "Ada", invitation: $i)'
        " { id email role } }",
        e=email,
        i=invitation(client, invited_by) if invited_by else None,
    )
    assert body["data"]["register"]["role"] == "ATHLETE", body
    login = gql(
        client,
        'mutation($e: String!) { login(email: $e, password: "correct horse battery")'
        " { accessToken refreshToken } }",
        e=email,
    )
    return dict(login["data"]["login"])


def deliver(database_url: str) -> None:
    async def run() -> None:
        pool = await open_pool(database_url, DatabaseSettings())
        try:
            await dispatch_pending(pool)
        finally:
            await pool.close()

    asyncio.run(run())


def register_coach(client: TestClient, email: str, invited_by: str | None = None) -> str:
    """A coach account (founding its own tenant, or invited as coach by that tenant's owner);
    returns its access token."""
    gql(
        client,
        "mutation($e: String!, $p: String!, $i: String) { register(email: $e, password: $p,"
        ' displayName: "Coach", role: COACH, invitation: $i) { id } }',
        e=email,
        p=PASSWORD,
        i=invitation(client, invited_by, "COACH") if invited_by else None,
    )
    login = gql(
        client,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=email,
        p=PASSWORD,
    )
    return str(login["data"]["login"]["accessToken"])


def run_worker_once(database_url: str) -> bool:
    """One step of the report worker: claim, compute and store one queued job."""

    async def run() -> bool:
        pool = await open_pool(database_url, DatabaseSettings())
        try:
            return await run_one(pool)
        finally:
            await pool.close()

    return asyncio.run(run())
