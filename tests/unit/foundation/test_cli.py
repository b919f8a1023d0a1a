import subprocess
import sys

import pytest
import typer
from typer._click import Command, Context
from typer.core import TyperGroup
from typer.testing import CliRunner

from fitconnect.cli import COMMANDS
from fitconnect.cli import app as server_app
from fitconnect.cli.bench import COMMANDS as BENCH_COMMANDS
from fitconnect.cli.lazy import Lazy
from fitconnect.edge_agent.cli import app as edge_app
from fitconnect.runtime.ports import free_port


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


HEAVY = ("fastapi", "psycopg", "polars", "duckdb", "pydantic", "strawberry", "aiohttp", "bleak")


@pytest.mark.parametrize("program", ["fitconnect.cli", "fitconnect.edge_agent.cli"])
def test_top_level_help_imports_no_heavy_stack(program: str) -> None:
    # `fitconnect --help` imported every stack (3.5 s, and failed without the dev extra).
    code = (
        "import sys\n"
        f"from {program} import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Commands" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def _commands(group: Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Command]]:
    found = [(path, group)]
    if isinstance(group, TyperGroup):
        ctx = Context(group, info_name=path[-1] if path else None)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            found += _commands(command, (*path, name))
    return found


def _every_command() -> list[tuple[str, tuple[str, ...], Command]]:
    return [
        (program, path, command)
        for program, app in (("fitconnect", server_app), ("fitconnect-edge", edge_app))
        for path, command in _commands(typer.main.get_command(app))
    ]


@pytest.mark.parametrize(
    ("program", "path", "command"),
    _every_command(),
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v if isinstance(v, str) else "",
)
def test_every_help_page_is_plain_and_every_parameter_explained(
    program: str, path: tuple[str, ...], command: Command
) -> None:
    app = server_app if program == "fitconnect" else edge_app
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output  # flags take no value
    unexplained = [p.name for p in command.params if not getattr(p, "help", None)]
    assert unexplained == [], f"{program} {' '.join(path)}: parameters without help"


@pytest.mark.parametrize(("name", "entry"), [*COMMANDS.items(), *BENCH_COMMANDS.items()])
def test_listed_help_is_the_command_s_own(name: str, entry: Lazy) -> None:
    # The top-level list shows a copy of each command's first line (so listing imports nothing).
    path = (name,) if name in COMMANDS and COMMANDS[name] is entry else ("bench", name)
    command = {p: c for program, p, c in _every_command() if program == "fitconnect"}[path]
    assert " ".join((command.help or "").split("\n\n")[0].split()) == entry.help


def test_doctor_flags_a_broker_url_that_is_not_mqtt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITCONNECT_MQTT_URL", "http://x")
    monkeypatch.setenv(
        "FITCONNECT_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/x"
    )
    result = _run("doctor")
    assert result.returncode == 1
    assert "the scheme http:// is not MQTT" in result.stdout
    assert "refuses the connection" in result.stdout
