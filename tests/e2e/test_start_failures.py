"""Every start-up failure is one sentence saying what failed and what to do, and a non-zero exit.

Each case is made real: a port held by a listening socket, a data directory under a regular
file, a database port nothing listens on, a role the database refuses, and (as root, in a
private mount namespace whose /etc/passwd lacks the user) the embedded PostgreSQL's system
user missing with no `useradd` on PATH.
"""

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fitconnect.runtime.ports import free_port

pytestmark = [pytest.mark.e2e]


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCONNECT_")}
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "data")
    env.update({f"FITCONNECT_{k.upper()}": v for k, v in settings.items()})
    return env


def _fails_with_one_sentence(argv: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=120, check=False, cwd="/"
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    assert output.startswith("fitconnect: ")
    return output


def _up(env: dict[str, str]) -> str:
    return _fails_with_one_sentence([sys.executable, "-m", "fitconnect", "up"], env)


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_up_on_a_taken_gateway_port(tmp_path: Path, taken_port: int) -> None:
    said = _up(_env(tmp_path, gateway__port=str(taken_port)))
    assert f"port {taken_port}" in said
    assert "taken" in said


def test_gateway_on_a_taken_port(
    tmp_path: Path, taken_port: int, database_url: str, mqtt_url: str
) -> None:
    env = _env(tmp_path, database_url=database_url, mqtt_url=mqtt_url)
    argv = [sys.executable, "-m", "fitconnect", "gateway", "--port", str(taken_port)]
    said = _fails_with_one_sentence(argv, env)
    assert f"port {taken_port}" in said
    assert "--port" in said


def test_up_with_a_data_directory_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    env = _env(tmp_path)
    env["FITCONNECT_DATA_DIR"] = str(tmp_path / "a-file" / "data")
    said = _up(env)
    assert "not writable" in said
    assert "FITCONNECT_DATA_DIR" in said


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://postgres@127.0.0.1:{free_port()}/fitconnect", id="no-server"),
        pytest.param(None, id="unknown-role"),
    ],
)
def test_up_with_a_database_that_refuses(
    tmp_path: Path, url: str | None, pg_server_url: str
) -> None:
    if url is None:  # the test server, asked for a role it does not have
        url = pg_server_url.replace("postgresql://postgres", "postgresql://no_such_role", 1)
    said = _up(_env(tmp_path, database_url=url))
    assert "refuses the connection" in said
    assert "FITCONNECT_DATABASE_URL" in said


@pytest.mark.embedded
def test_up_as_root_without_useradd(tmp_path: Path) -> None:
    # `fitconnect up` as root on a machine whose PATH has no useradd died with a traceback.
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        pytest.skip("needs root and unshare(1): a private /etc/passwd without the user")
    passwd = tmp_path / "passwd"
    lines = Path("/etc/passwd").read_text().splitlines()
    passwd.write_text("".join(f"{x}\n" for x in lines if not x.startswith("embedded_postgres:")))
    probe = subprocess.run(
        [unshare, "-m", "true"], capture_output=True, text=True, check=False, timeout=30
    )
    if probe.returncode != 0:
        pytest.skip(f"no mount namespace here: {probe.stderr.strip()}")
    env = _env(tmp_path)
    env["PATH"] = "/usr/bin:/bin"  # useradd lives in /usr/sbin
    script = f'mount --bind {passwd} /etc/passwd && exec "$@"'
    argv = [unshare, "-m", "sh", "-c", script, "sh", sys.executable, "-m", "fitconnect", "up"]
    said = _fails_with_one_sentence(argv, env)
    assert "useradd" in said
    assert "FITCONNECT_DATABASE_URL" in said
