"""The minute tick: queue a push for every subscriber whose local time has come."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.quiz.clock import local_date, parse_daily_time, slot_after_day_of, zone_of
from bot.quiz.ports import Claim, PushQueue, PushStatus, Subscriber

log = logging.getLogger(__name__)
_BATCH = 1000
_MAX_ROUNDS = 400  # enough to catch up a year of missed days for a full batch


@dataclass(frozen=True)
class TickResult:
    queued: int = 0
    expired: int = 0
    failed: int = 0


def plan(subscriber: Subscriber, default_zone: str) -> Claim:
    """This subscriber's due slot, as a claim that also names their next slot.

    Raises ValueError for a row that cannot be planned (a time that does not parse, a
    timezone the tz database no longer has).
    """
    zone = zone_of(subscriber.timezone or default_zone)
    at = parse_daily_time(subscriber.daily_time)
    if at is None:
        raise ValueError(f"daily time {subscriber.daily_time!r} does not parse")
    slot = subscriber.next_push_at
    return Claim(
        user_id=subscriber.user_id,
        local_date=local_date(slot, zone).isoformat(),
        slot_at=slot,
        next_push_at=slot_after_day_of(slot, at, zone),
        expected_push_at=slot,
    )


def unplannable(subscriber: Subscriber, reason: str) -> Claim:
    """A row that cannot be planned is logged ``failed`` with the reason and moved a day on,
    so it never blocks the subscribers sorted after it."""
    slot = subscriber.next_push_at
    return Claim(
        user_id=subscriber.user_id,
        local_date=slot.date().isoformat(),
        slot_at=slot,
        next_push_at=slot + timedelta(days=1),
        expected_push_at=slot,
        status=PushStatus.FAILED,
        reason=reason[:300],
    )


class PushPlanner:
    """Asks the database who is due; survives restarts because the due list lives there."""

    def __init__(self, store: PushQueue, default_zone: str, grace: timedelta) -> None:
        self._store = store
        self._default_zone = default_zone
        self._grace = grace

    def _claim(self, subscriber: Subscriber, now: datetime) -> Claim:
        try:
            claim = plan(subscriber, self._default_zone)
        except Exception as exc:
            log.warning("subscriber %s cannot be planned: %s", subscriber.user_id, exc)
            return unplannable(subscriber, f"{type(exc).__name__}: {exc}")
        if now - claim.slot_at > self._grace:
            return Claim(
                claim.user_id,
                claim.local_date,
                claim.slot_at,
                claim.next_push_at,
                claim.expected_push_at,
                status=PushStatus.EXPIRED,
                reason="slot missed beyond the grace window",
            )
        return claim

    async def tick(self, now: datetime) -> TickResult:
        counts = {PushStatus.QUEUED: 0, PushStatus.EXPIRED: 0, PushStatus.FAILED: 0}
        for _ in range(_MAX_ROUNDS):
            due = await self._store.due_subscribers(now, _BATCH)
            if not due:
                break
            claims = [self._claim(subscriber, now) for subscriber in due]
            for status in counts:
                batch = [c for c in claims if c.status is status]
                if batch:
                    counts[status] += await self._store.claim(batch, now)
        result = TickResult(*counts.values())
        if result != TickResult():
            log.info(
                "push tick: %d queued, %d expired, %d failed",
                result.queued, result.expired, result.failed,
            )  # fmt: skip
        return result
