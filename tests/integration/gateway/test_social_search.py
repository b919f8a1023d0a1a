"""The search box through the gateway: words, prefixes and typos find athletes, clubs and
activities, best first, and never anything the searcher may not see (a private or
followers-only activity, another tenant's, a blocker's); bad input is refused."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from .social_world import Person, add_session, join, ok, run_import
from .support import gql, nodes

pytestmark = pytest.mark.integration

SEARCH = (
    "query($q: String!, $k: [SearchKind!], $a: String) {"
    " search(query: $q, kinds: $k, first: 10, after: $a) { edges { cursor node { kind title } }"
    " pageInfo { hasNextPage } } }"
)


@dataclass
class Cast:
    ann: Person
    bob: Person  # follows Ann
    cid: Person  # blocked by Ann
    dee: Person  # follows nobody
    out: Person  # another tenant


@pytest.fixture(scope="module")
def app_client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c


def _retitle(client: TestClient, who: Person, activity: str, title: str, vis: str) -> None:
    ok(
        gql(
            client,
            "mutation($i: UUID!, $t: String!, $v: ActivityVisibility!) {"
            " updateActivity(id: $i, changes: {title: $t, visibility: $v}) { id } }",
            who.token,
            i=activity,
            t=title,
            v=vis,
        )
    )


@pytest.fixture(scope="module")
def cast(app_client: TestClient, database_url: str) -> Cast:
    tag = uuid.uuid4().hex[:6]
    ann = join(app_client, f"ann.s{tag}@example.com", None, name="Annabel Quist")
    bob = join(app_client, f"bob.s{tag}@example.com", ann.token, name="Bob")
    cid = join(app_client, f"cid.s{tag}@example.com", ann.token, name="Cid")
    dee = join(app_client, f"dee.s{tag}@example.com", ann.token, name="Dee")
    out = join(app_client, f"out.s{tag}@example.com", None, name="Annabel Other")
    ok(gql(app_client, "mutation($a: UUID!) { follow(athleteId: $a) }", bob.token, a=ann.id))
    ok(gql(app_client, "mutation($a: UUID!) { blockAthlete(athleteId: $a) }", ann.token, a=cid.id))
    ids = [
        add_session(database_url, ann, datetime(2026, 6, day, 7, 0, tzinfo=UTC))
        for day in (1, 2, 3)
    ]
    assert run_import(database_url) >= 3
    _retitle(app_client, ann, ids[0], "Hill repeats in the rain", "PUBLIC")
    _retitle(app_client, ann, ids[1], "Hill tempo for followers", "FOLLOWERS")
    _retitle(app_client, ann, ids[2], "Hill secret solo", "ONLY_ME")
    ok(gql(app_client, 'mutation { createClub(name: "Hill Runners") { id } }', ann.token))
    ok(gql(app_client, 'mutation { createClub(name: "Hill Runners") { id } }', out.token))
    return Cast(ann, bob, cid, dee, out)


def _titles(client: TestClient, who: Person, query: str, kinds: list[str] | None = None) -> list:
    found = ok(gql(client, SEARCH, who.token, q=query, k=kinds))["search"]
    return [(n["kind"], n["title"]) for n in nodes(found)]


def test_words_find_activities_and_clubs_the_searcher_may_see(
    app_client: TestClient, cast: Cast
) -> None:
    assert _titles(app_client, cast.dee, "hill repeats") == [
        ("ACTIVITY", "Hill repeats in the rain")
    ]
    dee = _titles(app_client, cast.dee, "hill", ["ACTIVITY", "CLUB"])
    assert set(dee) == {("ACTIVITY", "Hill repeats in the rain"), ("CLUB", "Hill Runners")}
    bob = _titles(app_client, cast.bob, "hill", ["ACTIVITY"])
    assert set(bob) == {
        ("ACTIVITY", "Hill repeats in the rain"),
        ("ACTIVITY", "Hill tempo for followers"),
    }
    ann = _titles(app_client, cast.ann, "hill", ["ACTIVITY"])
    assert ("ACTIVITY", "Hill secret solo") in ann  # her own, only her
    assert _titles(app_client, cast.bob, "secret solo") == []
    assert _titles(app_client, cast.cid, "hill", ["ACTIVITY"]) == []  # Ann blocked Cid


def test_typos_and_prefixes_find_names(app_client: TestClient, cast: Cast) -> None:
    assert _titles(app_client, cast.dee, "runers", ["CLUB"]) == [("CLUB", "Hill Runners")]
    assert ("ATHLETE", "Annabel Quist") in _titles(app_client, cast.dee, "annab", ["ATHLETE"])
    assert ("ATHLETE", "Annabel Quist") in _titles(app_client, cast.dee, "Anabel", ["ATHLETE"])
    assert ("ATHLETE", "Annabel Quist") not in _titles(app_client, cast.cid, "annabel")


def test_another_tenants_things_are_never_found(app_client: TestClient, cast: Cast) -> None:
    assert _titles(app_client, cast.out, "hill", ["ACTIVITY"]) == []
    assert _titles(app_client, cast.out, "runners", ["CLUB"]) == [("CLUB", "Hill Runners")]
    assert ("ATHLETE", "Annabel Quist") not in _titles(app_client, cast.out, "annabel")
    h = {"Authorization": f"Bearer {cast.out.token}"}
    rest = app_client.get("/api/v1/search", params={"query": "hill repeats"}, headers=h)
    assert rest.status_code == 200
    assert rest.json()["items"] == []


def test_pages_follow_their_cursor(app_client: TestClient, cast: Cast) -> None:
    h = {"Authorization": f"Bearer {cast.bob.token}"}
    first = app_client.get("/api/v1/search", params={"query": "hill", "first": 1}, headers=h)
    body = first.json()
    assert (len(body["items"]), body["page_info"]["has_next"]) == (1, True)
    rest = app_client.get(
        "/api/v1/search",
        params={"query": "hill", "first": 10, "after": body["page_info"]["end_cursor"]},
        headers=h,
    ).json()
    assert body["items"][0] not in rest["items"]
    assert len(rest["items"]) == 2  # the other activity and the club


@pytest.mark.parametrize(("query", "after"), [("", None), ("   ", None), ("x" * 201, None)])
def test_a_bad_search_is_a_validation_error(
    app_client: TestClient, cast: Cast, query: str, after: str | None
) -> None:
    body = gql(app_client, SEARCH, cast.bob.token, q=query, a=after)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
    h = {"Authorization": f"Bearer {cast.bob.token}"}
    assert app_client.get("/api/v1/search", params={"query": query}, headers=h).status_code == 422


def test_a_tampered_cursor_is_a_validation_error(app_client: TestClient, cast: Cast) -> None:
    for cursor in ("not-a-cursor", "czk5OTk5"):
        body = gql(app_client, SEARCH, cast.bob.token, q="hill", a=cursor)
        assert body["errors"][0]["extensions"]["code"] == "VALIDATION"
