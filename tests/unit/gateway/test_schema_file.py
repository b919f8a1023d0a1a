"""The checked-in ``schema.graphql`` is the schema the code serves."""

from pathlib import Path

from fitconnect.gateway.graphql.schema import sdl

SCHEMA_FILE = Path(__file__).parents[3] / "schema.graphql"


def test_the_checked_in_schema_is_the_served_one() -> None:
    served = sdl() + "\n"

    assert SCHEMA_FILE.read_text() == served, (
        "schema.graphql differs from the code: run `fitconnect gateway --print-schema >"
        " schema.graphql` and list any breaking change in docs/api-changelog.md"
    )
