"""Uploading TCX and GPX files (real ones from public test suites, tests/data/files/README.md),
duplicates, the GraphQL multipart mutation, and every bad file: a clear error, nothing stored,
and the worker goes on."""

import gzip
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from fitconnect.platform.uploads.files import MAX_UPLOAD_BYTES

from .support import FILES, accepted, athlete, drain, send, status

pytestmark = pytest.mark.integration

SHARED_FIT = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "fit"
SMALL_FIT = SHARED_FIT / "fitparse__sample-activity-indoor-trainer.fit"
TCX = FILES / "tcxreader__sup_activity_1.tcx"
GPX = FILES / "gpxpy__cerknicko-jezero.gpx"
ROUTE = FILES / "gpxpy__route.gpx"


def count(database_url: str, sql: str, *params: object) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])  # type: ignore[call-overload]


def stored_for(database_url: str, upload: dict[str, Any]) -> tuple[int, int]:
    """(samples, positions) of the device the upload's samples were stored under."""
    return (
        count(
            database_url,
            "SELECT count(*) FROM telemetry.samples WHERE device_id = (SELECT device_id"
            " FROM uploads.uploads WHERE id = %s)",
            upload["id"],
        ),
        count(
            database_url,
            "SELECT count(*) FROM telemetry.positions WHERE device_id = (SELECT device_id"
            " FROM uploads.uploads WHERE id = %s)",
            upload["id"],
        ),
    )


def test_a_tcx_file_is_stored_with_its_heart_rate_and_track(
    client: TestClient, database_url: str
) -> None:
    token = athlete(client, "tcx")
    upload = accepted(client, token, TCX)
    assert (upload["file_format"], upload["status"]) == ("tcx", "processing")
    drain(database_url)
    done = status(client, token, upload["id"])
    assert done["status"] == "ready", done
    assert done["samples"] == 111  # the file's track points
    assert stored_for(database_url, upload) == (111, 111)
    assert len(done["session_ids"]) == 1
    hr = count(
        database_url,
        "SELECT max_heart_rate_bpm FROM analytics.sessions WHERE id = %s",
        done["session_ids"][0],
    )
    assert hr == 106  # the highest of the track points' <HeartRateBpm> (the laps say 108)


def test_a_gzip_gpx_track_keeps_its_positions_and_elevation(
    client: TestClient, database_url: str
) -> None:
    token = athlete(client, "gpx")
    upload = accepted(client, token, GPX, compress=True)
    assert (upload["file_format"], upload["compressed"]) == ("gpx", True)
    drain(database_url)
    done = status(client, token, upload["id"])
    assert done["status"] == "ready", done
    points = GPX.read_text().count("<trkpt")
    assert stored_for(database_url, upload) == (points, points)
    with psycopg.connect(database_url) as conn:
        first = conn.execute(
            "SELECT p.latitude_deg, p.longitude_deg, s.altitude_m FROM telemetry.positions p"
            " JOIN telemetry.samples s USING (device_id, ts)"
            " WHERE p.device_id = (SELECT device_id FROM uploads.uploads WHERE id = %s)"
            " ORDER BY ts LIMIT 1",
            (upload["id"],),
        ).fetchone()
    assert first == (
        pytest.approx(45.772175035),
        pytest.approx(14.357659249),
        pytest.approx(542.320923),
    )


def test_the_same_file_again_or_the_same_external_id_is_a_duplicate(
    client: TestClient, database_url: str
) -> None:
    token = athlete(client, "dup")
    first = accepted(client, token, SMALL_FIT, external_id="garmin-123")
    again = accepted(client, token, SMALL_FIT, compress=True)  # same content, gzip
    assert (again["status"], again["duplicate_of"]) == ("duplicate", first["id"])
    other = accepted(client, token, TCX, external_id="garmin-123")  # same external id
    assert (other["status"], other["duplicate_of"]) == ("duplicate", first["id"])
    assert drain(database_url) == 1  # only the first is read
    assert status(client, token, again["id"])["status"] == "duplicate"
    assert (
        count(
            database_url,
            "SELECT count(*) FROM devices.devices WHERE athlete_id ="
            " (SELECT athlete_id FROM uploads.uploads WHERE id = %s)",
            first["id"],
        )
        == 1
    )
    # Another athlete's upload of the same file is theirs, not a duplicate.
    theirs = accepted(client, athlete(client, "dup2"), SMALL_FIT, external_id="garmin-123")
    assert theirs["status"] == "processing"
    drain(database_url)


def _bad(client: TestClient, token: str, data: bytes, name: str) -> Any:
    response = send(client, token, data, name)
    assert response.status_code == 202, response.text
    return response.json()


def test_unreadable_files_end_in_error_with_nothing_stored_and_the_worker_goes_on(
    client: TestClient, database_url: str
) -> None:
    token = athlete(client, "bad")
    fit = SMALL_FIT.read_bytes()
    truncated = _bad(client, token, fit[: len(fit) // 2], "cut.fit")
    corrupt = _bad(client, token, fit[:14] + bytes(200) + fit[214:], "corrupt.fit")
    route = _bad(client, token, ROUTE.read_bytes(), ROUTE.name)  # a route: no timed points
    no_points = _bad(
        client, token, b'<?xml version="1.0"?><gpx version="1.1" creator="x"></gpx>', "empty.gpx"
    )
    dtd = _bad(
        client,
        token,
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">]><gpx>&a;</gpx>',
        "entities.gpx",
    )
    good = accepted(client, token, TCX)
    assert drain(database_url) == 6
    codes = {
        name: (
            status(client, token, u["id"])["status"],
            status(client, token, u["id"])["error_code"],
        )
        for name, u in {
            "truncated": truncated,
            "corrupt": corrupt,
            "route": route,
            "no_points": no_points,
            "dtd": dtd,
        }.items()
    }
    assert codes == {
        "truncated": ("error", "CORRUPT_FILE"),
        "corrupt": ("error", "CORRUPT_FILE"),
        "route": ("error", "NO_POINTS"),
        "no_points": ("error", "NO_POINTS"),
        "dtd": ("error", "CORRUPT_FILE"),
    }
    assert all(status(client, token, u["id"])["error_message"] for u in (truncated, route))
    assert status(client, token, good["id"])["status"] == "ready"
    assert (
        count(
            database_url,
            "SELECT count(*) FROM devices.devices WHERE athlete_id = (SELECT athlete_id"
            " FROM uploads.uploads WHERE id = %s)",
            good["id"],
        )
        == 1
    )  # only the good file's
    assert (
        count(database_url, "SELECT count(*) FROM uploads.uploads WHERE content IS NOT NULL") == 0
    )  # the files are dropped once read


def test_refused_at_once_what_is_too_large_a_bomb_or_no_activity_file(
    client: TestClient,
) -> None:
    token = athlete(client, "refused")
    big = send(client, token, bytes(MAX_UPLOAD_BYTES + 1), "big.fit")
    assert (big.status_code, big.json()["error"]["code"]) == (413, "TOO_LARGE")
    bomb = gzip.compress(b"<gpx>" + b" " * (201 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024
    refused = send(client, token, bomb, "bomb.gpx.gz")
    assert (refused.status_code, refused.json()["error"]["code"]) == (413, "TOO_LARGE")
    text = send(client, token, b"hello, world", "notes.txt")
    assert (text.status_code, text.json()["error"]["code"]) == (422, "UNSUPPORTED_FILE")
    empty = send(client, token, b"", "empty.fit")
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "UNSUPPORTED_FILE")
    anonymous = client.post("/api/v1/uploads", files={"file": ("a.fit", b"x")})
    assert anonymous.status_code == 401


def test_an_upload_is_only_its_athletes(client: TestClient) -> None:
    owner = athlete(client, "owner")
    upload = accepted(client, owner, TCX)
    other = athlete(client, "other")
    response = client.get(
        f"/api/v1/uploads/{upload['id']}", headers={"Authorization": f"Bearer {other}"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


def test_the_graphql_mutation_takes_a_multipart_file(client: TestClient, database_url: str) -> None:
    token = athlete(client, "graphql")
    operations = {
        "query": "mutation($f: Upload!, $e: String) { uploadActivity(file: $f, externalId: $e)"
        " { id status fileFormat externalId } }",
        "variables": {"f": None, "e": "ext-9"},
    }
    response = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})},
        files={"0": (GPX.name, GPX.read_bytes(), "application/gpx+xml")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    made = response.json()["data"]["uploadActivity"]
    assert (made["status"], made["fileFormat"], made["externalId"]) == (
        "PROCESSING",
        "GPX",
        "ext-9",
    )
    drain(database_url)
    query = "query($id: UUID!) { upload(id: $id) { status samples sessionIds } }"
    read = client.post(
        "/graphql",
        json={"query": query, "variables": {"id": made["id"]}},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["data"]["upload"]
    assert read["status"] == "READY"
    assert read["samples"] == GPX.read_text().count("<trkpt")
