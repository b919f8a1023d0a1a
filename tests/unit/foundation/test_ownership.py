"""One owner per table, checked from the code: every SQL string of ``fitconnect/`` is parsed for
``schema.name`` references, and each read or write is checked against the ownership table of
docs/architecture.md (the table is read from that page, so the page cannot drift)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from fitconnect.platform.db.schemas import SERVICE_SCHEMAS
from tests.unit.foundation.markdown import table_after

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "fitconnect"
DOC = ROOT / "docs" / "architecture.md"
# The package that is no context: benchmarks seed scratch databases of their own.
NOT_CHECKED = ("bench/", "platform/db/migrations/")

_WRITE_BEFORE = re.compile(
    r"(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|MERGE\s+INTO|TRUNCATE(?:\s+TABLE)?"
    r"|ALTER\s+TABLE|VACUUM(?:\s*\([^)]*\))?|ANALYZE|LOCK(?:\s+TABLE)?"
    r"|REFRESH\s+MATERIALIZED\s+VIEW)\s+(?:ONLY\s+)?$",
    re.IGNORECASE,
)
_LITERAL = re.compile(r"'[^']*'")
_READ_BEFORE = re.compile(r"(?:FROM|JOIN)\s+(?:ONLY\s+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Owned:
    name: str
    kind: str
    owner: str
    written_in: tuple[str, ...]
    published_for: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    module: str
    line: int
    name: str
    write: bool


def _cells(value: str) -> tuple[str, ...]:
    return tuple(v.strip().strip("`") for v in value.split(",") if v.strip())


def _ownership() -> dict[str, Owned]:
    rows = table_after(DOC.read_text(), "| object | kind | owner | written in | published for |")
    owned = {}
    for name, kind, owner, written_in, published_for in rows:
        entry = Owned(name.strip("`"), kind, owner, _cells(written_in), _cells(published_for))
        assert entry.name not in owned, f"{entry.name} is listed twice"
        owned[entry.name] = entry
    return owned


def _contexts() -> dict[str, str]:
    """Package path (under fitconnect/, ending in /) -> context."""
    rows = table_after(DOC.read_text(), "| context | packages | schemas |")
    return {f"{package}/": context for context, packages, _ in rows for package in _cells(packages)}


OWNED = _ownership()
CONTEXTS = _contexts()
SCHEMAS = sorted(set(SERVICE_SCHEMAS) | {name.split(".")[0] for name in OWNED})
# Not after a dash or a slash either: file names such as ``service-users.json`` are no tables.
_NAME = re.compile(r"(?<![\w./-])(" + "|".join(SCHEMAS) + r")\.([a-z_][a-z0-9_]*)\b")
_SQL = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|COPY|MERGE|FROM|JOIN|TRUNCATE|VACUUM)\b", re.I)


def context_of(module: str) -> str:
    """The context of ``module`` (a path under fitconnect/): its longest listed package, else
    its top-level package (``cli``, ``runtime``, ``gateway`` own nothing)."""
    best = max((p for p in CONTEXTS if module.startswith(p)), key=len, default=None)
    return CONTEXTS[best] if best else module.split("/", maxsplit=1)[0]


def _texts(tree: ast.Module) -> list[tuple[int, str]]:
    """String literals that can reach the database: not docstrings, f-strings with their
    holes as ``{}``, ``sql.Identifier(schema, name)`` as ``schema.name``."""
    docs = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant | ast.JoinedStr)
    }
    docs |= {  # an f-string's parts are read with it
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    texts: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in docs:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            texts.append((node.lineno, "".join(str(p) for p in parts)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append((node.lineno, node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Identifier"
            and len(node.args) == 2
            and all(isinstance(a, ast.Constant) for a in node.args)
        ):
            schema, name = (a.value for a in node.args if isinstance(a, ast.Constant))
            texts.append((node.lineno, f"{schema}.{name}"))
    return texts


def classify(text: str) -> list[tuple[str, bool]]:
    """(schema.name, is_write) for each reference in ``text``. A reference after FROM/JOIN, or
    a call, is a read; after INSERT INTO, UPDATE, DELETE FROM, COPY, MERGE INTO (and the
    maintenance statements) a write; any other mention (a table name handed to a helper that
    writes it, an Identifier) counts as a write, so nothing escapes the check. SQL string
    literals ('…', such as advisory lock keys) are not references."""
    text = _LITERAL.sub(lambda m: "'" + " " * (len(m.group()) - 2) + "'", text)
    found = []
    for match in _NAME.finditer(text):
        before, after = text[: match.start()], text[match.end() :]
        if _WRITE_BEFORE.search(before):
            write = True
        elif _READ_BEFORE.search(before) or after.lstrip().startswith("("):
            write = False
        else:
            write = True
        name = f"{match.group(1)}.{match.group(2)}"
        if name in OWNED or _SQL.search(text):  # outside SQL only our objects' names count
            found.append((name, write))
    return found


def references() -> list[Reference]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module.startswith(NOT_CHECKED):
            continue
        for line, text in _texts(ast.parse(path.read_text(), filename=str(path))):
            found.extend(Reference(module, line, n, w) for n, w in classify(text))
    return found


def violations(refs: list[Reference]) -> list[str]:
    wrong = []
    for ref in refs:
        where = f"fitconnect/{ref.module}:{ref.line}"
        owned = OWNED.get(ref.name)
        if owned is None:
            wrong.append(f"{where}: {ref.name} is not in docs/architecture.md's ownership table")
            continue
        context = context_of(ref.module)
        if context == owned.owner:
            if ref.write and owned.written_in and ref.module not in owned.written_in:
                wrong.append(
                    f"{where}: writes {ref.name}, which only {', '.join(owned.written_in)} write"
                )
        elif ref.write:
            wrong.append(f"{where}: {context} writes {ref.name}, owned by {owned.owner}")
        elif context not in owned.published_for:
            wrong.append(
                f"{where}: {context} reads {ref.name} ({owned.kind} of {owned.owner}), which"
                f" {owned.owner} does not publish for it: read a published view or function"
            )
    return wrong


def test_every_table_is_written_by_its_owner_and_read_by_others_only_where_published() -> None:
    refs = references()
    assert len({r.module for r in refs}) > 15, "the scan found almost no SQL: is it broken?"
    assert violations(refs) == []


def test_the_ownership_table_is_consistent() -> None:
    contexts = set(CONTEXTS.values())
    for owned in OWNED.values():
        assert owned.kind in {"table", "view", "function"}, owned
        assert owned.owner in contexts, owned
        assert set(owned.published_for) <= contexts | {"runtime", "cli", "gateway"}, owned
        if owned.published_for:
            assert owned.kind in {"view", "function"}, f"{owned.name}: publish a view, not a table"
        for module in owned.written_in:
            assert (PACKAGE / module).is_file(), f"{owned.name}: no module {module}"
            assert context_of(module) == owned.owner, f"{owned.name}: {module} is not its owner's"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT a FROM users.accounts WHERE id = %s", [("users.accounts", False)]),
        (
            "SELECT 1 FROM social.follows f JOIN users.accounts a ON a.id = f.followee_id",
            [("social.follows", False), ("users.accounts", False)],
        ),
        (
            "INSERT INTO social.follows (a) SELECT id FROM users.accounts",
            [("social.follows", True), ("users.accounts", False)],
        ),
        ("UPDATE users.accounts SET x = 1", [("users.accounts", True)]),
        ("WITH d AS (DELETE FROM users.tenants t RETURNING 1) SELECT 1", [("users.tenants", True)]),
        ("COPY telemetry.samples (ts) FROM STDIN", [("telemetry.samples", True)]),
        ("COPY (SELECT ts FROM telemetry.samples) TO STDOUT", [("telemetry.samples", False)]),
        ("MERGE INTO analytics.sessions t USING x", [("analytics.sessions", True)]),
        (
            "SELECT telemetry.ensure_partitions(current_date, 3)",
            [("telemetry.ensure_partitions", False)],
        ),
        ("analytics.sessions", [("analytics.sessions", True)]),
        ("SELECT pg_advisory_xact_lock(hashtext('fitconnect.analytics.run'))", []),
        ("SELECT pg_advisory_xact_lock(hashtext('devices.broker_files'))", []),
        ("service-users.json", []),
        ("users.json", []),
        ("SELECT 1 FROM users.nonexistent", [("users.nonexistent", False)]),
    ],
)
def test_references_are_read_as_reads_or_writes(sql: str, expected: list[tuple[str, bool]]) -> None:
    assert classify(sql) == expected


def test_a_write_by_another_context_and_an_unpublished_read_are_caught() -> None:
    refs = [
        Reference("platform/social/service.py", 1, "users.accounts", False),
        Reference("platform/users/avatars.py", 2, "users.accounts", True),
        Reference("ingest/registry.py", 3, "devices.devices", False),
        Reference("ingest/registry.py", 4, "devices.published_devices", False),
        Reference("platform/training/service.py", 5, "analytics.published_sessions", False),
        Reference("runtime/status.py", 6, "telemetry.nonexistent", False),
    ]
    wrong = violations(refs)
    assert len(wrong) == 4, wrong
    assert "social reads users.accounts" in wrong[0]
    assert "only platform/auth/repository.py write" in wrong[1]
    assert "ingest reads devices.devices" in wrong[2]
    assert "not in docs/architecture.md" in wrong[3]
