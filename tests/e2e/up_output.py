"""Reading what ``fitconnect up`` prints, for the e2e tests that start it."""

import subprocess
import time


def read_until_up(process: subprocess.Popen[str], timeout_s: float = 60) -> str:
    """Its output up to the "FitConnect is up" banner (which must come within ``timeout_s``)."""
    assert process.stdout is not None
    text = ""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and "FitConnect is up" not in text:
        line = process.stdout.readline()
        if not line:
            break
        text += line
    assert "FitConnect is up" in text, text
    return text
