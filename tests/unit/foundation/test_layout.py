"""The package layout and its dependency rules (ARCHITECTURE.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "fitconnect"


def _imports_of(package: str) -> set[str]:
    found: set[str] = set()
    for path in (PACKAGE / package).rglob("*.py"):
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
    offending = {m for m in _imports_of("edge_agent") if not m.startswith(allowed)}
    assert offending == set()


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
