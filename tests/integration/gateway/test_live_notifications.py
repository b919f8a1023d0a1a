"""The ``notifications`` subscription: the inbox pushed live over the GraphQL websocket."""

import pytest
from starlette.testclient import TestClient

from tests.integration.gateway.support import deliver, gql, receive_within, register_and_login

pytestmark = pytest.mark.integration


def test_a_new_follower_arrives_live_and_nobody_elses_does(
    client: TestClient, database_url: str
) -> None:
    ada = register_and_login(client, "live-ada@example.com")["accessToken"]
    bob = register_and_login(client, "live-bob@example.com", invited_by=ada)["accessToken"]
    eve = register_and_login(client, "live-eve@example.com", invited_by=ada)["accessToken"]
    ada_id = gql(client, "{ me { id } }", ada)["data"]["me"]["id"]
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {ada}"}})
        assert receive_within(ws)["type"] == "connection_ack"
        document = "subscription { notifications { kind title read } }"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document}})
        deliver(database_url)  # the welcome notifications, from before the subscription
        gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", eve, a=ada_id)
        gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", bob, a=ada_id)
        deliver(database_url)
        first, second = receive_within(ws), receive_within(ws)
        ws.send_json({"id": "1", "type": "complete"})

    assert [m["payload"]["data"]["notifications"] for m in (first, second)] == [
        {"kind": "NEW_FOLLOWER", "title": "Ada follows you", "read": False},
        {"kind": "NEW_FOLLOWER", "title": "Ada follows you", "read": False},
    ]
