"""GraphQL cannot be made to work for free: each attack is refused before the work it asks for.

Through a real uvicorn (``served_gateway``): every refusal must come back within the client's
deadline, and ``/healthz`` must answer while attacks are in flight (the 790-byte fragment bomb
used to hold the event loop for 16.5 s).
"""

import asyncio
import json
import threading
import uuid
from typing import Any

import httpx
import psycopg
import pytest
import websockets
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.platform.db.urls import with_database
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from .support import gql, register_and_login

pytestmark = pytest.mark.integration

DEADLINE_S = 5.0


def fragment_bomb(levels: int, width: int = 2) -> str:
    """Each fragment spreads the previous one ``width`` times: ``width ** levels`` fields."""
    fragments = ["fragment F0 on Query { me { id email } }"]
    for i in range(1, levels):
        spreads = " ".join([f"...F{i - 1}"] * width)
        fragments.append(f"fragment F{i} on Query {{ {spreads} }}")
    return f"query {{ ...F{levels - 1} }}\n" + "\n".join(fragments)


def post(base: str, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=DEADLINE_S)


def refused(response: httpx.Response, code: str = "VALIDATION") -> list[str]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("data") is None, body
    assert {e["extensions"]["code"] for e in body["errors"]} == {code}, body
    return [e["message"] for e in body["errors"]]


def test_a_fragment_bomb_is_refused_at_once_and_healthz_answers_meanwhile(
    served_gateway: str,
) -> None:
    bomb = fragment_bomb(24)
    assert len(bomb) < 1_000
    answers: list[httpx.Response] = []
    attackers = [
        threading.Thread(target=lambda: answers.append(post(served_gateway, bomb)))
        for _ in range(4)
    ]
    for attacker in attackers:
        attacker.start()
    health = httpx.get(f"{served_gateway}/healthz", timeout=DEADLINE_S)
    for attacker in attackers:
        attacker.join()

    assert health.status_code == 200
    assert len(answers) == 4  # none timed out
    messages = refused(answers[0])
    assert any("root fields" in m for m in messages), messages
    assert any("fields once its fragments are expanded" in m for m in messages), messages


def test_a_wide_fragment_bomb_is_refused(served_gateway: str) -> None:
    messages = refused(post(served_gateway, fragment_bomb(12, width=5)))
    assert any("fields once its fragments are expanded" in m for m in messages), messages


def test_aliases_of_me_are_refused_without_a_statement(client: TestClient) -> None:
    token = register_and_login(client, "aliases@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    for count in (21, 5_000):
        aliases = " ".join(f"a{i}: me {{ id }}" for i in range(count))
        response = client.post("/graphql", json={"query": f"{{ {aliases} }}"}, headers=headers)
        body = response.json()
        assert body["data"] is None, body
        assert {e["extensions"]["code"] for e in body["errors"]} == {"VALIDATION"}
        assert response.headers["x-db-statements"] == "0"
    # Twenty root fields are fine, and cost what they ask.
    twenty = " ".join(f"a{i}: me {{ id }}" for i in range(20))
    assert len(gql(client, f"{{ {twenty} }}", token)["data"]) == 20


def test_aliased_registrations_are_refused_and_create_nobody(
    served_gateway: str, database_url: str
) -> None:
    mutations = " ".join(
        f'r{i}: register(email: "bulk{i}@example.com", password: "correct horse battery",'
        f' displayName: "Bulk") {{ id }}'
        for i in range(100)
    )
    messages = refused(post(served_gateway, f"mutation {{ {mutations} }}"))
    assert messages == ["100 mutations in 'anonymous'; at most 5 per request"]
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM users.accounts WHERE email LIKE 'bulk%'"
        ).fetchone()
    assert row == (0,)


def test_many_operations_in_one_document_are_refused(served_gateway: str) -> None:
    document = " ".join(f"query Q{i} {{ me {{ id }} }}" for i in range(6))
    assert refused(post(served_gateway, document)) == ["6 operations in one document; at most 5"]


def test_same_field_repeated_is_refused_before_the_overlap_check(served_gateway: str) -> None:
    # graphql-core compares every pair of same-named fields: quadratic in their number.
    repeated = "me { id } " * 1_200
    refused(post(served_gateway, f"{{ {repeated} }}"))


def test_syntax_errors_and_too_many_tokens_carry_the_validation_code(
    served_gateway: str,
) -> None:
    refused(post(served_gateway, "{ me { id "))
    messages = refused(post(served_gateway, "{ me { " + "id " * 6_000 + "} }"))
    assert "more than 5000 tokens" in messages[0]


def test_a_50_mb_body_is_refused_before_it_is_read(served_gateway: str) -> None:
    body = b'{"query": "' + b"a" * (50 * 1024 * 1024) + b'"}'
    response = httpx.post(
        f"{served_gateway}/graphql",
        content=body,
        headers={"content-type": "application/json"},
        timeout=DEADLINE_S * 4,
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "TOO_LARGE"


def test_a_chunked_body_is_cut_off_at_the_limit(served_gateway: str) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 10_000

    for path in ("/graphql", "/api/v1/auth/login"):
        response = httpx.post(
            f"{served_gateway}{path}",
            content=chunks(),
            headers={"content-type": "application/json"},
            timeout=DEADLINE_S,
        )
        assert response.status_code == 413, path
        assert response.json()["error"]["code"] == "TOO_LARGE"


def test_a_huge_websocket_message_closes_the_connection(served_gateway: str) -> None:
    async def send_huge() -> int | None:
        url = served_gateway.replace("http", "ws") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await asyncio.wait_for(ws.recv(), DEADLINE_S))["type"] == (
                "connection_ack"
            )
            await ws.send(json.dumps({"type": "ping", "payload": {"x": "a" * 200_000}}))
            await asyncio.wait_for(ws.wait_closed(), DEADLINE_S)
            return ws.close_code

    assert asyncio.run(send_huge()) == 1009  # "message too big"


def test_subscription_errors_carry_a_code(served_gateway: str) -> None:
    async def subscribe_anonymously() -> dict[str, Any]:
        url = served_gateway.replace("http", "ws") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await asyncio.wait_for(ws.recv(), DEADLINE_S)
            query = "subscription { live { deviceId } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), DEADLINE_S))
            return message

    message = asyncio.run(subscribe_anonymously())
    assert message["type"] == "next", message
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_caller_errors_are_logged_at_info_without_a_traceback(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO"):
        body = client.post("/graphql", json={"query": "{ me { id } }"}).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    graphql_records = [r for r in caplog.records if "graphql" in r.name]
    assert graphql_records, caplog.records
    assert all(r.levelname == "INFO" and r.exc_info is None for r in graphql_records)


def test_json_nested_too_deeply_is_malformed_not_a_server_error(served_gateway: str) -> None:
    nested = "[" * 3_000 + "]" * 3_000
    body = '{"query": "query($v: [[Int]]) { __typename }", "variables": {"v": ' + nested + "}}"
    response = httpx.post(
        f"{served_gateway}/graphql",
        content=body,
        headers={"content-type": "application/json"},
        timeout=DEADLINE_S,
    )
    assert response.status_code == 400, response.text

    async def send_nested() -> int | None:
        url = served_gateway.replace("http", "ws") + "/graphql"
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send('{"type": "connection_init", "payload": ' + nested + "}")
            await asyncio.wait_for(ws.wait_closed(), DEADLINE_S)
            return ws.close_code

    assert asyncio.run(send_nested()) == 4400  # graphql-transport-ws: invalid message


def test_an_internal_error_is_masked_and_logged_at_error(
    pg_server_url: str, pg_template: str, caplog: pytest.LogCaptureFixture
) -> None:
    name = f"fc_gone_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, with_database(pg_server_url, name))) as client:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')  # a defect's stand-in
        login = 'mutation { login(email: "a@example.com", password: "x") { accessToken } }'
        with caplog.at_level("INFO"):
            body = client.post("/graphql", json={"query": login}).json()
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL", body
    assert body["errors"][0]["message"] == "internal error"
    logged = [r for r in caplog.records if r.name.startswith("fitconnect.gateway.graphql")]
    assert [r.levelname for r in logged] == ["ERROR"]
    assert logged[0].exc_info is not None


def test_a_rest_defect_answers_the_envelope(pg_server_url: str, pg_template: str) -> None:
    name = f"fc_gone_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    app = create_app(settings, with_database(pg_server_url, name))
    with TestClient(app, raise_server_exceptions=False) as client:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        body = {"email": "a@example.com", "password": "x"}
        response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "INTERNAL", "message": "internal error"}}
