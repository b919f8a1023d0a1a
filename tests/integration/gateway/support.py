"""What the in-process gateway tests share: GraphQL calls, accounts, the notification step."""

import asyncio
from typing import Any

from fastapi.testclient import TestClient

from fitconnect.platform.db import open_pool
from fitconnect.platform.notifications.service import deliver_pending
from fitconnect.settings import DatabaseSettings

PASSWORD = "correct horse battery"


def gql(client: TestClient, query: str, token: str | None = None, **variables: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def register_and_login(client: TestClient, email: str) -> dict[str, str]:
    body = gql(
        client,
        'mutation($e: String!) { register(email: $e, password: "correct horse battery",'
        ' displayName: "Ada") { id email role } }',
        e=email,
    )
    assert body["data"]["register"]["role"] == "athlete", body
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
            await deliver_pending(pool)
        finally:
            await pool.close()

    asyncio.run(run())


def register_coach(client: TestClient, email: str) -> str:
    """A coach account; returns its access token."""
    gql(
        client,
        "mutation($e: String!, $p: String!) {"
        ' register(email: $e, password: $p, displayName: "Coach", role: "coach") { id } }',
        e=email,
        p=PASSWORD,
    )
    login = gql(
        client,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=email,
        p=PASSWORD,
    )
    return str(login["data"]["login"]["accessToken"])
