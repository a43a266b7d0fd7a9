"""Local times, timezones and daily slots, across DST, with explicit instants."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.quiz.clock import (
    first_slot_after,
    parse_daily_time,
    parse_timezone,
    slot_after_day_of,
    slot_for,
    zone_of,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("09:30", time(9, 30)), ("9:30", time(9, 30)), ("9.05", time(9, 5)), ("7", time(7, 0)),
     ("23:59", time(23, 59)), ("00:00", time(0, 0))],
)  # fmt: skip
def test_daily_time_accepts_usual_spellings(text: str, expected: time) -> None:
    assert parse_daily_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "abc", "9:7", "", "12:60", "-1", "9:30pm"])
def test_daily_time_rejects_nonsense(text: str) -> None:
    assert parse_daily_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Europe/Moscow", "Europe/Moscow"), ("europe/moscow", "Europe/Moscow"), ("UTC", "UTC"),
     ("+3", "UTC+03:00"), ("UTC-5", "UTC-05:00"), ("GMT+05:30", "UTC+05:30"),
     ("Asia/Almaty", "Asia/Almaty")],
)  # fmt: skip
def test_timezone_accepts_iana_names_and_offsets(text: str, expected: str) -> None:
    assert parse_timezone(text) == expected


@pytest.mark.parametrize("text", ["Mars/Olympus", "+15", "abc", "../etc/passwd", "UTC+3:99"])
def test_timezone_rejects_unknown(text: str) -> None:
    assert parse_timezone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("МСК+2", "UTC+05:00"), ("мск +4", "UTC+07:00"), ("MSK-1", "UTC+02:00"),
     ("МСК−1", "UTC+02:00"), ("МСК", "Europe/Moscow")],
)  # fmt: skip
def test_timezone_reads_moscow_relative_offsets(text: str, expected: str) -> None:
    """Russian timetables give zones as Moscow time plus hours: «МСК+2» is UTC+5."""
    assert parse_timezone(text) == expected


def test_timezone_rejects_a_moscow_offset_beyond_any_zone() -> None:
    assert parse_timezone("МСК+12") is None


def test_fixed_offset_zone() -> None:
    moment = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert moment.astimezone(zone_of("UTC-05:00")).hour == 7
    assert moment.astimezone(zone_of("UTC+05:30")).strftime("%H:%M") == "17:30"


def test_slot_is_local_time_in_utc() -> None:
    assert slot_for(date(2026, 3, 1), time(9, 0), zone_of("Europe/Moscow")) == datetime(
        2026, 3, 1, 6, 0, tzinfo=UTC
    )


def test_first_slot_after_is_today_or_tomorrow() -> None:
    moscow = zone_of("Europe/Moscow")
    morning = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # 08:00 in Moscow
    assert first_slot_after(morning, time(9, 0), moscow) == datetime(2026, 3, 1, 6, tzinfo=UTC)
    noon = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    assert first_slot_after(noon, time(9, 0), moscow) == datetime(2026, 3, 2, 6, tzinfo=UTC)


def test_next_day_keeps_local_time_across_spring_forward() -> None:
    berlin = zone_of("Europe/Berlin")  # 2026-03-29: 02:00 → 03:00
    before = slot_for(date(2026, 3, 28), time(9, 0), berlin)
    after = slot_after_day_of(before, time(9, 0), berlin)
    assert after - before == timedelta(hours=23)
    assert after.astimezone(berlin).hour == 9


def test_next_day_keeps_local_time_across_fall_back() -> None:
    berlin = zone_of("Europe/Berlin")  # 2026-10-25: 03:00 → 02:00
    before = slot_for(date(2026, 10, 24), time(9, 0), berlin)
    after = slot_after_day_of(before, time(9, 0), berlin)
    assert after - before == timedelta(hours=25)
    assert after.astimezone(berlin).hour == 9


def test_time_inside_the_spring_gap_still_gets_one_slot_that_day() -> None:
    berlin = zone_of("Europe/Berlin")
    slot = slot_for(date(2026, 3, 29), time(2, 30), berlin)
    assert slot.astimezone(berlin).date() == date(2026, 3, 29)
    assert slot.astimezone(berlin).hour == 3
