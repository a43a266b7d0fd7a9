"""Subscribing to the daily question and choosing a timezone."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

from bot.push.clock import first_slot_after, parse_daily_time, zone_of
from bot.storage.pushes import PushStore
from bot.storage.repo import Repository


@dataclass(frozen=True, slots=True)
class DailyState:
    """What /daily shows: the user's zone, and their time and next slot if subscribed."""

    zone: str
    daily_time: str | None
    next_push_at: datetime | None


class Subscriptions:
    def __init__(
        self,
        *,
        repo: Repository,
        store: PushStore,
        default_zone: str,
        clock: Callable[[], datetime],
    ) -> None:
        self._repo = repo
        self._store = store
        self._default_zone = default_zone
        self._clock = clock

    async def zone_name(self, user_id: int) -> str:
        user = await self._repo.get_user(user_id)
        return (user.timezone if user else None) or self._default_zone

    async def state(self, user_id: int) -> DailyState:
        zone = await self.zone_name(user_id)
        sub = await self._store.subscription(user_id)
        if sub is None:
            return DailyState(zone, None, None)
        return DailyState(zone, sub.daily_time, sub.next_push_at)

    async def subscribe(self, user_id: int, at: time) -> DailyState:
        zone = await self.zone_name(user_id)
        next_slot = first_slot_after(self._clock(), at, zone_of(zone))
        daily_time = f"{at:%H:%M}"
        await self._store.subscribe(user_id, daily_time, next_slot)
        return DailyState(zone, daily_time, next_slot)

    async def unsubscribe(self, user_id: int) -> bool:
        """False when the user was not subscribed."""
        if await self._store.subscription(user_id) is None:
            return False
        await self._store.unsubscribe(user_id)
        return True

    async def set_timezone(self, user_id: int, zone: str) -> DailyState:
        sub = await self._store.subscription(user_id)
        next_slot = None
        if sub is not None:
            at = parse_daily_time(sub.daily_time)
            assert at is not None
            next_slot = first_slot_after(self._clock(), at, zone_of(zone))
        await self._store.set_timezone(user_id, zone, next_slot)
        return DailyState(zone, sub.daily_time if sub else None, next_slot)

    async def blocked(self, user_id: int) -> None:
        await self._store.mark_blocked(user_id, self._clock())
