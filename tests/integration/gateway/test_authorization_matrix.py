"""Who may do what: every GraphQL root field and every REST route, as each kind of caller.

The rows are checked against the schema and the OpenAPI document: a field or a route without
a row here fails ``test_every_field_and_route_has_a_row``, so a new one is never left out.
The target is always the athlete's (``A``): their data, devices, club, report, coaches.
Queries share one world; each mutation row gets a world of its own (mutations change it).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import strawberry
from fastapi.testclient import TestClient
from strawberry.relay import GlobalID

from fitconnect.gateway.app import create_app
from fitconnect.gateway.graphql.schema import Mutation, Query, Subscription
from fitconnect.schemas import TelemetryBatch, encode
from fitconnect.settings import Settings
from tests.keys import SECRET_KEY

from ..ingest.support import Publisher
from .support import PASSWORD, deliver, gql, invitation, nodes, run_worker_once

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ATHLETE = "athlete"
LINKED = "linked_coach"
PENDING = "pending_coach"
REVOKED = "revoked_coach"
UNLINKED = "unlinked_coach"
SAME_TENANT = "same_tenant_athlete"
OTHER_TENANT = "other_tenant"
DELETED = "deleted_account"
ANONYMOUS = "anonymous"
ROLES = (ATHLETE, LINKED, PENDING, REVOKED, UNLINKED, SAME_TENANT, OTHER_TENANT, DELETED, ANONYMOUS)
SIGNED_IN = ROLES[:-2]
TENANT_T = (ATHLETE, LINKED, PENDING, REVOKED, UNLINKED, SAME_TENANT)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GPX = (
    b'<?xml version="1.0"?><gpx version="1.1" creator="matrix"><trk><trkseg>'
    b'<trkpt lat="46.0" lon="14.5"><time>2026-01-05T10:00:00Z</time></trkpt>'
    b"</trkseg></trk></gpx>"
)

OK = "OK"
UNAUTH = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
HTTP = {OK: (200, 201, 202, 204), UNAUTH: (401,), FORBIDDEN: (403,), NOT_FOUND: (404,)}


def expect(default: str, **by_role: str) -> dict[str, str]:
    """``default`` for the signed-in roles, UNAUTHENTICATED for the deleted and anonymous."""
    table = dict.fromkeys(SIGNED_IN, default) | {DELETED: UNAUTH, ANONYMOUS: UNAUTH}
    return table | by_role


OWN = expect(OK)  # the caller's own data: every account has its own
READ_A = expect(FORBIDDEN, athlete=OK, linked_coach=OK)  # A's data, by athleteId
A_ONLY = expect(NOT_FOUND, athlete=OK)  # A's things by id: nobody else's to see
A_AND_COACH = expect(NOT_FOUND, athlete=OK, linked_coach=OK)  # A's plan by id: A and A's coach
# A owns tenant T; the other tenant's athlete owns theirs (and acts on it, not on T)
OWNERS = expect(FORBIDDEN, athlete=OK, other_tenant=OK)
ANYONE = dict.fromkeys(ROLES, OK)
# T's catalogue: anyone of T reads and reserves; another tenant knows none of its SKUs
SHOP = expect(OK, other_tenant="UNKNOWN_SKU")
SHOP_ADMIN = expect(FORBIDDEN, athlete=OK, other_tenant="UNKNOWN_SKU")


@dataclass
class World:
    """Accounts of every role around athlete A, and A's things."""

    prefix: str
    tokens: dict[str, str | None] = field(default_factory=dict)
    refresh: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    things: dict[str, str] = field(default_factory=dict)

    def email(self, role: str) -> str:
        return f"{self.prefix}.{role}@example.com"


def _join(client: TestClient, world: World, role: str, kind: str, owner: str | None) -> None:
    token = invitation(client, owner, kind) if owner else None
    body = gql(
        client,
        "mutation($e: String!, $p: String!, $r: Role!, $i: String) { register(email: $e,"
        ' password: $p, displayName: "Someone", role: $r, invitation: $i) { id } }',
        e=world.email(role),
        p=PASSWORD,
        r=kind,
        i=token,
    )
    assert "errors" not in body, body
    login = gql(
        client,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p)"
        " { accessToken refreshToken } }",
        e=world.email(role),
        p=PASSWORD,
    )["data"]["login"]
    world.tokens[role], world.refresh[role] = login["accessToken"], login["refreshToken"]
    world.ids[role] = body["data"]["register"]["id"]


def build_world(client: TestClient, database_url: str) -> World:
    world = World(prefix=uuid.uuid4().hex[:8])
    _join(client, world, ATHLETE, "ATHLETE", None)
    a = world.tokens[ATHLETE]
    assert a is not None
    for role in (LINKED, PENDING, REVOKED, UNLINKED, DELETED):
        _join(client, world, role, "COACH", a)
    _join(client, world, SAME_TENANT, "ATHLETE", a)
    _join(client, world, OTHER_TENANT, "ATHLETE", None)
    world.tokens[ANONYMOUS] = None
    for coach in (LINKED, PENDING, REVOKED):
        gql(
            client,
            "mutation($e: String!) { inviteAthlete(email: $e) { status } }",
            world.tokens[coach],
            e=world.email(ATHLETE),
        )
    accept = "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }"
    for coach in (LINKED, REVOKED):
        gql(client, accept, a, c=world.ids[coach])
    gql(
        client,
        "mutation($c: UUID!) { revokeCoach(coachId: $c) { status } }",
        a,
        c=world.ids[REVOKED],
    )
    gql(
        client,
        "mutation($p: String!) { deleteAccount(password: $p) }",
        world.tokens[DELETED],
        p=PASSWORD,
    )
    device = gql(
        client, 'mutation { registerDevice(name: "a", kind: HEART_RATE) { device { id } } }', a
    )
    world.things["device"] = device["data"]["registerDevice"]["device"]["id"]
    world.things["topic"] = f"fc/v1/{_tenant(client, a)}/{world.things['device']}/telemetry"
    club = gql(client, "mutation($n: String!) { createClub(name: $n) { id } }", a, n=world.prefix)
    world.things["club"] = club["data"]["createClub"]["id"]
    job = gql(
        client,
        'mutation { requestReport(kind: POWER_CURVE, since: "2026-01-01", until: "2026-02-01")'
        " { id } }",
        a,
    )
    world.things["report"] = job["data"]["requestReport"]["id"]
    today = date.today().isoformat()  # noqa: DTZ011 - the server's calendar day
    plan = (
        f'mutation($a: UUID) {{ planWorkout(day: "{today}", athleteId: $a,'
        ' libraryKey: "vo2max_5x3") { id } }'
    )
    for key, planner in (("plan", a), ("plan2", world.tokens[LINKED])):
        planned = gql(client, plan, planner, a=world.ids[ATHLETE])
        world.things[key] = planned["data"]["planWorkout"]["id"]
    made = gql(client, "mutation { createInvitation { invitation { id } } }", a)
    world.things["invitation"] = made["data"]["createInvitation"]["invitation"]["id"]
    deliver(database_url)  # A's welcome notification reaches the inbox
    inbox = nodes(
        gql(client, "{ notifications { edges { node { id } } } }", a)["data"]["notifications"]
    )
    world.things["notification"] = str(inbox[0]["id"])
    response = client.put(
        "/api/v1/me/avatar",
        content=PNG,
        headers={"Authorization": f"Bearer {a}", "Content-Type": "image/png"},
    )
    assert response.status_code == 200, response.text
    uploaded = client.post(
        "/api/v1/uploads",
        files={"file": ("a.gpx", GPX)},
        headers={"Authorization": f"Bearer {a}"},
    )
    assert uploaded.status_code == 202, uploaded.text
    world.things["upload"] = uploaded.json()["id"]
    _stock_a_shop(client, world, a)
    return world


def _stock_a_shop(client: TestClient, world: World, a: str) -> None:
    """A (T's owner) sells a strap: 100 at a warehouse, one reserved by A."""
    sku = f"MX-{world.prefix}"
    made = gql(
        client,
        'mutation($s: String!) { createProduct(name: "Strap",'
        ' variants: [{sku: $s, priceMinor: 100, currency: "EUR"}]) { id } }',
        a,
        s=sku,
    )
    assert "errors" not in made, made
    place = gql(
        client,
        "mutation($n: String!) { createStockLocation(name: $n, kind: WAREHOUSE) { id } }",
        a,
        n=world.prefix,
    )["data"]["createStockLocation"]["id"]
    gql(
        client,
        "mutation($s: String!, $l: UUID!) { adjustStock(sku: $s, locationId: $l, delta: 100,"
        ' reason: "delivery") { stocked } }',
        a,
        s=sku,
        l=place,
    )
    held = gql(
        client,
        "mutation($s: String!, $l: UUID!) { reserveStock(lines: [{sku: $s, locationId: $l,"
        " quantity: 1}]) { id } }",
        a,
        s=sku,
        l=place,
    )
    world.things |= {
        "sku": sku,
        "location": place,
        "reservation": held["data"]["reserveStock"]["id"],
    }


def _line(w: World) -> dict[str, Any]:
    return {"sku": w.things["sku"], "location_id": w.things["location"], "quantity": 1}


def _tenant(client: TestClient, token: str) -> str:
    return str(gql(client, "{ me { tenantId } }", token)["data"]["me"]["tenantId"])


Variables = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    document: str
    expected: dict[str, str]
    variables: Variables = lambda _w, _r: {}
    upload: bool = False
    """Sent as a GraphQL multipart request with a GPX file as its variable ``f``."""


def send_row(client: TestClient, row: Row, token: str | None, variables: dict[str, Any]) -> Any:
    if not row.upload:
        return gql(client, row.document, token, **variables)
    operations = {"query": row.document, "variables": variables | {"f": None}}
    response = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": ("a.gpx", GPX)},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code == 200, response.text
    return response.json()


def _a(w: World, _r: str) -> dict[str, Any]:
    return {"a": w.ids[ATHLETE]}


def _plan(w: World, role: str = ATHLETE) -> dict[str, Any]:
    """A's planned workout; the linked coach acts on the one the coach planned for A (one
    removal must not leave the other caller nothing to remove)."""
    return {"i": w.things["plan2" if role == LINKED else "plan"]}


QUERIES: dict[str, Row] = {
    "me": Row("{ me { id } }", OWN),
    "profile": Row("{ profile { displayName } }", OWN),
    "devices": Row(
        "query($a: UUID) { devices(athleteId: $a) { edges { node { id } } } }", READ_A, _a
    ),
    "notifications": Row("{ notifications { edges { node { id } } } }", OWN),
    # anyone signed in may ask; a node the caller may not read is null (checked below)
    "node": Row(
        "query($n: ID!) { node(id: $n) { id } }",
        OWN,
        lambda w, _r: {"n": w.things["notification"]},
    ),
    "stream": Row("query($a: UUID) { stream(athleteId: $a) { ts } }", READ_A, _a),
    "series": Row("query($a: UUID) { series(athleteId: $a) { ts } }", READ_A, _a),
    "sessions": Row(
        "query($a: UUID) { sessions(athleteId: $a) { edges { node { tss } } } }", READ_A, _a
    ),
    "session": Row(
        "query($a: UUID, $d: UUID!) { session(athleteId: $a, deviceId: $d,"
        ' start: "2026-01-05T10:00:00Z") { tss } }',
        # allowed readers pass authorization and find no such session
        expect(FORBIDDEN, athlete=NOT_FOUND, linked_coach=NOT_FOUND),
        lambda w, _r: {"a": w.ids[ATHLETE], "d": w.things["device"]},
    ),
    "fitness": Row("query($a: UUID) { fitness(athleteId: $a) { tss } }", READ_A, _a),
    "totals": Row("query($a: UUID) { totals(athleteId: $a) { samples } }", READ_A, _a),
    "weeklyVolume": Row("query($a: UUID) { weeklyVolume(athleteId: $a) { tss } }", READ_A, _a),
    "records": Row("query($a: UUID) { records(athleteId: $a) { value } }", READ_A, _a),
    "ftpEstimate": Row(
        "query($a: UUID) { ftpEstimate(athleteId: $a) { ftpEstimateW } }", READ_A, _a
    ),
    "report": Row(
        "query($id: UUID!) { report(id: $id) { status } }",
        A_ONLY,
        lambda w, _r: {"id": w.things["report"]},
    ),
    "progress": Row("query($a: UUID) { progress(athleteId: $a) { xp } }", READ_A, _a),
    "badges": Row("query($a: UUID) { badges(athleteId: $a) { id } }", READ_A, _a),
    "leaderboard": Row(
        "query($c: UUID) { leaderboard(circle: CLUB, clubId: $c) { rank } }",
        expect(FORBIDDEN, athlete=OK),  # only the club's members (A) see its board
        lambda w, _r: {"c": w.things["club"]},
    ),
    "clubs": Row("{ clubs { id } }", OWN),
    "following": Row("{ following { edges { node { id } } } }", OWN),
    "followers": Row("{ followers { edges { node { id } } } }", OWN),
    "coaching": Row("{ coaching { status } }", OWN),
    # an activity nobody may see is not found (the visibility matrix has the rest)
    "activity": Row(
        "query($i: UUID!) { activity(id: $i) { id } }",
        expect(NOT_FOUND),
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    # A's activities each caller may see: an empty page for those who may see none
    "activities": Row(
        "query($a: UUID) { activities(athleteId: $a) { edges { node { id } } } }", OWN, _a
    ),
    "feed": Row("{ feed { edges { node { id } } } }", OWN),
    "search": Row('{ search(query: "ride") { edges { node { id } } } }', OWN),
    "comments": Row(
        "query($i: UUID!) { comments(activityId: $i) { edges { node { id } } } }",
        expect(NOT_FOUND),  # no such activity: nobody's to see
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    "privacy": Row("{ privacy { visibility } }", OWN),
    "blockedAthletes": Row("{ blockedAthletes { id } }", OWN),
    "followRequests": Row("{ followRequests { id } }", OWN),
    "tenant": Row("{ tenant { id } }", OWN),
    "invitations": Row("{ invitations { id } }", OWNERS),
    "workoutCalendar": Row(
        'query($a: UUID) { workoutCalendar(since: "2026-01-01", until: "2026-12-31",'
        " athleteId: $a) { id } }",
        READ_A,
        _a,
    ),
    "plannedWorkout": Row(
        "query($i: UUID!) { plannedWorkout(id: $i) { id } }", A_AND_COACH, lambda w, _r: _plan(w)
    ),
    "exportWorkout": Row(
        "query($i: UUID!) { exportWorkout(id: $i, format: ZWO) { content } }",
        A_AND_COACH,
        lambda w, _r: _plan(w),
    ),
    "workoutLibrary": Row("{ workoutLibrary { key } }", OWN),
    "fitnessProjection": Row(
        "query($a: UUID) { fitnessProjection(athleteId: $a) { ctl } }", READ_A, _a
    ),
    "upload": Row(
        "query($id: UUID!) { upload(id: $id) { status } }",
        A_ONLY,
        lambda w, _r: {"id": w.things["upload"]},
    ),
    "products": Row("{ products { edges { node { id } } } }", OWN),
    "stockLocations": Row("{ stockLocations { id } }", OWN),
    "inventoryState": Row(
        "query($s: String!) { inventoryState(skus: [$s]) { available } }",
        SHOP,
        lambda w, _r: {"s": w.things["sku"]},
    ),
    "stockAdjustments": Row(
        "query($s: String!) { stockAdjustments(sku: $s) { delta } }",
        SHOP_ADMIN,
        lambda w, _r: {"s": w.things["sku"]},
    ),
    "reservation": Row(
        "query($i: UUID!) { reservation(id: $i) { status } }",
        A_ONLY,
        lambda w, _r: {"i": w.things["reservation"]},
    ),
}

MUTATIONS: dict[str, Row] = {
    "register": Row(
        'mutation($e: String!) { register(email: $e, password: "correct horse battery",'
        ' displayName: "New") { id } }',
        ANYONE,
        lambda w, r: {"e": f"{w.prefix}.new.{r}@example.com"},
    ),
    "login": Row(
        'mutation($e: String!) { login(email: $e, password: "correct horse battery")'
        " { accessToken } }",
        ANYONE,
        lambda w, _r: {"e": w.email(ATHLETE)},
    ),
    "refresh": Row(
        "mutation($t: String!) { refresh(refreshToken: $t) { accessToken } }",
        expect(OK),  # the caller's own refresh token; a deleted account's tokens were revoked
        lambda w, r: {"t": w.refresh.get(r, "not-a-token")},
    ),
    "logout": Row(
        "mutation($t: String!) { logout(refreshToken: $t) }",
        ANYONE,
        lambda w, r: {"t": w.refresh.get(r, "not-a-token")},
    ),
    "deleteAccount": Row(
        'mutation { deleteAccount(password: "correct horse battery") }',
        expect(OK, athlete="VALIDATION"),  # A owns a tenant others are in
    ),
    "registerDevice": Row(
        'mutation { registerDevice(name: "d", kind: HEART_RATE) { mqttUsername } }', OWN
    ),
    "revokeDevice": Row(
        "mutation($d: UUID!) { revokeDevice(deviceId: $d) }",
        A_ONLY,
        lambda w, _r: {"d": w.things["device"]},
    ),
    "updateProfile": Row(
        'mutation { updateProfile(changes: {displayName: "Changed"}) { displayName } }', OWN
    ),
    "inviteAthlete": Row(
        "mutation($e: String!) { inviteAthlete(email: $e) { status } }",
        # coaches of A's tenant may ask; athletes are no coaches; elsewhere A is not found
        expect(FORBIDDEN, linked_coach=OK, pending_coach=OK, revoked_coach=OK, unlinked_coach=OK),
        lambda w, _r: {"e": w.email(ATHLETE)},
    ),
    "respondToCoach": Row(
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        A_ONLY,  # only A was invited by that coach
        lambda w, _r: {"c": w.ids[PENDING]},
    ),
    "revokeCoach": Row(
        "mutation($c: UUID!) { revokeCoach(coachId: $c) { status } }",
        A_ONLY,
        lambda w, _r: {"c": w.ids[LINKED]},
    ),
    "requestReport": Row(
        'mutation($a: UUID) { requestReport(kind: POWER_CURVE, since: "2026-01-01",'
        ' until: "2026-02-01", athleteId: $a) { id } }',
        READ_A,
        _a,
    ),
    "follow": Row(
        "mutation($a: UUID!) { follow(athleteId: $a) }",
        # A's tenant only, and not oneself
        expect(OK, athlete=NOT_FOUND, other_tenant=NOT_FOUND),
        _a,
    ),
    "unfollow": Row("mutation($a: UUID!) { unfollow(athleteId: $a) }", OWN, _a),
    "updateActivity": Row(
        'mutation($i: UUID!) { updateActivity(id: $i, changes: {title: "x"}) { id } }',
        expect(NOT_FOUND),
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    **{
        name: Row(
            f"mutation($i: UUID!) {{ {name}(activityId: $i) {{ id }} }}",
            expect(NOT_FOUND),  # no such activity
            lambda _w, _r: {"i": str(uuid.uuid4())},
        )
        for name in ("giveKudos", "takeBackKudos")
    },
    "addComment": Row(
        'mutation($i: UUID!) { addComment(activityId: $i, body: "x") { id } }',
        expect(NOT_FOUND),
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    "editComment": Row(
        'mutation($i: UUID!) { editComment(commentId: $i, body: "x") { id } }',
        expect(NOT_FOUND),  # no such comment
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    "deleteComment": Row(
        "mutation($i: UUID!) { deleteComment(commentId: $i) }",
        expect(NOT_FOUND),
        lambda _w, _r: {"i": str(uuid.uuid4())},
    ),
    "updatePrivacy": Row(
        "mutation { updatePrivacy(changes: {hideHeartRate: true}) { hideHeartRate } }", OWN
    ),
    "blockAthlete": Row(
        "mutation($a: UUID!) { blockAthlete(athleteId: $a) }",
        expect(OK, athlete=NOT_FOUND, other_tenant=NOT_FOUND),  # A's tenant, not oneself
        _a,
    ),
    "unblockAthlete": Row("mutation($a: UUID!) { unblockAthlete(athleteId: $a) }", OWN, _a),
    "answerFollowRequest": Row(
        "mutation($a: UUID!) { answerFollowRequest(athleteId: $a, approve: true) }",
        expect(NOT_FOUND),  # A asked nobody
        _a,
    ),
    "createClub": Row(
        "mutation($n: String!) { createClub(name: $n) { id } }",
        OWN,
        lambda w, r: {"n": f"{w.prefix} {r}"},
    ),
    "joinClub": Row(
        "mutation($c: UUID!) { joinClub(clubId: $c) { id } }",
        expect(OK, other_tenant=NOT_FOUND),
        lambda w, _r: {"c": w.things["club"]},
    ),
    "leaveClub": Row(
        "mutation($c: UUID!) { leaveClub(clubId: $c) }", OWN, lambda w, _r: {"c": w.things["club"]}
    ),
    "markNotificationRead": Row(
        "mutation($n: ID!) { markNotificationRead(notificationId: $n) }",
        OWN,  # answers false for anyone but A (checked below: nothing of A's changes)
        lambda w, _r: {"n": w.things["notification"]},
    ),
    "createInvitation": Row("mutation { createInvitation { token } }", OWNERS),
    "revokeInvitation": Row(
        "mutation($i: UUID!) { revokeInvitation(invitationId: $i) }",
        # another tenant's owner finds no such invitation in their tenant
        expect(FORBIDDEN, athlete=OK, other_tenant="INVALID_INVITATION"),
        lambda w, _r: {"i": w.things["invitation"]},
    ),
    "deleteTenant": Row('mutation { deleteTenant(password: "correct horse battery") }', OWNERS),
    "planWorkout": Row(
        'mutation($a: UUID) { planWorkout(day: "2026-12-01", athleteId: $a,'
        ' libraryKey: "endurance_60") { id } }',
        READ_A,
        _a,
    ),
    "moveWorkout": Row(
        'mutation($i: UUID!) { moveWorkout(id: $i, day: "2026-12-02") { id } }',
        A_AND_COACH,
        _plan,
    ),
    "skipWorkout": Row("mutation($i: UUID!) { skipWorkout(id: $i) { id } }", A_AND_COACH, _plan),
    "unplanWorkout": Row("mutation($i: UUID!) { unplanWorkout(id: $i) }", A_AND_COACH, _plan),
    "uploadActivity": Row(
        "mutation($f: Upload!) { uploadActivity(file: $f) { status } }", OWN, upload=True
    ),
    "createProduct": Row(
        'mutation($s: String!) { createProduct(name: "P", variants: [{sku: $s,'
        ' priceMinor: 1, currency: "EUR"}]) { id } }',
        OWNERS,
        lambda w, r: {"s": f"{w.prefix}-{r}"},
    ),
    "createStockLocation": Row(
        "mutation($n: String!) { createStockLocation(name: $n, kind: STORE) { id } }",
        OWNERS,
        lambda w, r: {"n": f"{w.prefix} {r}"},
    ),
    "adjustStock": Row(
        "mutation($s: String!, $l: UUID!) { adjustStock(sku: $s, locationId: $l, delta: 1,"
        ' reason: "found") { stocked } }',
        SHOP_ADMIN,
        lambda w, _r: {"s": w.things["sku"], "l": w.things["location"]},
    ),
    "reserveStock": Row(
        "mutation($s: String!, $l: UUID!) { reserveStock(lines: [{sku: $s, locationId: $l,"
        " quantity: 1}]) { id } }",
        SHOP,
        lambda w, _r: {"s": w.things["sku"], "l": w.things["location"]},
    ),
    "releaseReservation": Row(
        "mutation($i: UUID!) { releaseReservation(id: $i) { status } }",
        A_ONLY,
        lambda w, _r: {"i": w.things["reservation"]},
    ),
}

SUBSCRIPTIONS: dict[str, Row] = {
    "notifications": Row(
        'subscription { notifications(since: "2000-01-01T00:00:00Z") { title } }', OWN
    ),
    "live": Row("subscription($a: UUID) { live(athleteId: $a) { heartRateBpm } }", READ_A, _a),
    "reportReady": Row(
        "subscription($id: UUID!) { reportReady(id: $id) { status } }",
        A_ONLY,
        lambda w, _r: {"id": w.things["report"]},
    ),
}


@dataclass(frozen=True)
class Route:
    expected: dict[str, str]
    call: Callable[[TestClient, World, str, dict[str, str]], Any]


def _headers(w: World, role: str) -> dict[str, str]:
    token = w.tokens.get(role)
    return {"Authorization": f"Bearer {token}"} if token else {}


ROUTES: dict[str, Route] = {
    "POST /api/v1/auth/register": Route(
        ANYONE,
        lambda c, w, r, h: c.post(
            "/api/v1/auth/register",
            headers=h,
            json={
                "email": f"{w.prefix}.rest.{r}@example.com",
                "password": PASSWORD,
                "display_name": "New",
            },
        ),
    ),
    "POST /api/v1/auth/login": Route(
        ANYONE,
        lambda c, w, _r, h: c.post(
            "/api/v1/auth/login", headers=h, json={"email": w.email(ATHLETE), "password": PASSWORD}
        ),
    ),
    "POST /api/v1/auth/refresh": Route(
        expect(OK),
        lambda c, w, r, _h: c.post(
            "/api/v1/auth/refresh", json={"refresh_token": w.refresh.get(r, "not-a-token")}
        ),
    ),
    "POST /api/v1/auth/logout": Route(
        ANYONE,
        lambda c, w, r, _h: c.post(
            "/api/v1/auth/logout", json={"refresh_token": w.refresh.get(r, "not-a-token")}
        ),
    ),
    "GET /api/v1/me": Route(OWN, lambda c, _w, _r, h: c.get("/api/v1/me", headers=h)),
    "GET /api/v1/devices": Route(
        READ_A, lambda c, w, _r, h: c.get(f"/api/v1/devices?athlete_id={w.ids[ATHLETE]}", headers=h)
    ),
    "POST /api/v1/devices": Route(
        OWN,
        lambda c, _w, _r, h: c.post("/api/v1/devices", headers=h, json={"name": "d", "kind": "hr"}),
    ),
    "DELETE /api/v1/devices/{device_id}": Route(
        A_ONLY, lambda c, w, _r, h: c.delete(f"/api/v1/devices/{w.things['device']}", headers=h)
    ),
    "GET /api/v1/notifications": Route(
        OWN, lambda c, _w, _r, h: c.get("/api/v1/notifications", headers=h)
    ),
    "GET /api/v1/stream": Route(OWN, lambda c, _w, _r, h: c.get("/api/v1/stream", headers=h)),
    "POST /api/v1/reports": Route(
        READ_A,
        lambda c, w, _r, h: c.post(
            "/api/v1/reports",
            headers=h,
            json={
                "kind": "power_curve",
                "since": "2026-01-01",
                "until": "2026-02-01",
                "athlete_id": w.ids[ATHLETE],
            },
        ),
    ),
    "POST /api/v1/uploads": Route(
        OWN,
        lambda c, _w, _r, h: c.post("/api/v1/uploads", files={"file": ("a.gpx", GPX)}, headers=h),
    ),
    "GET /api/v1/uploads/{upload_id}": Route(
        A_ONLY, lambda c, w, _r, h: c.get(f"/api/v1/uploads/{w.things['upload']}", headers=h)
    ),
    "GET /api/v1/reports/{report_id}": Route(
        A_ONLY, lambda c, w, _r, h: c.get(f"/api/v1/reports/{w.things['report']}", headers=h)
    ),
    "PUT /api/v1/me/avatar": Route(
        OWN,
        lambda c, _w, _r, h: c.put(
            "/api/v1/me/avatar", content=PNG, headers=h | {"Content-Type": "image/png"}
        ),
    ),
    "GET /api/v1/me/avatar": Route(
        expect(NOT_FOUND, athlete=OK),  # only A has one
        lambda c, _w, _r, h: c.get("/api/v1/me/avatar", headers=h),
    ),
    "DELETE /api/v1/me/avatar": Route(
        OWN, lambda c, _w, _r, h: c.delete("/api/v1/me/avatar", headers=h)
    ),
    "GET /api/v1/avatars/{account_id}": Route(
        ANYONE,  # avatars are public: image tags send no token
        lambda c, w, _r, _h: c.get(f"/api/v1/avatars/{w.ids[ATHLETE]}"),
    ),
    "GET /api/v1/me/profile": Route(
        OWN, lambda c, _w, _r, h: c.get("/api/v1/me/profile", headers=h)
    ),
    "PATCH /api/v1/me/profile": Route(
        OWN,
        lambda c, _w, _r, h: c.patch("/api/v1/me/profile", headers=h, json={"display_name": "C"}),
    ),
    "POST /api/v1/notifications/{notification_id}/read": Route(
        OWN,  # false for anyone but A
        lambda c, w, _r, h: c.post(
            f"/api/v1/notifications/{GlobalID.from_id(w.things['notification']).node_id}/read",
            headers=h,
        ),
    ),
    **{
        f"GET /api/v1/{path}": Route(
            READ_A,
            lambda c, w, _r, h, path=path: c.get(
                f"/api/v1/{path}?athlete_id={w.ids[ATHLETE]}", headers=h
            ),
        )
        for path in (
            *("series", "sessions", "totals", "fitness", "weekly-volume", "records"),
            "ftp-estimate",
            *("progress", "badges"),
        )
    },
    **{
        f"GET /api/v1/sessions/{{session_id}}{tail}": Route(
            expect(NOT_FOUND),  # nobody's: no such session
            lambda c, _w, _r, h, tail=tail: c.get(
                f"/api/v1/sessions/{uuid.uuid4()}{tail}", headers=h
            ),
        )
        for tail in ("", "/series")
    },
    "GET /api/v1/leaderboard": Route(
        expect(FORBIDDEN, athlete=OK),  # only the club's members (A) see its board
        lambda c, w, _r, h: c.get(
            f"/api/v1/leaderboard?circle=club&club_id={w.things['club']}", headers=h
        ),
    ),
    **{
        f"GET /api/v1/{path}": Route(
            OWN, lambda c, _w, _r, h, path=path: c.get(f"/api/v1/{path}", headers=h)
        )
        for path in ("following", "followers", "clubs", "coaching", "tenant")
    },
    **{
        f"GET /api/v1/{path}": Route(
            OWN, lambda c, _w, _r, h, path=path: c.get(f"/api/v1/{path}", headers=h)
        )
        for path in ("feed", "privacy", "blocks", "follow-requests")
    },
    "GET /api/v1/activities/{activity_id}": Route(
        expect(NOT_FOUND),
        lambda c, _w, _r, h: c.get(f"/api/v1/activities/{uuid.uuid4()}", headers=h),
    ),
    "PATCH /api/v1/activities/{activity_id}": Route(
        expect(NOT_FOUND),
        lambda c, _w, _r, h: c.patch(
            f"/api/v1/activities/{uuid.uuid4()}", headers=h, json={"title": "x"}
        ),
    ),
    **{
        f"{method} /api/v1/activities/{{activity_id}}/kudos": Route(
            expect(NOT_FOUND),  # no such activity
            lambda c, _w, _r, h, method=method: c.request(
                method, f"/api/v1/activities/{uuid.uuid4()}/kudos", headers=h
            ),
        )
        for method in ("PUT", "DELETE")
    },
    "GET /api/v1/activities/{activity_id}/comments": Route(
        expect(NOT_FOUND),
        lambda c, _w, _r, h: c.get(f"/api/v1/activities/{uuid.uuid4()}/comments", headers=h),
    ),
    "POST /api/v1/activities/{activity_id}/comments": Route(
        expect(NOT_FOUND),
        lambda c, _w, _r, h: c.post(
            f"/api/v1/activities/{uuid.uuid4()}/comments", headers=h, json={"body": "x"}
        ),
    ),
    "PATCH /api/v1/comments/{comment_id}": Route(
        expect(NOT_FOUND),  # no such comment
        lambda c, _w, _r, h: c.patch(
            f"/api/v1/comments/{uuid.uuid4()}", headers=h, json={"body": "x"}
        ),
    ),
    "DELETE /api/v1/comments/{comment_id}": Route(
        expect(NOT_FOUND),
        lambda c, _w, _r, h: c.delete(f"/api/v1/comments/{uuid.uuid4()}", headers=h),
    ),
    "GET /api/v1/search": Route(
        OWN, lambda c, _w, _r, h: c.get("/api/v1/search?query=ride", headers=h)
    ),
    "GET /api/v1/athletes/{athlete_id}/activities": Route(
        OWN, lambda c, w, _r, h: c.get(f"/api/v1/athletes/{w.ids[ATHLETE]}/activities", headers=h)
    ),
    "PATCH /api/v1/privacy": Route(
        OWN, lambda c, _w, _r, h: c.patch("/api/v1/privacy", headers=h, json={"hide_power": True})
    ),
    "PUT /api/v1/blocks/{athlete_id}": Route(
        expect(OK, athlete=NOT_FOUND, other_tenant=NOT_FOUND),
        lambda c, w, _r, h: c.put(f"/api/v1/blocks/{w.ids[ATHLETE]}", headers=h),
    ),
    "DELETE /api/v1/blocks/{athlete_id}": Route(
        OWN, lambda c, w, _r, h: c.delete(f"/api/v1/blocks/{w.ids[ATHLETE]}", headers=h)
    ),
    **{
        f"{method} /api/v1/follow-requests/{{athlete_id}}": Route(
            expect(NOT_FOUND),  # A asked nobody
            lambda c, w, _r, h, method=method: c.request(
                method, f"/api/v1/follow-requests/{w.ids[ATHLETE]}", headers=h
            ),
        )
        for method in ("PUT", "DELETE")
    },
    "GET /api/v1/tenant/invitations": Route(
        OWNERS, lambda c, _w, _r, h: c.get("/api/v1/tenant/invitations", headers=h)
    ),
    "PUT /api/v1/following/{athlete_id}": Route(
        expect(OK, athlete=NOT_FOUND, other_tenant=NOT_FOUND),  # A's tenant only, not oneself
        lambda c, w, _r, h: c.put(f"/api/v1/following/{w.ids[ATHLETE]}", headers=h),
    ),
    "DELETE /api/v1/following/{athlete_id}": Route(
        OWN, lambda c, w, _r, h: c.delete(f"/api/v1/following/{w.ids[ATHLETE]}", headers=h)
    ),
    "POST /api/v1/clubs": Route(
        OWN,
        lambda c, w, r, h: c.post("/api/v1/clubs", headers=h, json={"name": f"{w.prefix} {r}"}),
    ),
    "PUT /api/v1/clubs/{club_id}/membership": Route(
        expect(OK, other_tenant=NOT_FOUND),
        lambda c, w, _r, h: c.put(f"/api/v1/clubs/{w.things['club']}/membership", headers=h),
    ),
    "DELETE /api/v1/clubs/{club_id}/membership": Route(
        OWN,
        lambda c, w, _r, h: c.delete(f"/api/v1/clubs/{w.things['club']}/membership", headers=h),
    ),
    "GET /api/v1/clubs/{club_id}/members": Route(
        expect(FORBIDDEN, athlete=OK, other_tenant=NOT_FOUND),  # members only, of its tenant
        lambda c, w, _r, h: c.get(f"/api/v1/clubs/{w.things['club']}/members", headers=h),
    ),
    "POST /api/v1/coaching/invitations": Route(
        # coaches of A's tenant may ask; athletes are no coaches
        expect(FORBIDDEN, linked_coach=OK, pending_coach=OK, revoked_coach=OK, unlinked_coach=OK),
        lambda c, w, _r, h: c.post(
            "/api/v1/coaching/invitations", headers=h, json={"email": w.email(ATHLETE)}
        ),
    ),
    "PUT /api/v1/coaching/{coach_id}": Route(
        A_ONLY,  # only A was invited by that coach
        lambda c, w, _r, h: c.put(
            f"/api/v1/coaching/{w.ids[PENDING]}", headers=h, json={"accept": True}
        ),
    ),
    "DELETE /api/v1/coaching/{coach_id}": Route(
        A_ONLY, lambda c, w, _r, h: c.delete(f"/api/v1/coaching/{w.ids[LINKED]}", headers=h)
    ),
    "POST /api/v1/tenant/invitations": Route(
        OWNERS, lambda c, _w, _r, h: c.post("/api/v1/tenant/invitations", headers=h, json={})
    ),
    "DELETE /api/v1/tenant/invitations/{invitation_id}": Route(
        expect(FORBIDDEN, athlete=OK),  # another tenant's owner: not an invitation of theirs
        lambda c, w, _r, h: c.delete(
            f"/api/v1/tenant/invitations/{w.things['invitation']}", headers=h
        ),
    ),
    "POST /api/v1/tenant/deletion": Route(
        OWNERS,
        lambda c, _w, _r, h: c.post(
            "/api/v1/tenant/deletion", headers=h, json={"password": PASSWORD}
        ),
    ),
    "GET /api/v1/workouts/calendar": Route(
        READ_A,
        lambda c, w, _r, h: c.get(
            "/api/v1/workouts/calendar?since=2026-01-01&until=2026-12-31"
            f"&athlete_id={w.ids[ATHLETE]}",
            headers=h,
        ),
    ),
    "GET /api/v1/workouts/projection": Route(
        READ_A,
        lambda c, w, _r, h: c.get(
            f"/api/v1/workouts/projection?athlete_id={w.ids[ATHLETE]}", headers=h
        ),
    ),
    "GET /api/v1/workouts/library": Route(
        OWN, lambda c, _w, _r, h: c.get("/api/v1/workouts/library", headers=h)
    ),
    "POST /api/v1/workouts/planned": Route(
        READ_A,
        lambda c, w, _r, h: c.post(
            "/api/v1/workouts/planned",
            headers=h,
            json={"day": "2026-12-01", "athlete_id": w.ids[ATHLETE], "library_key": "tabata_8x20"},
        ),
    ),
    "GET /api/v1/workouts/planned/{plan_id}": Route(
        A_AND_COACH,
        lambda c, w, r, h: c.get(f"/api/v1/workouts/planned/{_plan(w, r)['i']}", headers=h),
    ),
    "GET /api/v1/workouts/planned/{plan_id}/file": Route(
        A_AND_COACH,
        lambda c, w, r, h: c.get(
            f"/api/v1/workouts/planned/{_plan(w, r)['i']}/file?format=fit", headers=h
        ),
    ),
    "PATCH /api/v1/workouts/planned/{plan_id}": Route(
        A_AND_COACH,
        lambda c, w, r, h: c.patch(
            f"/api/v1/workouts/planned/{_plan(w, r)['i']}", headers=h, json={"skipped": True}
        ),
    ),
    "DELETE /api/v1/workouts/planned/{plan_id}": Route(
        A_AND_COACH,
        lambda c, w, r, h: c.delete(f"/api/v1/workouts/planned/{_plan(w, r)['i']}", headers=h),
    ),
    "GET /api/v1/products": Route(OWN, lambda c, _w, _r, h: c.get("/api/v1/products", headers=h)),
    "POST /api/v1/products": Route(
        OWNERS,
        lambda c, w, r, h: c.post(
            "/api/v1/products",
            headers=h,
            json={
                "name": "P",
                "variants": [{"sku": f"{w.prefix}-r-{r}", "price_minor": 1, "currency": "EUR"}],
            },
        ),
    ),
    "GET /api/v1/stock/locations": Route(
        OWN, lambda c, _w, _r, h: c.get("/api/v1/stock/locations", headers=h)
    ),
    "POST /api/v1/stock/locations": Route(
        OWNERS,
        lambda c, w, r, h: c.post(
            "/api/v1/stock/locations", headers=h, json={"name": f"{w.prefix} {r}", "kind": "store"}
        ),
    ),
    "GET /api/v1/stock": Route(
        expect(OK, other_tenant="HTTP 422"),
        lambda c, w, _r, h: c.get(f"/api/v1/stock?sku={w.things['sku']}", headers=h),
    ),
    "GET /api/v1/stock/adjustments": Route(
        expect(FORBIDDEN, athlete=OK, other_tenant="HTTP 422"),
        lambda c, w, _r, h: c.get(f"/api/v1/stock/adjustments?sku={w.things['sku']}", headers=h),
    ),
    "POST /api/v1/stock/adjustments": Route(
        expect(FORBIDDEN, athlete=OK, other_tenant="HTTP 422"),
        lambda c, w, _r, h: c.post(
            "/api/v1/stock/adjustments",
            headers=h,
            json={
                "sku": w.things["sku"],
                "location_id": w.things["location"],
                "delta": 1,
                "reason": "found",
            },
        ),
    ),
    "POST /api/v1/reservations": Route(
        expect(OK, other_tenant="HTTP 422"),
        lambda c, w, _r, h: c.post("/api/v1/reservations", headers=h, json={"lines": [_line(w)]}),
    ),
    "GET /api/v1/reservations/{reservation_id}": Route(
        A_ONLY,
        lambda c, w, _r, h: c.get(f"/api/v1/reservations/{w.things['reservation']}", headers=h),
    ),
    "DELETE /api/v1/reservations/{reservation_id}": Route(
        A_ONLY,
        lambda c, w, _r, h: c.delete(f"/api/v1/reservations/{w.things['reservation']}", headers=h),
    ),
    "POST /api/v1/me/deletion": Route(
        expect(OK, athlete="HTTP 422"),  # A owns a tenant others are in
        lambda c, _w, _r, h: c.post("/api/v1/me/deletion", headers=h, json={"password": PASSWORD}),
    ),
}
READ_ROUTES = {k for k in ROUTES if k.startswith("GET ")}
# Not the API's: the GraphQL endpoint (its fields are the rows above) and operations' routes.
NOT_API = {"GET /graphql", "POST /graphql", "GET /healthz", "GET /readyz", "GET /metrics"}


def _order(expected: dict[str, str]) -> list[str]:
    """Refused roles first, then allowed ones, A last: a success changes the world."""
    return sorted(ROLES, key=lambda r: (expected[r] == OK, r == ATHLETE))


def _outcome(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    if errors:
        return str(errors[0].get("extensions", {}).get("code", errors[0].get("message")))
    return OK


def _http_outcome(status: int) -> str:
    for outcome, statuses in HTTP.items():
        if status in statuses:
            return outcome
    return f"HTTP {status}"


@pytest.fixture(scope="module")
def app_client(database_url: str, mqtt_url: str) -> Iterator[TestClient]:
    settings = Settings(environment="test", secret_key=SECRET_KEY)  # type: ignore[arg-type]
    with TestClient(create_app(settings, database_url, mqtt_url)) as c:
        yield c


@pytest.fixture(scope="module")
def world(app_client: TestClient, database_url: str) -> World:
    return build_world(app_client, database_url)


def test_every_field_and_route_has_a_row(app_client: TestClient) -> None:
    schema = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)._schema
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    assert schema.subscription_type is not None
    assert set(schema.query_type.fields) == set(QUERIES)
    assert set(schema.mutation_type.fields) == set(MUTATIONS)
    assert set(schema.subscription_type.fields) == set(SUBSCRIPTIONS)
    paths = app_client.get("/api/v1/openapi.json").json()["paths"]
    routes = {f"{m.upper()} {p}" for p, ops in paths.items() for m in ops} - NOT_API
    assert routes == set(ROUTES)
    for table in (
        *QUERIES.values(),
        *MUTATIONS.values(),
        *SUBSCRIPTIONS.values(),
        *ROUTES.values(),
    ):
        assert set(table.expected) == set(ROLES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query(app_client: TestClient, world: World, name: str) -> None:
    row = QUERIES[name]
    bodies = {
        role: gql(app_client, row.document, world.tokens[role], **row.variables(world, role))
        for role in ROLES
    }
    assert {role: _outcome(body) for role, body in bodies.items()} == row.expected
    readers = {ATHLETE, LINKED} if row.expected is READ_A else {ATHLETE}
    for role, body in bodies.items():  # nothing of A's reaches anyone else
        if role not in readers:
            assert not _things_of_a(world) & set(_strings(body)), (role, body)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation(app_client: TestClient, database_url: str, name: str) -> None:
    row = MUTATIONS[name]
    fresh = build_world(app_client, database_url)
    bodies = {
        role: send_row(app_client, row, fresh.tokens[role], row.variables(fresh, role))
        for role in _order(row.expected)
    }
    assert {role: _outcome(body) for role, body in bodies.items()} == row.expected
    if name == "markNotificationRead":  # only A marks A's notification read
        marked = {role: (b.get("data") or {}).get(name) for role, b in bodies.items()}
        assert marked == dict.fromkeys(SIGNED_IN, False) | {
            ATHLETE: True,
            DELETED: None,
            ANONYMOUS: None,
        }


def _things_of_a(world: World) -> set[str]:
    return {world.things[k] for k in ("device", "report", "invitation", "club", "upload")}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route(app_client: TestClient, world: World, database_url: str, name: str) -> None:
    route = ROUTES[name]
    w = world if name in READ_ROUTES else build_world(app_client, database_url)
    got = {
        role: _http_outcome(route.call(app_client, w, role, _headers(w, role)).status_code)
        for role in _order(route.expected)
    }
    assert got == route.expected


@pytest.mark.parametrize("name", sorted(SUBSCRIPTIONS))
def test_subscription(
    app_client: TestClient, world: World, database_url: str, mqtt_url: str, name: str
) -> None:
    row = SUBSCRIPTIONS[name]
    if name == "reportReady":
        while run_worker_once(database_url):
            pass
    stop = threading.Event()
    feeder = threading.Thread(target=_feed, args=(mqtt_url, world, stop), daemon=True)
    feeder.start()
    try:
        got = {role: _first_message(app_client, world, row, role) for role in ROLES}
    finally:
        stop.set()
        feeder.join(10)
    assert got == row.expected


def _first_message(client: TestClient, world: World, row: Row, role: str) -> str:
    token = world.tokens[role]
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        init = {"Authorization": f"Bearer {token}"} if token else {}
        ws.send_json({"type": "connection_init", "payload": init})
        assert ws.receive_json()["type"] == "connection_ack"
        payload = {"query": row.document, "variables": row.variables(world, role)}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        message = ws.receive_json()
        ws.send_json({"id": "1", "type": "complete"})
    body = message.get("payload")
    if message["type"] == "error" and isinstance(body, list):
        body = {"errors": body}
    return _outcome(body if isinstance(body, dict) else {"errors": [{"message": str(message)}]})


def _feed(mqtt_url: str, world: World, stop: threading.Event) -> None:
    """A's device sends a batch ten times a second, so an allowed live viewer gets one."""
    publisher = Publisher(mqtt_url)
    try:
        for seq in range(600):
            now_ms = int(time.time() * 1000)
            batch = TelemetryBatch(
                device_id=world.things["device"],
                seq=seq,
                ts_ms=[now_ms],
                metrics={"heart_rate_bpm": [140.0]},
            )
            publisher.send(world.things["topic"], encode(batch))
            if stop.wait(0.1):
                return
    finally:
        publisher.close()
