"""Tenants have an owner; joining one takes its owner's invitation; deletion acts at once."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import (
    PASSWORD,
    gql,
    invitation,
    register_and_login,
    register_coach,
    run_worker_once,
)

pytestmark = pytest.mark.integration

REGISTER = (
    "mutation($e: String!, $t: String, $i: String, $r: Role! = ATHLETE) {"
    ' register(email: $e, password: "correct horse battery", displayName: "Newcomer",'
    " tenant: $t, invitation: $i, role: $r) { id tenantId role } }"
)
ME = "{ me { id tenantId role } }"


def code(body: Any) -> str:
    assert "errors" in body, body
    return str(body["errors"][0]["extensions"]["code"])


def test_registering_with_an_existing_tenants_name_needs_an_invitation(
    client: TestClient,
) -> None:
    founded = gql(client, REGISTER, e="founder@example.com", t="riverside")
    assert "errors" not in founded, founded

    intruder = gql(client, REGISTER, e="intruder@example.com", t="riverside")
    login = gql(
        client,
        'mutation { login(email: "intruder@example.com", password: "correct horse battery")'
        " { accessToken } }",
    )

    assert code(intruder) == "INVITATION_REQUIRED"
    assert code(login) == "UNAUTHENTICATED"  # no account was made


@pytest.mark.parametrize("name", ["", "A B/..", "-lead", "x" * 64])
def test_a_tenant_name_is_validated(client: TestClient, name: str) -> None:
    assert code(gql(client, REGISTER, e=f"n{len(name)}{name[:1]}@example.com", t=name)) == (
        "VALIDATION"
    )


def test_without_an_invitation_an_account_is_alone_in_its_own_tenant(client: TestClient) -> None:
    ann = register_and_login(client, "alone.ann@example.com")["accessToken"]
    coach = register_coach(client, "self.declared@example.com")
    ann_me = gql(client, ME, ann)["data"]["me"]
    coach_me = gql(client, ME, coach)["data"]["me"]

    follow = gql(client, "mutation($a: UUID!) { follow(athleteId: $a) }", coach, a=ann_me["id"])
    invite = gql(
        client, 'mutation { inviteAthlete(email: "alone.ann@example.com") { status } }', coach
    )
    board = gql(client, "{ leaderboard { athlete { id } } }", coach)
    owners = gql(client, "{ tenant { ownerId } }", ann)["data"]["tenant"]["ownerId"]

    assert ann_me["tenantId"] != coach_me["tenantId"]
    assert owners == ann_me["id"]
    assert code(follow) == "NOT_FOUND"
    assert code(invite) == "NOT_FOUND"
    assert board["data"]["leaderboard"] == []


def test_an_invitation_lets_one_person_in_with_the_role_the_owner_chose(
    client: TestClient,
) -> None:
    owner = register_and_login(client, "club.owner@example.com")["accessToken"]
    tenant = gql(client, ME, owner)["data"]["me"]["tenantId"]
    token = invitation(client, owner, "ATHLETE")

    joined = gql(client, REGISTER, e="member@example.com", i=token, r="COACH")
    again = gql(client, REGISTER, e="second@example.com", i=token)
    forged = gql(client, REGISTER, e="forger@example.com", i="not-a-token")

    assert joined["data"]["register"]["tenantId"] == tenant
    assert joined["data"]["register"]["role"] == "ATHLETE"  # the invitation's, not self-declared
    assert code(again) == "INVALID_INVITATION"  # used once
    assert code(forged) == "INVALID_INVITATION"


def test_an_invitation_bound_to_an_email_admits_only_that_address(client: TestClient) -> None:
    owner = register_and_login(client, "bound.owner@example.com")["accessToken"]
    made = gql(
        client,
        'mutation { createInvitation(role: COACH, email: "Coach.Kim@example.com")'
        " { token invitation { id role email usedAt } } }",
        owner,
    )["data"]["createInvitation"]

    wrong = gql(client, REGISTER, e="someone.else@example.com", i=made["token"])
    right = gql(client, REGISTER, e="coach.kim@example.com", i=made["token"])
    listed = gql(client, "{ invitations { id usedAt } }", owner)["data"]["invitations"]

    assert code(wrong) == "INVALID_INVITATION"
    assert right["data"]["register"]["role"] == "COACH"
    assert [i["id"] for i in listed] == [made["invitation"]["id"]]
    assert listed[0]["usedAt"] is not None


def test_only_the_owner_invites_and_a_revoked_invitation_admits_nobody(
    client: TestClient,
) -> None:
    owner = register_and_login(client, "strict.owner@example.com")["accessToken"]
    member = register_and_login(client, "plain.member@example.com", owner)["accessToken"]
    made = gql(client, "mutation { createInvitation { token invitation { id } } }", owner)
    made = made["data"]["createInvitation"]

    by_member = gql(client, "mutation { createInvitation { token } }", member)
    listing = gql(client, "{ invitations { id } }", member)
    revoked = gql(
        client,
        "mutation($i: UUID!) { revokeInvitation(invitationId: $i) }",
        owner,
        i=made["invitation"]["id"],
    )
    late = gql(client, REGISTER, e="too.late@example.com", i=made["token"])

    assert code(by_member) == "FORBIDDEN"
    assert code(listing) == "FORBIDDEN"
    assert revoked["data"]["revokeInvitation"] is True
    assert code(late) == "INVALID_INVITATION"


def test_a_deleted_accounts_token_gets_nothing_at_once(client: TestClient) -> None:
    token = register_and_login(client, "leaving@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    me = gql(client, ME, token)["data"]["me"]["id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    upload = client.put(
        "/api/v1/me/avatar", content=png, headers=headers | {"Content-Type": "image/png"}
    )
    assert upload.status_code == 200, upload.text

    wrong = gql(client, 'mutation { deleteAccount(password: "not it at all") }', token)
    deleted = gql(
        client, "mutation($p: String!) { deleteAccount(password: $p) }", token, p=PASSWORD
    )
    device = gql(
        client, 'mutation { registerDevice(name: "x", kind: HEART_RATE) { mqttPassword } }', token
    )
    rest = client.post("/api/v1/devices", json={"name": "x", "kind": "hr"}, headers=headers)
    avatar = client.get(f"/api/v1/avatars/{me}")
    again = register_and_login(client, "leaving@example.com")  # the address is free again

    assert code(wrong) == "UNAUTHENTICATED"
    assert deleted["data"]["deleteAccount"] is True
    assert code(device) == "UNAUTHENTICATED"
    assert rest.status_code == 401
    assert avatar.status_code == 404
    assert "accessToken" in again


def test_deleting_a_tenant_ends_every_members_access(client: TestClient) -> None:
    owner = register_and_login(client, "closing.owner@example.com")["accessToken"]
    member = register_and_login(client, "closing.member@example.com", owner)["accessToken"]

    leaving_owner = gql(
        client, "mutation($p: String!) { deleteAccount(password: $p) }", owner, p=PASSWORD
    )
    by_member = gql(
        client, "mutation($p: String!) { deleteTenant(password: $p) }", member, p=PASSWORD
    )
    closed = gql(client, "mutation($p: String!) { deleteTenant(password: $p) }", owner, p=PASSWORD)

    assert code(leaving_owner) == "VALIDATION"  # others are in it: delete the tenant instead
    assert code(by_member) == "FORBIDDEN"
    assert closed["data"]["deleteTenant"] is True
    assert code(gql(client, ME, member)) == "UNAUTHENTICATED"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {owner}"}).status_code == 401


def test_a_weak_password_is_refused_with_its_own_code(client: TestClient) -> None:
    for weak in ("aaaaaaaaaa", " " * 10, "password123"):
        body = gql(
            client,
            'mutation($p: String!) { register(email: "weak@example.com", password: $p,'
            ' displayName: "Weak") { id } }',
            p=weak,
        )
        assert code(body) == "WEAK_PASSWORD", weak
    rest = client.post(
        "/api/v1/auth/register",
        json={"email": "weak@example.com", "password": "aaaaaaaaaa", "display_name": "Weak"},
    )
    assert rest.status_code == 422
    assert rest.json()["error"]["code"] == "WEAK_PASSWORD"


def test_an_open_websocket_is_refused_its_next_operation_once_the_account_is_deleted(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "socket.user@example.com")["accessToken"]
    job = gql(
        client,
        'mutation { requestReport(kind: POWER_CURVE, since: "2026-01-01", until: "2026-02-01")'
        " { id } }",
        token,
    )["data"]["requestReport"]["id"]
    assert run_worker_once(database_url)
    ready = "subscription($id: UUID!) { reportReady(id: $id) { status } }"
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": ready, "variables": {"id": job}}}
        )
        first = ws.receive_json()
        gql(client, "mutation($p: String!) { deleteAccount(password: $p) }", token, p=PASSWORD)
        ws.send_json(
            {"id": "2", "type": "subscribe", "payload": {"query": ready, "variables": {"id": job}}}
        )
        second = ws.receive_json()
        while second.get("id") != "2":  # the end of the first subscription may come first
            second = ws.receive_json()

    assert first["type"] == "next"
    assert first["payload"]["data"]["reportReady"]["status"] == "DONE"
    assert "UNAUTHENTICATED" in str(second), second


def test_a_coach_reads_nothing_more_of_a_deleted_athlete(client: TestClient) -> None:
    owner = register_and_login(client, "gym.owner@example.com")["accessToken"]
    athlete = register_and_login(client, "gone.athlete@example.com", owner)["accessToken"]
    athlete_id = gql(client, ME, athlete)["data"]["me"]["id"]
    coach = register_coach(client, "stays.coach@example.com", invited_by=owner)
    coach_id = gql(client, ME, coach)["data"]["me"]["id"]
    gql(client, 'mutation { inviteAthlete(email: "gone.athlete@example.com") { status } }', coach)
    gql(
        client,
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        athlete,
        c=coach_id,
    )
    read = "query($a: UUID) { totals(athleteId: $a) { samples } }"
    before = gql(client, read, coach, a=athlete_id)

    gql(client, "mutation($p: String!) { deleteAccount(password: $p) }", athlete, p=PASSWORD)
    after = gql(client, read, coach, a=athlete_id)
    links = gql(client, "{ coaching { status } }", coach)["data"]["coaching"]

    assert before["data"]["totals"]["samples"] == 0
    assert code(after) == "FORBIDDEN"
    assert links == [{"status": "revoked"}]
