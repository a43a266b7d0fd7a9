"""Local times, timezones and daily slots: pure functions, tested with a frozen clock."""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.quiz.cities import zone_for_name

_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?$")
_MAX_ZONE_NAME = 40  # the longest IANA name is 32 characters
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_daily_time(text: str) -> time | None:
    """``09:30``, ``9:30``, ``9.30``, ``0930``, ``930`` or ``9`` → a time; else None."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


_MOSCOW_OFFSET: Final = re.compile(r"(?:мск|msk)\s*([+-−])\s*(\d{1,2})", re.IGNORECASE)


def parse_timezone(text: str) -> str | None:
    """A city or abbreviation (``Москва``, ``МСК``, see ``bot.quiz.cities``), an IANA name
    (``Europe/Moscow``), ``UTC``, or an offset (``+3``, ``UTC-5``, ``+05:30``).

    Returns the canonical stored form (the IANA name, or ``UTC+03:00``), or None.
    """
    value = text.strip()
    if len(value) > _MAX_ZONE_NAME:
        return None
    by_name = zone_for_name(value)
    if by_name is not None:
        return by_name
    moscow = _MOSCOW_OFFSET.fullmatch(value)
    if moscow:
        # «МСК+2» is how Russian timetables give a zone: Moscow time (UTC+3, no DST) plus hours.
        shift = int(moscow.group(2)) * (1 if moscow.group(1) == "+" else -1)
        if not -12 <= shift + 3 <= 14:
            return None
        value = f"{shift + 3:+d}"
    if value.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    match = _OFFSET.match(value)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            return None
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}", value):
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
        lowered = {name.lower(): name for name in available_timezones()}
        return lowered.get(value.lower())
    return value


def zone_of(name: str) -> tzinfo:
    """The tzinfo for a stored timezone name (see ``parse_timezone``)."""
    if name == "UTC":
        return UTC
    if name.startswith("UTC") and len(name) == 9:
        sign = 1 if name[3] == "+" else -1
        offset = timedelta(hours=int(name[4:6]), minutes=int(name[7:9]))
        return timezone(sign * offset, name)
    return ZoneInfo(name)


def slot_for(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC instant of local ``at`` on local ``day``.

    A time that does not exist that day (the spring-forward gap) is taken with the offset from
    before the change, which lands just after the gap; a time that occurs twice (fall back)
    is its first occurrence.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def first_slot_after(moment: datetime, at: time, zone: tzinfo) -> datetime:
    """The first daily slot strictly after ``moment``."""
    day = local_date(moment, zone)
    slot = slot_for(day, at, zone)
    while slot <= moment:
        day += timedelta(days=1)
        slot = slot_for(day, at, zone)
    return slot


def slot_after_day_of(slot: datetime, at: time, zone: tzinfo) -> datetime:
    """The slot of the local day after ``slot``'s local day (tomorrow's push)."""
    return slot_for(local_date(slot, zone) + timedelta(days=1), at, zone)
