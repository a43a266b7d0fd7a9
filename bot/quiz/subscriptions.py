"""Subscribing to the daily question and choosing a timezone."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from bot.quiz.clock import first_slot_after, parse_daily_time, zone_of
from bot.quiz.models import UserProfile
from bot.quiz.ports import SubscriptionStore


@dataclass(frozen=True, slots=True)
class DailyState:
    """What /daily shows: the user's zone, and their time and next slot if subscribed."""

    zone: str
    daily_time: str | None
    next_push_at: datetime | None


def daily_state(user: UserProfile) -> DailyState:
    return DailyState(user.timezone, user.daily_time, user.next_push_at)


class Subscriptions:
    def __init__(self, *, store: SubscriptionStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def subscribe(self, user: UserProfile, at: time) -> DailyState:
        next_slot = first_slot_after(self._clock(), at, zone_of(user.timezone))
        daily_time = f"{at:%H:%M}"
        await self._store.subscribe(user.user_id, daily_time, next_slot)
        return DailyState(user.timezone, daily_time, next_slot)

    async def unsubscribe(self, user: UserProfile) -> bool:
        """False when the user was not subscribed."""
        if user.daily_time is None:
            return False
        await self._store.unsubscribe(user.user_id, self._clock())
        return True

    async def set_timezone(self, user: UserProfile, zone: str) -> DailyState:
        next_slot = None
        if user.daily_time is not None:
            at = parse_daily_time(user.daily_time)
            if at is not None:
                next_slot = first_slot_after(self._clock(), at, zone_of(zone))
        await self._store.set_timezone(user.user_id, zone, next_slot)
        return DailyState(zone, user.daily_time if next_slot else None, next_slot)

    async def blocked(self, user_id: int) -> None:
        await self._store.mark_blocked(user_id, self._clock())
