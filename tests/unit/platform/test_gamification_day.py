"""The current leaderboard is the one of today's UTC date, as the analytics jobs cut it."""

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from fitconnect.platform.gamification.service import utc_today


@pytest.fixture
def far_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local time zone whose date is not UTC's right now (a day behind or ahead)."""
    zone = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Etc/GMT-14"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_zone")
def test_today_is_the_utc_date_whatever_the_local_zone() -> None:
    local = date.today()  # noqa: DTZ011 - the local date this test shows the service ignores
    utc = datetime.now(UTC).date()
    assert local != utc  # the zone does move the date
    assert utc_today() == utc
