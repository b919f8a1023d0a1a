"""Kudos and comments through the gateway: once per athlete, counted on every read, told to
the activity's athlete (and to the athletes a comment mentions), and refused — nothing
written — to a viewer who may not see the activity, with bad text, or for unknown ids."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
import pytest
from fastapi.testclient import TestClient

from fitconnect.gateway.app import create_app
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from .social_world import Person, add_session, join, ok, run_import
from .support import deliver, gql, nodes

pytestmark = pytest.mark.integration

KUDOS = "mutation($i: UUID!) { giveKudos(activityId: $i) { kudosCount kudoedByMe } }"
UNKUDOS = "mutation($i: UUID!) { takeBackKudos(activityId: $i) { kudosCount kudoedByMe } }"
COMMENT = (
    "mutation($i: UUID!, $b: String!) { addComment(activityId: $i, body: $b)"
    " { id body editedAt author { displayName } } }"
)
EDIT = "mutation($c: UUID!, $b: String!) { editComment(commentId: $c, body: $b) { body editedAt } }"
DELETE = "mutation($c: UUID!) { deleteComment(commentId: $c) }"
COMMENTS = (
    "query($i: UUID!) { comments(activityId: $i)"
    " { edges { node { body author { displayName } } } } }"
)
COUNTS = "query($i: UUID!) { activity(id: $i) { kudosCount commentCount } }"


@dataclass
class Cast:
    ann: Person  # the activity's athlete
    bob: Person  # follows Ann
    cid: Person  # same tenant, blocked by Ann
    dee: Person  # same tenant, follows nobody (mentioned)
    out: Person  # another tenant
    activity: str  # Ann's, followers only
    public: str  # Ann's, public


@pytest.fixture(scope="module")
def app_client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c


@pytest.fixture(scope="module")
def cast(app_client: TestClient, database_url: str) -> Cast:
    tag = uuid.uuid4().hex[:6]
    ann = join(app_client, f"ann.{tag}@example.com", None, name="Ann Lee")
    bob = join(app_client, f"bob.{tag}@example.com", ann.token, name="Bob")
    cid = join(app_client, f"cid.{tag}@example.com", ann.token, name="Cid")
    dee = join(app_client, f"dee.{tag}@example.com", ann.token, name="Dee Dee")
    out = join(app_client, f"out.{tag}@example.com", None, name="Out")
    for follower in (bob, cid):
        ok(
            gql(
                app_client,
                "mutation($a: UUID!) { follow(athleteId: $a) }",
                follower.token,
                a=ann.id,
            )
        )
    ok(gql(app_client, "mutation($a: UUID!) { blockAthlete(athleteId: $a) }", ann.token, a=cid.id))
    activity = add_session(database_url, ann, datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    public = add_session(database_url, ann, datetime(2026, 5, 5, 7, 0, tzinfo=UTC))
    assert run_import(database_url) >= 2
    ok(
        gql(
            app_client,
            "mutation($i: UUID!) {"
            " updateActivity(id: $i, changes: {visibility: FOLLOWERS}) { id } }",
            ann.token,
            i=activity,
        )
    )
    return Cast(ann, bob, cid, dee, out, activity, public)


def _outbox(database_url: str, account: str, kind: str) -> list[dict[str, object]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT data FROM notifications.outbox WHERE account_id = %s AND kind = %s ORDER BY id",
            (account, kind),
        ).fetchall()
    return [row[0] for row in rows]


def _written(database_url: str, activity: str) -> tuple[int, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM social.kudos WHERE activity_id = %(a)s),"
            " (SELECT count(*) FROM social.comments WHERE activity_id = %(a)s)",
            {"a": activity},
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _code(body: dict[str, object]) -> str:
    errors = body.get("errors")
    assert isinstance(errors, list), body
    return str(errors[0]["extensions"]["code"])


def test_kudos_are_once_per_athlete_counted_and_told_to_the_athlete(
    app_client: TestClient, database_url: str, cast: Cast
) -> None:
    first = ok(gql(app_client, KUDOS, cast.bob.token, i=cast.activity))["giveKudos"]
    again = ok(gql(app_client, KUDOS, cast.bob.token, i=cast.activity))["giveKudos"]
    assert first == again == {"kudosCount": 1, "kudoedByMe": True}
    seen_by_ann = ok(gql(app_client, COUNTS, cast.ann.token, i=cast.activity))["activity"]
    assert seen_by_ann["kudosCount"] == 1
    taken = ok(gql(app_client, UNKUDOS, cast.bob.token, i=cast.activity))["takeBackKudos"]
    assert taken == {"kudosCount": 0, "kudoedByMe": False}
    ok(gql(app_client, UNKUDOS, cast.bob.token, i=cast.activity))  # none left: no change
    ok(gql(app_client, KUDOS, cast.bob.token, i=cast.activity))
    # one notification for Bob's kudos, however often he gives and takes it back
    told = _outbox(database_url, cast.ann.id, "kudos")
    assert told == [{"from_name": "Bob", "activity_title": "Morning workout"}]
    deliver(database_url)
    inbox = nodes(
        ok(gql(app_client, "{ notifications { edges { node { title } } } }", cast.ann.token))[
            "notifications"
        ]
    )
    assert "Bob gave kudos" in [n["title"] for n in inbox]
    # REST says the same, and an own kudos tells nobody
    h = {"Authorization": f"Bearer {cast.ann.token}"}
    rest = app_client.put(f"/api/v1/activities/{cast.activity}/kudos", headers=h)
    assert rest.status_code == 200, rest.text
    assert (rest.json()["kudos"], rest.json()["kudoed_by_me"]) == (2, True)
    assert len(_outbox(database_url, cast.ann.id, "kudos")) == 1
    rest = app_client.delete(f"/api/v1/activities/{cast.activity}/kudos", headers=h)
    assert rest.json()["kudos"] == 1


def test_comments_are_edited_by_their_author_and_deleted_by_author_or_athlete(
    app_client: TestClient, database_url: str, cast: Cast
) -> None:
    added = ok(gql(app_client, COMMENT, cast.bob.token, i=cast.public, b="  Strong ride!  "))
    comment = added["addComment"]
    assert (comment["body"], comment["editedAt"], comment["author"]["displayName"]) == (
        "Strong ride!",
        None,
        "Bob",
    )
    assert _outbox(database_url, cast.ann.id, "comment")[-1] == {
        "from_name": "Bob",
        "activity_title": "Morning workout",
        "excerpt": "Strong ride!",
    }
    edited = ok(gql(app_client, EDIT, cast.bob.token, c=comment["id"], b="Strong ride, Ann!"))
    assert edited["editComment"]["body"] == "Strong ride, Ann!"
    assert edited["editComment"]["editedAt"] is not None
    # Ann may not edit Bob's words, but may delete them from her activity
    assert _code(gql(app_client, EDIT, cast.ann.token, c=comment["id"], b="x")) == "FORBIDDEN"
    assert _code(gql(app_client, EDIT, cast.dee.token, c=comment["id"], b="x")) == "FORBIDDEN"
    assert _code(gql(app_client, DELETE, cast.dee.token, c=comment["id"])) == "FORBIDDEN"
    listed = ok(gql(app_client, COMMENTS, cast.dee.token, i=cast.public))["comments"]
    assert [n["body"] for n in nodes(listed)] == ["Strong ride, Ann!"]
    assert (
        ok(gql(app_client, COUNTS, cast.dee.token, i=cast.public))["activity"]["commentCount"] == 1
    )
    assert ok(gql(app_client, DELETE, cast.ann.token, c=comment["id"]))["deleteComment"] is True
    assert _code(gql(app_client, DELETE, cast.ann.token, c=comment["id"])) == "NOT_FOUND"
    # the author deletes their own, by REST
    h = {"Authorization": f"Bearer {cast.dee.token}"}
    made = app_client.post(
        f"/api/v1/activities/{cast.public}/comments", headers=h, json={"body": "Nice"}
    )
    assert made.status_code == 201, made.text
    page = app_client.get(f"/api/v1/activities/{cast.public}/comments", headers=h).json()
    assert [c["body"] for c in page["items"]] == ["Nice"]
    patched = app_client.patch(
        f"/api/v1/comments/{made.json()['id']}", headers=h, json={"body": "Nicer"}
    )
    assert patched.json()["body"] == "Nicer"
    assert app_client.delete(f"/api/v1/comments/{made.json()['id']}", headers=h).status_code == 204
    assert _written(database_url, cast.public)[1] == 0


def test_a_mention_tells_the_named_athlete_who_may_see_the_activity(
    app_client: TestClient, database_url: str, cast: Cast
) -> None:
    before = len(_outbox(database_url, cast.dee.id, "mention"))
    ok(gql(app_client, COMMENT, cast.bob.token, i=cast.public, b="Chapeau @DeeDee and @nobody"))
    mentions = _outbox(database_url, cast.dee.id, "mention")
    assert len(mentions) == before + 1
    assert mentions[-1] == {"from_name": "Bob", "excerpt": "Chapeau @DeeDee and @nobody"}
    # Dee does not follow Ann: on a followers-only activity she is not told (she may not see it)
    ok(gql(app_client, COMMENT, cast.bob.token, i=cast.activity, b="@deedee look"))
    assert len(_outbox(database_url, cast.dee.id, "mention")) == before + 1
    # nor is a blocked athlete, nor someone of another tenant with a matching name
    ok(gql(app_client, COMMENT, cast.bob.token, i=cast.public, b="@Cid @Out"))
    assert _outbox(database_url, cast.cid.id, "mention") == []
    assert _outbox(database_url, cast.out.id, "mention") == []


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("cid", "public"),  # blocked by Ann: sees none of hers
        ("out", "public"),  # another tenant's activity
        ("dee", "activity"),  # followers only, and Dee does not follow
        ("bob", "unknown"),
    ],
)
def test_a_viewer_who_may_not_see_the_activity_cannot_kudo_or_comment(
    app_client: TestClient, database_url: str, cast: Cast, who: str, target: str
) -> None:
    code = "NOT_FOUND"  # as a read of the activity answers: nothing says it exists
    person: Person = getattr(cast, who)
    activity = str(uuid.uuid4()) if target == "unknown" else getattr(cast, target)
    written = _written(database_url, activity)
    told = len(_outbox(database_url, cast.ann.id, "kudos"))
    assert _code(gql(app_client, KUDOS, person.token, i=activity)) == code
    assert _code(gql(app_client, COMMENT, person.token, i=activity, b="hi")) == code
    assert _code(gql(app_client, COMMENTS, person.token, i=activity)) == code
    h = {"Authorization": f"Bearer {person.token}"}
    rest = app_client.put(f"/api/v1/activities/{activity}/kudos", headers=h)
    assert (rest.status_code, rest.json()["error"]["code"]) == (404, code)
    rest = app_client.post(
        f"/api/v1/activities/{activity}/comments", headers=h, json={"body": "hi"}
    )
    assert rest.status_code == 404
    assert _written(database_url, activity) == written
    assert len(_outbox(database_url, cast.ann.id, "kudos")) == told


@pytest.mark.parametrize("body", ["", "   ", "x" * 2001])
def test_an_empty_or_over_long_comment_is_refused_and_nothing_is_written(
    app_client: TestClient, database_url: str, cast: Cast, body: str
) -> None:
    written = _written(database_url, cast.public)
    assert _code(gql(app_client, COMMENT, cast.bob.token, i=cast.public, b=body)) == "VALIDATION"
    h = {"Authorization": f"Bearer {cast.bob.token}"}
    rest = app_client.post(
        f"/api/v1/activities/{cast.public}/comments", headers=h, json={"body": body}
    )
    assert rest.status_code == 422
    mine = ok(gql(app_client, COMMENT, cast.bob.token, i=cast.public, b="ok"))["addComment"]
    assert _code(gql(app_client, EDIT, cast.bob.token, c=mine["id"], b=body)) == "VALIDATION"
    ok(gql(app_client, DELETE, cast.bob.token, c=mine["id"]))
    assert _written(database_url, cast.public) == written


def test_a_comment_once_seen_is_no_longer_reachable_after_a_block(
    app_client: TestClient, cast: Cast
) -> None:
    mine = ok(gql(app_client, COMMENT, cast.dee.token, i=cast.public, b="before"))["addComment"]
    ok(
        gql(
            app_client,
            "mutation($a: UUID!) { blockAthlete(athleteId: $a) }",
            cast.ann.token,
            a=cast.dee.id,
        )
    )
    try:
        assert _code(gql(app_client, EDIT, cast.dee.token, c=mine["id"], b="after")) == "NOT_FOUND"
        # Ann, who blocked Dee, no longer sees Dee's words; Bob still does
        for person, shown in ((cast.ann, False), (cast.bob, True)):
            listed = nodes(ok(gql(app_client, COMMENTS, person.token, i=cast.public))["comments"])
            assert ("before" in [n["body"] for n in listed]) is shown
    finally:
        ok(
            gql(
                app_client,
                "mutation($a: UUID!) { unblockAthlete(athleteId: $a) }",
                cast.ann.token,
                a=cast.dee.id,
            )
        )
