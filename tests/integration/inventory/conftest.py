"""The inventory tests: the in-process gateway, and the stock invariants checked after every
test (no negative availability, allocations within stock, each stocked figure the sum of its
audit log)."""

from collections.abc import Iterator

import psycopg
import pytest

from tests.integration.gateway.conftest import client

__all__ = ["client", "stock_invariants"]

BROKEN = """
SELECT s.variant_id, s.location_id, s.stocked, s.allocated, coalesce(r.held, 0), a.logged
FROM inventory.stock s
LEFT JOIN (SELECT variant_id, location_id, sum(quantity) AS held
           FROM inventory.reservation_lines WHERE active AND expires_at > now()
           GROUP BY variant_id, location_id) r USING (variant_id, location_id)
LEFT JOIN (SELECT variant_id, location_id, sum(delta) AS logged
           FROM inventory.adjustments GROUP BY variant_id, location_id) a
     USING (variant_id, location_id)
WHERE s.stocked - s.allocated - coalesce(r.held, 0) < 0
   OR s.allocated > s.stocked
   OR s.stocked <> coalesce(a.logged, 0)
"""
STALE_LINES = """
SELECT l.reservation_id FROM inventory.reservation_lines l
JOIN inventory.reservations r ON r.id = l.reservation_id
WHERE l.active <> (r.status = 'active')
"""


@pytest.fixture(autouse=True)
def stock_invariants(database_url: str) -> Iterator[None]:
    """After the test: every stock row within its invariants."""
    yield
    with psycopg.connect(database_url) as conn:
        broken = conn.execute(BROKEN).fetchall()
        stale = conn.execute(STALE_LINES).fetchall()
    assert not broken, f"stock rows out of their invariants: {broken}"
    assert not stale, f"reservation lines out of step with their reservation: {stale}"
