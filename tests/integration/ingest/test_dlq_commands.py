"""``fitconnect ingest dlq``: a letter's whole topic is shown (the device id is in it), --json
gives every field, and replaying an id that is not there says so."""

import base64
import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from fitconnect.ingest import dead_letters

pytestmark = [pytest.mark.integration]


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env |= {"FITCONNECT_DATABASE_URL": database_url, "FITCONNECT_LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", "ingest", "dlq", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def topic(database_url: str) -> str:
    topic = f"fc/v1/{uuid.uuid4()}/{uuid.uuid4()}/telemetry"
    with psycopg.connect(database_url) as conn:
        letter = dead_letters.NewDeadLetter(topic, b"hello", "undecodable", "not MessagePack")
        dead_letters.add(conn, [letter], worker="test")
    return topic


def test_list_shows_the_whole_topic(database_url: str, topic: str) -> None:
    result = _cli(database_url, "list")
    assert result.returncode == 0, result.stderr
    assert topic in result.stdout


def test_list_as_json(database_url: str, topic: str) -> None:
    result = _cli(database_url, "list", "--json")
    letters = [json.loads(line) for line in result.stdout.splitlines()]
    mine = [x for x in letters if x["topic"] == topic]
    assert len(mine) == 1
    assert mine[0]["reason"] == "undecodable"
    assert base64.b64decode(mine[0]["payload_base64"]) == b"hello"


def test_replay_of_an_unknown_id_says_not_found(database_url: str) -> None:
    result = _cli(database_url, "replay", "--id", "99999")
    assert result.returncode == 1
    assert "not found" in result.stderr
    assert "99999" in result.stderr
    assert "stored" not in result.stdout
