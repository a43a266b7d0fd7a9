"""When a card is due: a card scheduled days ahead is due for its whole local day (as in
Anki); a learning step of minutes is due at its exact time."""

from datetime import UTC, datetime, time, timedelta

from bot.quiz.clock import zone_of

_DAY = timedelta(days=1)


def day_bounds(now: datetime, zone_name: str) -> tuple[datetime, datetime]:
    """The user's local day around ``now``: its start and the next day's start, in UTC."""
    zone = zone_of(zone_name)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(today + _DAY, time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def by_day(due: datetime, last_review: datetime | None) -> bool:
    """Was the card scheduled a day or more ahead (not a learning step of minutes)?"""
    return last_review is not None and due - last_review >= _DAY


def is_due(due: datetime, last_review: datetime | None, now: datetime, day_end: datetime) -> bool:
    """Due now: its time has come, or it was scheduled by days and its day is today."""
    return due <= now or (by_day(due, last_review) and due < day_end)


def available_at(due: datetime, last_review: datetime | None, zone_name: str) -> datetime:
    """When the card becomes due: its local day's start if scheduled by days, else its time."""
    return day_bounds(due, zone_name)[0] if by_day(due, last_review) else due
