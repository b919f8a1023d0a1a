"""The package layout and its import rules (docs/architecture.md, "Packages")."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "fitconnect"


def imports_in(path: Path, source: str | None = None) -> set[str]:
    """Every module ``path`` imports, relative imports made absolute (``from . import x`` in
    ``fitconnect/ingest/a.py`` is ``fitconnect.ingest.x``)."""
    text = path.read_text() if source is None else source
    package = path.relative_to(ROOT).parts[:-1]  # a module's package, or an __init__'s own
    found: set[str] = set()
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1])
            if node.module:
                found.add(f"{base}.{node.module}")
            else:
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _imports_of(package: str, *, except_file: str = "") -> set[str]:
    """Our modules imported anywhere in ``package`` (a folder under fitconnect/, or one file)."""
    found: set[str] = set()
    root = PACKAGE / package
    for path in [root] if root.is_file() else root.rglob("*.py"):
        if except_file and path == PACKAGE / except_file:
            continue
        found |= imports_in(path)
    return {name for name in found if name.startswith("fitconnect")}


def test_relative_imports_are_resolved() -> None:
    module = PACKAGE / "ingest" / "consumer.py"
    source = "from . import storage\nfrom .batch import Batch\nfrom ..gateway.app import x\n"
    assert imports_in(module, source) == {
        "fitconnect.ingest.storage",
        "fitconnect.ingest.batch",
        "fitconnect.gateway.app",
    }
    init = PACKAGE / "ingest" / "__init__.py"
    assert imports_in(init, "from .storage import S\n") == {"fitconnect.ingest.storage"}


def test_nothing_imports_tests() -> None:
    offending = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in PACKAGE.rglob("*.py")
        for name in imports_in(path)
        if name == "tests" or name.startswith("tests.")
    }
    assert offending == set()


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
