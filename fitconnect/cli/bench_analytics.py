"""``fitconnect bench analytics``."""

from __future__ import annotations

from fitconnect.cli.common import not_built_yet


def bench_analytics() -> None:
    """Full and incremental analytics recompute against a plain-Python baseline."""
    raise not_built_yet("the analytics benchmark", 5)
