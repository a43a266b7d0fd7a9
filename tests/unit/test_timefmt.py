"""Stored instants: UTC text to the second, read back as aware UTC datetimes."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.storage.timefmt import from_db, to_db


def test_an_instant_is_stored_as_utc_text_to_the_second() -> None:
    moscow = timezone(timedelta(hours=3))
    moment = datetime(2026, 3, 1, 2, 30, 15, 987654, tzinfo=moscow)
    assert to_db(moment) == "2026-02-28 23:30:15"


def test_stored_text_reads_back_as_the_same_aware_utc_instant() -> None:
    moment = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    parsed = from_db(to_db(moment))
    assert parsed == moment
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo is not None


def test_text_sorts_as_time_does() -> None:
    early = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    late = early + timedelta(seconds=1)
    assert to_db(early) < to_db(late)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2026, 1, 1, 12, 0))  # noqa: DTZ001 - naive on purpose


def test_text_in_another_shape_is_refused_not_misread() -> None:
    with pytest.raises(ValueError):
        from_db("2026-01-01T12:00:00+03:00")
