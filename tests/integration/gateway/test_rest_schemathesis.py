"""Schemathesis against the OpenAPI document of a real gateway (uvicorn, PostgreSQL).

Every operation, with an athlete's token, in valid and invalid examples (a bounded number
each, so the whole run takes well under two minutes): no 500, no status, header or content
type the document does not list, and valid requests accepted — except where a rule spans
fields the schema cannot say (a strong password, since < until) or an opaque cursor, which
the check is told.
"""

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from .support import PASSWORD

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EXAMPLES = 15
# Valid by the schema, refused by a rule the schema cannot say: a strong password, since <
# until (reports, the workout calendar), resting below maximum heart rate, a club
# leaderboard's club, a club name not taken.
CROSS_FIELD_RULES = {
    "POST /api/v1/auth/register",
    "POST /api/v1/reports",
    "PATCH /api/v1/me/profile",
    "GET /api/v1/leaderboard",
    "POST /api/v1/clubs",
    "GET /api/v1/workouts/calendar",
    "PATCH /api/v1/privacy",  # a privacy zone is a home point and a radius together
    "POST /api/v1/uploads",  # any bytes fit the schema; only a FIT, TCX or GPX file is taken
}
CROSS_FIELD_PATHS = (
    "/api/v1/workouts/planned",
    *("/api/v1/products", "/api/v1/stock", "/api/v1/reservations"),
)
"""A planned workout: a library session or a file, one of them; a move needs a day. The
catalogue and stock: a SKU of the catalogue, a currency prices may be in, stock to reserve."""
CURSORS = {"after", "before"}
"""Opaque cursors the server issued: any other string is refused, as it should be."""


@pytest.fixture(scope="module")
def token(served_gateway: str) -> str:
    account = {"email": "fuzz@example.com", "password": PASSWORD, "display_name": "Fuzz"}
    httpx.post(f"{served_gateway}/api/v1/auth/register", json=account).raise_for_status()
    login = httpx.post(f"{served_gateway}/api/v1/auth/login", json=account)
    login.raise_for_status()
    return str(login.json()["access_token"])


def test_the_rest_api_keeps_to_its_openapi_document(served_gateway: str, token: str) -> None:
    schema = schemathesis.openapi.from_url(f"{served_gateway}/api/v1/openapi.json")
    schema.config.update(base_url=served_gateway)
    # PostgreSQL text cannot hold NUL: such values are refused with VALIDATION (the test at
    # the end), which the check of valid data would count as valid data refused.
    schema.config.generation.update(allow_x00=False)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        fuzz(operation, headers)


def fuzz(operation: APIOperation, headers: dict[str, str]) -> None:
    """``EXAMPLES`` valid and invalid requests of ``operation``, each validated."""
    parameters = {p.get("name") for p in operation.definition.raw.get("parameters", [])}
    by_design = (
        operation.label in CROSS_FIELD_RULES
        or operation.path.startswith(CROSS_FIELD_PATHS)
        or bool(parameters & CURSORS)
    )
    excluded = [positive_data_acceptance] if by_design else []
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def conforms(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    conforms()


def test_a_huge_stream_window_is_a_validation_error(served_gateway: str, token: str) -> None:
    response = httpx.get(
        f"{served_gateway}/api/v1/stream",
        params={"minutes": 99_999_999_999},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION"


@pytest.mark.parametrize(
    ("email", "tenant"),
    [("not-an-address", None), ("a@example.com", ""), ("b@example.com", "A B/..")],
)
def test_a_bad_registration_is_a_validation_error(
    served_gateway: str, email: str, tenant: str | None
) -> None:
    body = {"email": email, "password": PASSWORD, "display_name": "X", "tenant": tenant}
    response = httpx.post(f"{served_gateway}/api/v1/auth/register", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION"
    graphql = httpx.post(
        f"{served_gateway}/graphql",
        json={
            "query": "mutation($e: String!, $p: String!, $t: String) {"
            ' register(email: $e, password: $p, displayName: "X", tenant: $t) { id } }',
            "variables": {"e": email, "p": PASSWORD, "t": tenant},
        },
    ).json()
    assert graphql["errors"][0]["extensions"]["code"] == "VALIDATION", graphql


def test_a_method_not_allowed_lists_every_method_of_the_path(served_gateway: str) -> None:
    response = httpx.request("PATCH", f"{served_gateway}/api/v1/me/avatar")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, HEAD, PUT"
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_a_nul_character_is_a_validation_error(served_gateway: str) -> None:
    # Found by the run above: PostgreSQL text cannot hold NUL, and login answered 500.
    body = {"email": "a\u0000@example.com", "password": PASSWORD}
    response = httpx.post(f"{served_gateway}/api/v1/auth/login", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "VALIDATION"
    graphql = httpx.post(
        f"{served_gateway}/graphql",
        json={
            "query": 'mutation($e: String!) { login(email: $e, password: "x") { accessToken } }',
            "variables": {"e": "a\u0000@example.com"},
        },
    ).json()
    assert graphql["errors"][0]["extensions"]["code"] == "VALIDATION", graphql
