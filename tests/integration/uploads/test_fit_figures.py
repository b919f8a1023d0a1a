"""Every real FIT file of ``../shared/data/fit`` uploaded through the API becomes sessions
with the figures ``fitconnect analytics fit`` computes from the file itself."""

from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from fitconnect.analytics.activity import file_sessions
from fitconnect.analytics.params import AthleteParams

from .support import accepted, athlete, drain, status

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FIT_FILES = sorted(
    (Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "fit").glob("*.fit")
)
COMPARED = (
    "duration_s",
    "moving_time_s",
    "distance_m",
    "avg_power_w",
    "max_power_w",
    "normalized_power_w",
    "work_kj",
    "avg_heart_rate_bpm",
    "max_heart_rate_bpm",
    "avg_cadence_rpm",
)


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.name)
def test_an_uploaded_fit_file_has_the_sessions_the_file_computes_to(
    client: TestClient, database_url: str, path: Path
) -> None:
    token = athlete(client, "fit")
    upload = accepted(client, token, path, compress=path.stat().st_size > 300_000)
    assert upload["status"] == "processing"
    assert drain(database_url) == 1
    done = status(client, token, upload["id"])
    assert done["status"] == "ready", done
    expected = file_sessions(path, AthleteParams())
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        stored = conn.execute(
            "SELECT * FROM analytics.sessions WHERE id = ANY(%s) ORDER BY start_ts",
            (done["session_ids"],),
        ).fetchall()
    assert len(stored) == len(expected)
    for session, want in zip(stored, expected, strict=True):
        got = {k: session[k] for k in COMPARED}
        assert got == {
            k: pytest.approx(want[k], abs=1e-3) if want[k] is not None else None for k in COMPARED
        }
