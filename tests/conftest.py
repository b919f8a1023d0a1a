"""Shared test configuration; the database and broker fixtures live in fix_db.py / fix_mqtt.py."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``: the published GATT vectors and real FIT files."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared truth data not found at {SHARED_DATA}")
    return SHARED_DATA
