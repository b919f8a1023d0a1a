"""The TimescaleDB tier: run where the tests' database has the extension (``.ci/run``'s
TimescaleDB pass, or ``FITCONNECT_TEST_TIMESCALEDB=1``), skipped with the reason elsewhere."""

import pytest

from tests.timescaledb_jobs import uses_timescaledb


@pytest.fixture(scope="module")
def timescale_url(database_url: str) -> str:
    """The module's database, when it is on TimescaleDB."""
    if not uses_timescaledb(database_url):
        pytest.skip(
            "needs TimescaleDB: FITCONNECT_TEST_TIMESCALEDB=1 starts a cluster of the tests'"
            " own (after ../shared/timescaledb/install)"
        )
    return database_url
