"""``fitconnect analytics params|run``: an athlete id that is not a UUID, or no account's, is
refused with a sentence (it was a psycopg traceback, and an unknown id was stored)."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

pytestmark = [pytest.mark.integration]


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env |= {"FITCONNECT_DATABASE_URL": database_url, "FITCONNECT_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", "analytics", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args", [("params", "not-a-uuid", "--ftp", "250"), ("run", "--athlete", "nope")]
)
def test_an_id_that_is_not_a_uuid(database_url: str, args: tuple[str, ...]) -> None:
    result = _cli(database_url, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "valid UUID" in result.stderr


@pytest.mark.parametrize("values", [("--ftp", "250"), ("--lthr", "170")])
def test_params_of_an_unknown_athlete_are_refused_and_not_stored(
    database_url: str, values: tuple[str, ...]
) -> None:
    nobody = str(uuid.uuid4())
    result = _cli(database_url, "params", nobody, *values)
    assert result.returncode != 0
    assert f"no account {nobody}" in result.stderr
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM analytics.athlete_params WHERE athlete_id = %s", (nobody,)
        ).fetchone()
    assert row == (0,)


def test_run_for_an_unknown_athlete_is_refused(database_url: str) -> None:
    nobody = str(uuid.uuid4())
    result = _cli(database_url, "run", "--athlete", nobody)
    assert result.returncode != 0
    assert f"no account {nobody}" in result.stderr
