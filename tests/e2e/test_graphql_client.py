"""The schema as a mobile or partner developer meets it: a real GraphQL client (``gql``) over
HTTP and websockets, against ``fitconnect gateway`` served by uvicorn.

Pagination to the end of a list whose items share a timestamp, a node fetched by its global
id, and each error code a client can meet (``extensions.code``), on both transports.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from gql import Client, GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from fitconnect.runtime.ports import free_port
from tests.e2e.processes import wait_until_serving
from tests.keys import SECRET_KEY

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

PASSWORD = "correct horse battery"
SESSIONS = GraphQLRequest(
    "query($after: String) { sessions(first: 2, after: $after) {"
    " edges { node { id start } } pageInfo { hasNextPage endCursor } } }"
)
NODE = GraphQLRequest(
    "query($id: ID!) { node(id: $id) { __typename id ... on Session { start } } }"
)
READY = GraphQLRequest("subscription($id: UUID!) { reportReady(id: $id) { status } }")


@pytest.fixture
def gateway(database_url: str, mqtt_url: str) -> Iterator[str]:
    """``fitconnect gateway`` on a free port; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "FITCONNECT_DATABASE_URL": database_url,
        "FITCONNECT_MQTT_URL": mqtt_url,
        "FITCONNECT_ENVIRONMENT": "test",
        "FITCONNECT_SECRET_KEY": SECRET_KEY,
        "FITCONNECT_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "fitconnect", "gateway", f"--port={port}"], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def http(base: str, token: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(transport=AIOHTTPTransport(url=f"{base}/graphql", headers=headers))


def websocket(base: str, init: dict[str, str]) -> Client:
    url = base.replace("http://", "ws://") + "/graphql"
    transport = WebsocketsTransport(
        url=url, init_payload=init, subprotocols=["graphql-transport-ws"]
    )
    return Client(transport=transport)


async def run(client: Client, request: GraphQLRequest, **variables: Any) -> Any:
    async with client as session:
        return await session.execute(GraphQLRequest(request, variable_values=variables))


async def code_of(client: Client, request: GraphQLRequest, **variables: Any) -> str:
    """The ``extensions.code`` of the error the request gets."""
    with pytest.raises(TransportQueryError) as refused:
        await run(client, request, **variables)
    assert refused.value.errors, refused.value
    return str(refused.value.errors[0]["extensions"]["code"])


async def first_event(client: Client, request: GraphQLRequest, **variables: Any) -> Any:
    async with client as session:
        events: AsyncIterator[Any] = session.subscribe(
            GraphQLRequest(request, variable_values=variables)
        )
        async for event in events:
            return event
    raise AssertionError("the subscription ended without an event")


async def subscription_code(client: Client, request: GraphQLRequest, **variables: Any) -> str:
    with pytest.raises(TransportQueryError) as refused:
        await first_event(client, request, **variables)
    assert refused.value.errors, refused.value
    return str(refused.value.errors[0]["extensions"]["code"])


async def athlete(base: str, email: str) -> str:
    """A registered athlete's access token."""
    anonymous = http(base)
    await run(
        anonymous,
        GraphQLRequest(
            "mutation($e: String!, $p: String!) { register(email: $e, password: $p,"
            ' displayName: "Dev") { id } }'
        ),
        e=email,
        p=PASSWORD,
    )
    login = await run(
        anonymous,
        GraphQLRequest(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
        ),
        e=email,
        p=PASSWORD,
    )
    return str(login["login"]["accessToken"])


def add_sessions(database_url: str, device: str, starts: list[datetime]) -> None:
    with psycopg.connect(database_url) as conn:
        for begin in starts:
            conn.execute(
                "INSERT INTO analytics.sessions (id, devices, device_id, start_ts, athlete_id,"
                " tenant_id, explicit, first_sample_ts, end_ts, duration_s, moving_time_s,"
                " plausible, version) SELECT gen_random_uuid(), ARRAY[id], id, %s, athlete_id,"
                " tenant_id, false, %s, %s, 600, 600, true, 1 FROM devices.devices WHERE id = %s",
                (begin, begin, begin + timedelta(minutes=10), device),
            )


async def test_a_client_pages_to_the_end_and_fetches_a_node(
    gateway: str, database_url: str
) -> None:
    token = await athlete(gateway, "pager.client@example.com")
    client = http(gateway, token)
    made = await run(
        client,
        GraphQLRequest('mutation { registerDevice(name: "bike", kind: POWER) { device { id } } }'),
    )
    now = datetime.now(UTC).replace(microsecond=0)
    starts = [now - timedelta(days=d) for d in (1, 2, 2, 2, 2, 3, 4)]  # four at one instant
    add_sessions(database_url, made["registerDevice"]["device"]["id"], starts)

    seen: list[dict[str, str]] = []
    after: str | None = None
    for _ in range(len(starts)):
        page = (await run(client, SESSIONS, after=after))["sessions"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    node = (await run(client, NODE, id=seen[3]["id"]))["node"]

    assert len(seen) == len(starts)
    assert len({s["id"] for s in seen}) == len(starts)  # none skipped, none twice
    assert [s["start"] for s in seen] == sorted((s["start"] for s in seen), reverse=True)
    assert node == {"__typename": "Session", **seen[3]}


async def test_every_error_carries_its_code_over_http_and_websockets(gateway: str) -> None:
    token = await athlete(gateway, "codes.client@example.com")
    other = await athlete(gateway, "other.client@example.com")
    other_id = (await run(http(gateway, other), GraphQLRequest("{ me { id } }")))["me"]["id"]
    signed_in, anonymous = http(gateway, token), http(gateway)
    unknown = str(uuid.uuid4())

    assert await code_of(anonymous, GraphQLRequest("{ me { id } }")) == "UNAUTHENTICATED"
    assert await code_of(http(gateway, "forged"), GraphQLRequest("{ me { id } }")) == (
        "UNAUTHENTICATED"
    )
    assert (
        await code_of(
            signed_in,
            GraphQLRequest("query($a: UUID) { totals(athleteId: $a) { samples } }"),
            a=other_id,
        )
        == "FORBIDDEN"
    )
    assert (
        await code_of(
            anonymous,
            GraphQLRequest(
                'mutation { register(email: "root.client@example.com",'
                ' password: "a long passphrase", displayName: "Root", role: ADMIN) { id } }'
            ),
        )
        == "FORBIDDEN"
    )
    assert (
        await code_of(
            signed_in,
            GraphQLRequest("query($id: UUID!) { report(id: $id) { status } }"),
            id=unknown,
        )
        == "NOT_FOUND"
    )
    assert await code_of(signed_in, GraphQLRequest("{ me { id shoeSize } }")) == "VALIDATION"
    assert (
        await code_of(
            signed_in,
            GraphQLRequest(
                'mutation { registerDevice(name: "t", kind: TOASTER) { mqttPassword } }'
            ),
        )
        == "VALIDATION"
    )

    assert await subscription_code(websocket(gateway, {}), READY, id=unknown) == ("UNAUTHENTICATED")
    lower = websocket(gateway, {"authorization": f"Bearer {token}"})
    assert await subscription_code(lower, READY, id=unknown) == "NOT_FOUND"
    typo = websocket(gateway, {"Authorization": f"Bearer {token}"})
    assert (
        await subscription_code(typo, GraphQLRequest("subscription { live { deviceId shoeSize } }"))
        == "VALIDATION"
    )

    wrong = GraphQLRequest(
        'mutation { login(email: "codes.client@example.com", password: "not the password")'
        " { accessToken } }"
    )
    codes = [await code_of(anonymous, wrong) for _ in range(6)]
    assert codes[0] == "UNAUTHENTICATED"
    assert codes[-1] == "RATE_LIMITED"
