"""The ownership table of docs/architecture.md lists exactly what the migrations create."""

import psycopg
import pytest

from tests.unit.foundation.test_ownership import OWNED, SCHEMAS

pytestmark = pytest.mark.integration

_KINDS = {"r": "table", "p": "table", "v": "view", "m": "table", "f": "function"}


def test_every_table_view_and_function_of_ours_has_its_row(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        relations = conn.execute(
            "SELECT n.nspname || '.' || c.relname, c.relkind::text FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p', 'v', 'm')"
            "   AND NOT c.relispartition",
            (SCHEMAS,),
        ).fetchall()
        functions = conn.execute(
            "SELECT n.nspname || '.' || p.proname, 'f' FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY(%s)",
            (SCHEMAS,),
        ).fetchall()
    found = {name: _KINDS[kind] for name, kind in [*relations, *functions]}
    assert set(found) == set(OWNED), "docs/architecture.md's ownership table is not the schema"
    # A published view is a view (a table stored under that name would be a second copy).
    assert {n: k for n, k in found.items() if OWNED[n].kind == "view"} == {
        n: "view" for n, o in OWNED.items() if o.kind == "view"
    }
