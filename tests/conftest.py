"""Shared test configuration; the database and broker fixtures live in fix_db.py / fix_mqtt.py."""

from pathlib import Path

import pytest

from tests.truth_data import SHARED_DATA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the published GATT vectors and real FIT files."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared truth data not found at {SHARED_DATA}")
    return SHARED_DATA
