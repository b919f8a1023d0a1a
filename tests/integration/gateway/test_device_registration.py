"""Registering a device over REST answers what ``registerDevice`` answers: the credentials
and the broker's host and port the device connects to."""

from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from .support import gql, register_and_login

pytestmark = pytest.mark.integration

REGISTER = (
    'mutation { registerDevice(name: "strap", kind: HEART_RATE)'
    " { mqttUsername mqttPassword mqttHost mqttPort device { telemetryTopic } } }"
)


def test_rest_and_graphql_registration_say_where_the_broker_is(
    client: TestClient, mqtt_url: str
) -> None:
    access = register_and_login(client, "where@example.com")["accessToken"]
    broker = urlsplit(mqtt_url)
    graphql = gql(client, REGISTER, access)["data"]["registerDevice"]
    rest = client.post(
        "/api/v1/devices",
        json={"name": "meter", "kind": "power"},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert rest.status_code == 201, rest.text
    made = rest.json()
    assert (made["mqtt_host"], made["mqtt_port"]) == (broker.hostname, broker.port or 1883)
    assert (graphql["mqttHost"], graphql["mqttPort"]) == (made["mqtt_host"], made["mqtt_port"])
    assert made["mqtt_username"] != graphql["mqttUsername"]
    assert made["mqtt_password"]
    assert made["device"]["telemetry_topic"].endswith(f"/{made['device']['id']}/telemetry")
