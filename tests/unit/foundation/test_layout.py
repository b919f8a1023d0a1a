"""The package layout and its dependency rules (ARCHITECTURE.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "fitconnect"


def _imports_of(package: str, *, except_file: str = "") -> set[str]:
    """Our modules imported anywhere in ``package`` (a folder under fitconnect/, or one file)."""
    found: set[str] = set()
    root = PACKAGE / package
    for path in [root] if root.is_file() else root.rglob("*.py"):
        if except_file and path == PACKAGE / except_file:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return {name for name in found if name.startswith("fitconnect")}


def test_six_subpackages_exist() -> None:
    for name in ("schemas", "edge_agent", "ingest", "platform", "analytics", "gateway"):
        assert (PACKAGE / name / "__init__.py").is_file(), name


def test_schemas_import_nothing_of_ours() -> None:
    assert {m for m in _imports_of("schemas") if not m.startswith("fitconnect.schemas")} == set()


def test_edge_agent_imports_only_schemas() -> None:
    allowed = ("fitconnect.schemas", "fitconnect.edge_agent")
    command = "edge_agent/commands/bench.py"  # `fitconnect-edge bench` runs the edge benchmark
    offending = {
        m for m in _imports_of("edge_agent", except_file=command) if not m.startswith(allowed)
    }
    assert offending == set()
    assert {m for m in _imports_of(command) if not m.startswith(allowed)} == {
        "fitconnect.bench.edge"
    }
    # ... which is held to the edge's rule, so that it runs where only the edge is installed.
    assert {m for m in _imports_of("bench/edge.py") if not m.startswith(allowed)} == set()


@pytest.mark.parametrize(
    "package", ["schemas", "edge_agent", "ingest", "platform", "analytics", "gateway", "runtime"]
)
def test_product_packages_import_no_benchmark_code(package: str) -> None:
    imported = _imports_of(package, except_file="edge_agent/commands/bench.py")
    assert {m for m in imported if m.startswith("fitconnect.bench")} == set()
    assert not [p.name for p in (PACKAGE / package).rglob("benchmark*.py")]


def test_ingest_and_runtime_do_not_import_each_other() -> None:
    # runtime's status line reads ingest's metrics; ingest must not need the runtime back.
    assert not {m for m in _imports_of("ingest") if m.startswith("fitconnect.runtime")}


@pytest.mark.parametrize("package", ["platform", "ingest", "analytics"])
def test_server_parts_never_import_the_gateway(package: str) -> None:
    assert not {m for m in _imports_of(package) if m.startswith("fitconnect.gateway")}


def test_nothing_at_the_top_level_shadows_the_standard_library() -> None:
    shadowing = {
        p.stem for p in ROOT.iterdir() if p.stem in sys.stdlib_module_names and p.stem != "docs"
    }
    assert shadowing == set()
    result = subprocess.run(
        [sys.executable, "-c", "import platform, uuid; print(platform.system())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "Linux"
