"""REST reads as a REST client meets them: cursor pages to the end, a session with its laps,
and ETag / If-None-Match on what did not change."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from .support import gql, register_and_login
from .test_relay import add_sessions

pytestmark = pytest.mark.integration


def test_sessions_page_to_the_end_and_a_session_reads_with_its_laps(
    client: TestClient, database_url: str
) -> None:
    token = register_and_login(client, "rest.pages@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    device = client.post("/api/v1/devices", headers=headers, json={"name": "b", "kind": "power"})
    now = datetime.now(UTC).replace(microsecond=0)
    starts = [now - timedelta(days=d) for d in (1, 2, 2, 2, 3)]
    add_sessions(database_url, device.json()["device"]["id"], starts)

    seen: list[str] = []
    url = "/api/v1/sessions?first=2"
    for _ in range(len(starts)):
        page = client.get(url, headers=headers).json()
        seen += [s["id"] for s in page["items"]]
        if not page["page_info"]["has_next"]:
            break
        url = f"/api/v1/sessions?first=2&after={page['page_info']['end_cursor']}"
    one = client.get(f"/api/v1/sessions/{seen[2]}", headers=headers)
    series = client.get(f"/api/v1/sessions/{seen[2]}/series?max_points=5", headers=headers)

    assert len(seen) == len(set(seen)) == len(starts)
    assert one.status_code == 200
    assert one.json()["id"] == seen[2]
    assert one.json()["laps"] == []
    assert series.json()["ts"] == []


def test_a_read_that_did_not_change_answers_304(client: TestClient) -> None:
    token = register_and_login(client, "rest.etag@example.com")["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}

    first = client.get("/api/v1/totals", headers=headers)
    again = client.get("/api/v1/totals", headers=headers | {"If-None-Match": first.headers["etag"]})
    gql(
        client,
        'mutation { updateProfile(changes: {displayName: "Changed"}) { displayName } }',
        token,
    )
    profile = client.get("/api/v1/me/profile", headers=headers)
    stale = client.get("/api/v1/me/profile", headers=headers | {"If-None-Match": '"old"'})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    assert profile.json()["display_name"] == "Changed"
    assert stale.status_code == 200
