"""``fitconnect upload FILE…`` against a served gateway while the worker runs: each file is
reported ready (or why not), and the command fails when one ends in error."""

import os
import subprocess
import sys
import threading

import pytest
from fastapi.testclient import TestClient

from fitconnect.platform.uploads.worker import process_one

from .support import FILES, athlete

pytestmark = pytest.mark.integration


def _work(database_url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        if not process_one(database_url):
            stop.wait(0.2)


def _upload(base: str, token: str, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", "upload", *paths, "--gateway", base],
        env=os.environ | {"FITCONNECT_TOKEN": token},
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


def test_the_command_uploads_files_and_reports_what_became_of_each(
    client: TestClient, served_gateway: str, database_url: str
) -> None:
    token = athlete(client, "cli")
    stop = threading.Event()
    worker = threading.Thread(target=_work, args=(database_url, stop), daemon=True)
    worker.start()
    try:
        good = _upload(
            served_gateway,
            token,
            str(FILES / "tcxreader__sup_activity_1.tcx"),
            str(FILES / "gpxpy__cerknicko-jezero.gpx"),
        )
        assert good.returncode == 0, good.stderr
        assert "tcxreader__sup_activity_1.tcx: ready, 111 samples, 1 session(s)" in good.stdout
        assert "gpxpy__cerknicko-jezero.gpx: ready, 296 samples" in good.stdout
        bad = _upload(
            served_gateway,
            token,
            str(FILES / "gpxpy__route.gpx"),
            str(FILES / "tcxreader__sup_activity_1.tcx"),
        )
    finally:
        stop.set()
        worker.join(60)
    assert bad.returncode == 1
    assert "gpxpy__route.gpx: error NO_POINTS" in bad.stdout
    assert "tcxreader__sup_activity_1.tcx: duplicate of upload" in bad.stdout
