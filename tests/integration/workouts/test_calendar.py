"""The calendar through the API: a coach plans for an athlete who accepted them, the athlete
moves and skips; files in and out; the planned load ahead on the fitness chart; bad input
refused with nothing written."""

import base64
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fitconnect.platform.workouts.fit_workout import read_fit_workout
from fitconnect.platform.workouts.zwo import read_zwo
from tests.integration.gateway.support import gql, register_and_login, register_coach

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "workouts"
TODAY = date.today()  # noqa: DTZ011 - the server's calendar day, as the service's
PLANNED = (
    "id day status estimatedTss durationS plannedBy { role } workout { name durationS"
    " steps { index kind startS durationS target { kind low high ramp } } }"
)
PLAN = (
    "mutation($d: Date!, $a: UUID, $k: String, $f: String, $fmt: WorkoutFormat) {"
    " planWorkout(day: $d, athleteId: $a, libraryKey: $k, file: $f, format: $fmt) {"
    f" {PLANNED} }} }}"
)
CALENDAR = (
    "query($s: Date!, $u: Date!, $a: UUID) { workoutCalendar(since: $s, until: $u,"
    f" athleteId: $a) {{ {PLANNED} }} }}"
)


def _coached(client: TestClient) -> tuple[str, str, str]:
    """An athlete (token, id) who accepted a coach (token)."""
    tag = uuid.uuid4().hex[:8]
    athlete = register_and_login(client, f"{tag}.athlete@example.com")["accessToken"]
    coach = register_coach(client, f"{tag}.coach@example.com", invited_by=athlete)
    me = gql(client, "{ me { id } }", athlete)["data"]["me"]["id"]
    gql(
        client,
        "mutation($e: String!) { inviteAthlete(email: $e) { status } }",
        coach,
        e=f"{tag}.athlete@example.com",
    )
    coach_id = gql(client, "{ me { id } }", coach)["data"]["me"]["id"]
    accepted = gql(
        client,
        "mutation($c: UUID!) { respondToCoach(coachId: $c, accept: true) { status } }",
        athlete,
        c=coach_id,
    )
    assert accepted["data"]["respondToCoach"]["status"] == "accepted"
    return athlete, me, coach


def _errors(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_a_coach_plans_and_the_athlete_moves_and_skips(client: TestClient) -> None:
    athlete, athlete_id, coach = _coached(client)
    day = TODAY + timedelta(days=2)
    body = gql(client, PLAN, coach, d=day.isoformat(), a=athlete_id, k="threshold_2x20")
    assert "errors" not in body, body
    planned = body["data"]["planWorkout"]
    assert planned["plannedBy"]["role"] == "COACH"
    assert planned["status"] == "PLANNED"
    assert planned["durationS"] == 4500
    assert planned["estimatedTss"] == 83.9
    steps = planned["workout"]["steps"]
    assert [s["startS"] for s in steps[:3]] == [0, 900, 2100]
    assert steps[1]["target"] == {"kind": "FTP_PCT", "low": 100, "high": 100, "ramp": False}

    window = {"s": TODAY.isoformat(), "u": (TODAY + timedelta(days=6)).isoformat()}
    seen = gql(client, CALENDAR, athlete, **window)["data"]["workoutCalendar"]
    assert [p["id"] for p in seen] == [planned["id"]]
    by_coach = gql(client, CALENDAR, coach, a=athlete_id, **window)["data"]["workoutCalendar"]
    assert [p["id"] for p in by_coach] == [planned["id"]]

    later = (TODAY + timedelta(days=4)).isoformat()
    moved = gql(
        client,
        "mutation($i: UUID!, $d: Date!) { moveWorkout(id: $i, day: $d) { day status } }",
        athlete,
        i=planned["id"],
        d=later,
    )
    assert moved["data"]["moveWorkout"] == {"day": later, "status": "PLANNED"}
    skipped = gql(
        client, "mutation($i: UUID!) { skipWorkout(id: $i) { status } }", athlete, i=planned["id"]
    )
    assert skipped["data"]["skipWorkout"]["status"] == "SKIPPED"
    # the coach sees the athlete's changes
    again = gql(client, CALENDAR, coach, a=athlete_id, **window)["data"]["workoutCalendar"]
    assert [(p["day"], p["status"]) for p in again] == [(later, "SKIPPED")]


def test_only_a_linked_coach_plans_and_sees(client: TestClient) -> None:
    athlete, athlete_id, _coach = _coached(client)
    stranger = register_coach(
        client, f"{uuid.uuid4().hex[:8]}.other@example.com", invited_by=athlete
    )
    day = (TODAY + timedelta(days=1)).isoformat()
    refused = gql(client, PLAN, stranger, d=day, a=athlete_id, k="vo2max_5x3")
    assert _errors(refused) == ["FORBIDDEN"]
    own = gql(client, PLAN, athlete, d=day, k="vo2max_5x3")["data"]["planWorkout"]
    hidden = gql(
        client, "query($i: UUID!) { plannedWorkout(id: $i) { id } }", stranger, i=own["id"]
    )
    assert _errors(hidden) == ["NOT_FOUND"]
    moved = gql(
        client,
        "mutation($i: UUID!, $d: Date!) { moveWorkout(id: $i, day: $d) { day } }",
        stranger,
        i=own["id"],
        d=day,
    )
    assert _errors(moved) == ["NOT_FOUND"]
    window = {"s": TODAY.isoformat(), "u": (TODAY + timedelta(days=3)).isoformat()}
    assert [
        p["day"] for p in gql(client, CALENDAR, athlete, **window)["data"]["workoutCalendar"]
    ] == [day]


def test_files_in_and_out(client: TestClient) -> None:
    athlete, _, _ = _coached(client)
    day = (TODAY + timedelta(days=1)).isoformat()
    zwo = (DATA / "sample_workout.zwo").read_text()
    planned = gql(client, PLAN, athlete, d=day, f=zwo, fmt="ZWO")["data"]["planWorkout"]
    assert planned["workout"]["name"] == "Sample Interval Workout"
    export = (
        "query($i: UUID!, $f: WorkoutFormat!) { exportWorkout(id: $i, format: $f)"
        " { mediaType content } }"
    )
    out = gql(client, export, athlete, i=planned["id"], f="ZWO")["data"]["exportWorkout"]
    assert read_zwo(out["content"].encode()) == read_zwo(zwo.encode())
    fit = gql(client, export, athlete, i=planned["id"], f="FIT")["data"]["exportWorkout"]
    assert read_fit_workout(base64.b64decode(fit["content"])).duration_s == 4050
    fit_in = base64.b64encode((DATA / "WorkoutRepeatSteps.fit").read_bytes()).decode()
    from_fit = gql(client, PLAN, athlete, d=day, f=fit_in, fmt="FIT")["data"]["planWorkout"]
    assert from_fit["workout"]["name"] == "Example 2"
    rest = client.get(
        f"/api/v1/workouts/planned/{planned['id']}/file?format=erg",
        headers={"Authorization": f"Bearer {athlete}"},
    )
    assert rest.status_code == 200
    assert rest.text.startswith("[COURSE HEADER]")


def _zwo(blocks: str) -> str:
    return f"<workout_file><workout>{blocks}</workout></workout_file>"


@pytest.mark.parametrize(
    ("variables", "reason"),
    [
        (
            {
                "f": _zwo('<SteadyState Duration="60" Power="25"/>'),
                "fmt": "ZWO",
            },
            "target_too_high",
        ),
        (
            {
                "f": _zwo('<SteadyState Duration="-5" Power=".5"/>'),
                "fmt": "ZWO",
            },
            "negative_duration",
        ),
        ({"f": "<workout_file><workout>", "fmt": "ZWO"}, "malformed_zwo"),
        ({"f": "bm90IGEgZml0IGZpbGU=", "fmt": "FIT"}, "malformed_fit"),
        ({"f": "%%%", "fmt": "FIT"}, "malformed_fit"),
        (
            {
                "f": '{"name": "x", "steps": [{"type": "repeat", "count": 0, "steps": []}]}',
                "fmt": "JSON",
            },
            "bad_repeat",
        ),
        ({"k": "no_such_session"}, "no library workout"),
        ({}, "one of them"),
    ],
)
def test_bad_workouts_are_refused_and_nothing_is_planned(
    client: TestClient, variables: dict, reason: str
) -> None:  # type: ignore[type-arg]
    athlete, _, _ = _coached(client)
    day = (TODAY + timedelta(days=1)).isoformat()
    body = gql(client, PLAN, athlete, d=day, **variables)
    assert _errors(body) == ["VALIDATION"], body
    assert reason in body["errors"][0]["message"]
    window = {"s": TODAY.isoformat(), "u": day}
    assert gql(client, CALENDAR, athlete, **window)["data"]["workoutCalendar"] == []


def test_a_day_too_far_off_is_refused(client: TestClient) -> None:
    athlete, _, _ = _coached(client)
    far = (TODAY + timedelta(days=400)).isoformat()
    assert _errors(gql(client, PLAN, athlete, d=far, k="endurance_60")) == ["VALIDATION"]


def test_the_fitness_projection_counts_what_is_planned(client: TestClient) -> None:
    athlete, _, _ = _coached(client)
    tomorrow = TODAY + timedelta(days=1)
    gql(client, PLAN, athlete, d=tomorrow.isoformat(), k="threshold_2x20")
    skipped = gql(client, PLAN, athlete, d=(TODAY + timedelta(days=2)).isoformat(), k="vo2max_5x3")
    gql(
        client,
        "mutation($i: UUID!) { skipWorkout(id: $i) { status } }",
        athlete,
        i=skipped["data"]["planWorkout"]["id"],
    )
    days = gql(client, "{ fitnessProjection(days: 3) { day plannedTss ctl atl tsb } }", athlete)
    chart = days["data"]["fitnessProjection"]
    assert [d["day"] for d in chart] == [(TODAY + timedelta(days=i)).isoformat() for i in range(4)]
    assert [d["plannedTss"] for d in chart] == [0, 83.9, 0, 0]
    # no history: CTL and ATL start at 0; tomorrow's TSS T gives CTL T/42, ATL T/7
    tss = chart[1]["plannedTss"]
    assert chart[1]["ctl"] == pytest.approx(tss / 42, abs=0.01)
    assert chart[1]["atl"] == pytest.approx(tss / 7, abs=0.01)
    assert chart[1]["tsb"] == pytest.approx(tss / 42 - tss / 7, abs=0.02)
    rest = client.get(
        "/api/v1/workouts/projection?days=3", headers={"Authorization": f"Bearer {athlete}"}
    )
    assert [d["planned_tss"] for d in rest.json()] == [d["plannedTss"] for d in chart]


def test_rest_plans_moves_and_removes(client: TestClient) -> None:
    athlete, athlete_id, coach = _coached(client)
    auth = {"Authorization": f"Bearer {coach}"}
    day = (TODAY + timedelta(days=1)).isoformat()
    made = client.post(
        "/api/v1/workouts/planned",
        headers=auth,
        json={"day": day, "athlete_id": athlete_id, "library_key": "sweet_spot_3x10"},
    )
    assert made.status_code == 201, made.text
    plan_id = made.json()["id"]
    assert made.json()["workout"]["name"] == "Sweet spot 3x10"
    both = client.patch(f"/api/v1/workouts/planned/{plan_id}", headers=auth, json={})
    assert both.status_code == 422
    later = (TODAY + timedelta(days=3)).isoformat()
    moved = client.patch(f"/api/v1/workouts/planned/{plan_id}", headers=auth, json={"day": later})
    assert moved.json()["day"] == later
    seen = client.get(
        f"/api/v1/workouts/calendar?since={TODAY}&until={later}&athlete_id={athlete_id}",
        headers=auth,
    )
    assert [p["id"] for p in seen.json()] == [plan_id]
    assert client.delete(f"/api/v1/workouts/planned/{plan_id}", headers=auth).status_code == 204
    gone = client.get(
        f"/api/v1/workouts/planned/{plan_id}", headers={"Authorization": f"Bearer {athlete}"}
    )
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "NOT_FOUND"
