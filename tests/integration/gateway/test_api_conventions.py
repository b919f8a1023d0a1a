"""The GraphQL conventions a client switches on: closed sets refused, and every error's code.

Over HTTP and over the websocket transport alike (``extensions.code`` from the documented set).
"""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import PASSWORD, gql, nodes, register_and_login

pytestmark = pytest.mark.integration

READY = "subscription($id: UUID!) { reportReady(id: $id) { status } }"


def subscribe(client: TestClient, init: dict[str, str], query: str, **variables: Any) -> Any:
    """The first message a subscription gets after ``connection_init`` with ``init``."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": init})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }
        )
        return ws.receive_json()


def errors_of(message: Any) -> list[Any]:
    """The errors of a websocket message: an ``error`` frame, or a ``next`` with errors."""
    payload = message["payload"]
    return list(payload if message["type"] == "error" else payload["errors"])


def test_a_device_kind_outside_the_set_is_refused(client: TestClient) -> None:
    token = register_and_login(client, "kinds@example.com")["accessToken"]

    toaster = gql(
        client, 'mutation { registerDevice(name: "t", kind: "toaster") { mqttPassword } }', token
    )
    unknown = gql(
        client, 'mutation { registerDevice(name: "t", kind: TOASTER) { mqttPassword } }', token
    )
    strap = gql(
        client,
        'mutation { registerDevice(name: "s", kind: HEART_RATE) { device { kind } } }',
        token,
    )

    assert toaster["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert unknown["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert strap["data"]["registerDevice"]["device"]["kind"] == "HEART_RATE"
    listed = gql(client, "{ devices { edges { node { name } } } }", token)["data"]["devices"]
    assert nodes(listed) == [{"name": "s"}]
    rest = client.post(
        "/api/v1/devices",
        json={"name": "t", "kind": "toaster"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert rest.status_code == 422


def test_a_query_with_an_unknown_field_says_validation(client: TestClient) -> None:
    token = register_and_login(client, "typo@example.com")["accessToken"]

    typo = gql(client, "{ me { id shoeSize } }", token)
    bad_syntax = gql(client, "{ me { id ", token)

    assert typo["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert "shoeSize" in typo["errors"][0]["message"]
    assert bad_syntax["errors"][0]["extensions"]["code"] == "VALIDATION"


def test_registering_an_admin_is_forbidden(client: TestClient) -> None:
    admin = gql(
        client,
        'mutation($p: String!) { register(email: "root@example.com", password: $p,'
        ' displayName: "Root", role: ADMIN) { id } }',
        p=PASSWORD,
    )
    rest = client.post(
        "/api/v1/auth/register",
        json={
            "email": "root2@example.com",
            "password": PASSWORD,
            "display_name": "R",
            "role": "admin",
        },
    )

    assert admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert rest.status_code == 403
    assert rest.json()["error"]["code"] == "FORBIDDEN"


def test_an_invalid_token_says_invalid_token(client: TestClient) -> None:
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"

    body = gql(client, "{ me { id } }", forged)
    rest = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})

    error = body["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"] == "invalid token"
    assert rest.json()["error"] == {"code": "UNAUTHENTICATED", "message": "invalid token"}


def test_a_subscription_without_a_token_gets_unauthenticated(client: TestClient) -> None:
    message = subscribe(client, {}, READY, id=str(uuid.uuid4()))

    [error] = errors_of(message)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_connection_init_token_is_read_in_any_letter_case(client: TestClient) -> None:
    token = register_and_login(client, "lower@example.com")["accessToken"]

    for key in ("authorization", "AUTHORIZATION", "Authorization"):
        message = subscribe(client, {key: f"Bearer {token}"}, READY, id=str(uuid.uuid4()))
        [error] = errors_of(message)
        assert error["extensions"]["code"] == "NOT_FOUND", key  # authenticated: no such job


def test_a_subscription_with_an_unknown_field_says_validation(client: TestClient) -> None:
    token = register_and_login(client, "wstypo@example.com")["accessToken"]

    message = subscribe(
        client,
        {"Authorization": f"Bearer {token}"},
        "subscription { live { deviceId shoeSize } }",
    )

    [error] = errors_of(message)
    assert error["extensions"]["code"] == "VALIDATION"


def test_rest_refuses_a_query_parameter_it_would_ignore(client: TestClient) -> None:
    token = register_and_login(client, "params@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    me = gql(client, "{ me { id } }", token)["data"]["me"]["id"]
    stranger = str(uuid.uuid4())

    typo = client.get("/api/v1/stream?minuts=5", headers=headers)
    own = client.get(f"/api/v1/stream?athlete_id={me}&minutes=5", headers=headers)
    other = client.get(f"/api/v1/stream?athlete_id={stranger}", headers=headers)

    assert typo.status_code == 422
    assert typo.json()["error"]["code"] == "VALIDATION"
    assert "minuts" in typo.json()["error"]["message"]
    assert own.status_code == 200
    assert other.status_code == 403  # honoured: another athlete's stream is not the caller's
    assert other.json()["error"]["code"] == "FORBIDDEN"
