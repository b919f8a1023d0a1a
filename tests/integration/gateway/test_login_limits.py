"""Failed logins are limited per account and address, per address and per account (a delay),
across every gateway process."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.platform.auth.rate_limit import ADDRESS
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from .support import PASSWORD, gql, register_and_login

pytestmark = pytest.mark.integration

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


def gateway(database_url: str, address: str) -> TestClient:
    """A gateway app on the module's database, called from ``address``."""
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    return TestClient(create_app(settings, database_url), client=(address, 50000))


@pytest.fixture
def second_process(database_url: str) -> Iterator[TestClient]:
    """Another gateway app on the same database, as a second worker process would be."""
    with gateway(database_url, "testclient") as other:
        yield other


def code(body: dict[str, object]) -> object:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    return errors[0]["extensions"]["code"]


def test_five_wrong_passwords_stop_that_address_in_every_process(
    client: TestClient, second_process: TestClient
) -> None:
    register_and_login(client, "target@example.com")
    for _ in range(5):
        wrong = gql(client, LOGIN, e="target@example.com", p="not the password")
        assert code(wrong) == "UNAUTHENTICATED"

    locked_here = gql(client, LOGIN, e="target@example.com", p=PASSWORD)
    locked_there = gql(second_process, LOGIN, e="target@example.com", p=PASSWORD)

    assert code(locked_here) == "RATE_LIMITED"
    assert code(locked_there) == "RATE_LIMITED"


def test_a_success_clears_the_failures_before_the_limit(database_url: str) -> None:
    with gateway(database_url, "198.51.100.7") as client:  # an address with no failures yet
        register_and_login(client, "forgetful@example.com")
        for _ in range(4):
            gql(client, LOGIN, e="forgetful@example.com", p="not the password")
        assert "errors" not in gql(client, LOGIN, e="forgetful@example.com", p=PASSWORD)
        for _ in range(4):
            gql(client, LOGIN, e="forgetful@example.com", p="not the password")

        assert "errors" not in gql(client, LOGIN, e="forgetful@example.com", p=PASSWORD)


def test_one_address_failing_on_many_accounts_is_stopped(database_url: str) -> None:
    with gateway(database_url, "203.0.113.9") as client:
        for i in range(ADDRESS.threshold):
            gql(client, LOGIN, e=f"guess{i}@example.com", p="password123")

        stopped = gql(client, LOGIN, e="guess99@example.com", p="password123")

    assert code(stopped) == "RATE_LIMITED"


def test_the_owner_logs_in_from_another_address_after_five_wrong_passwords(
    database_url: str,
) -> None:
    with gateway(database_url, "192.0.2.66") as attacker:
        register_and_login(attacker, "lockme@example.com")
        for _ in range(5):
            gql(attacker, LOGIN, e="lockme@example.com", p="not the password")
        refused = gql(attacker, LOGIN, e="lockme@example.com", p=PASSWORD)
    with gateway(database_url, "198.51.100.66") as owner:
        accepted = gql(owner, LOGIN, e="lockme@example.com", p=PASSWORD)

    assert code(refused) == "RATE_LIMITED"
    assert "errors" not in accepted, accepted


def test_a_refused_rest_login_says_when_to_retry(database_url: str) -> None:
    with gateway(database_url, "192.0.2.77") as client:
        register_and_login(client, "patient@example.com")
        for _ in range(5):
            client.post(
                "/api/v1/auth/login",
                json={"email": "patient@example.com", "password": "not the password"},
            )
        refused = client.post(
            "/api/v1/auth/login", json={"email": "patient@example.com", "password": PASSWORD}
        )

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
