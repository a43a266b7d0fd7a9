"""The minute tick: queue a push for every subscriber whose local time has come."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.quiz.clock import local_date, parse_daily_time, slot_after_day_of, zone_of
from bot.storage.pushes import Claim, PushStore, Subscriber

log = logging.getLogger(__name__)
_BATCH = 1000
_MAX_ROUNDS = 400  # enough to catch up a year of missed days for a full batch


@dataclass(frozen=True)
class TickResult:
    queued: int = 0
    expired: int = 0


def plan(subscriber: Subscriber, default_zone: str) -> Claim:
    """This subscriber's due slot, as a claim that also names their next slot."""
    zone = zone_of(subscriber.timezone or default_zone)
    at = parse_daily_time(subscriber.daily_time)
    if at is None:
        raise ValueError(f"bad daily time {subscriber.daily_time!r} for {subscriber.user_id}")
    slot = subscriber.next_push_at
    return Claim(
        user_id=subscriber.user_id,
        local_date=local_date(slot, zone).isoformat(),
        slot_at=slot,
        next_push_at=slot_after_day_of(slot, at, zone),
    )


class PushPlanner:
    """Asks the database who is due; survives restarts because the due list lives there."""

    def __init__(self, store: PushStore, default_zone: str, grace: timedelta) -> None:
        self._store = store
        self._default_zone = default_zone
        self._grace = grace

    async def tick(self, now: datetime) -> TickResult:
        queued = expired = 0
        for _ in range(_MAX_ROUNDS):
            due = await self._store.due_subscribers(now, _BATCH)
            if not due:
                break
            fresh: list[tuple[Subscriber, Claim]] = []
            late: list[tuple[Subscriber, Claim]] = []
            for subscriber in due:
                claim = plan(subscriber, self._default_zone)
                (late if now - claim.slot_at > self._grace else fresh).append((subscriber, claim))
            queued += await self._store.claim(fresh, now)
            expired += await self._store.claim(late, now, status="expired")
        if queued or expired:
            log.info("push tick: %d queued, %d expired", queued, expired)
        return TickResult(queued, expired)
