import subprocess
import sys

import pytest


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitconnect", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_every_server_command() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for command in ("up", "db", "ingest", "analytics", "gateway", "bench", "doctor"):
        assert command in result.stdout


@pytest.mark.parametrize("group", [("db",), ("bench",), ("analytics",)])
def test_groups_have_helpful_help(group: tuple[str, ...]) -> None:
    result = _run(*group, "--help")
    assert result.returncode == 0
    assert "Commands" in result.stdout


def test_bad_configuration_is_a_readable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITCONNECT_ENVIRONMENT", "production")
    monkeypatch.delenv("FITCONNECT_SECRET_KEY", raising=False)
    result = _run("doctor")
    assert result.returncode == 2
    assert "configuration error" in result.stderr
    assert "Traceback" not in result.stderr
