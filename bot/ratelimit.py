"""Per-user flood control: how many updates one user may send, behind a small interface.

The in-memory token bucket fits one polling process; a shared store (Redis, the database)
can implement ``RateLimiter`` when several processes serve the same bot.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class Verdict(Enum):
    ALLOW = "allow"
    DROP_AND_NOTIFY = "drop_and_notify"  # the first update over the limit in a notice window
    DROP = "drop"


class RateLimiter(Protocol):
    async def check(self, key: int) -> Verdict:
        """Count one update of ``key`` (a user id) and say what to do with it."""


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    noticed: float | None = None


class TokenBucketLimiter:
    """``burst`` updates at once, then ``rate`` per second; over the limit, one notice per
    ``notice_every`` seconds. Idle users are forgotten once there are more than ``max_users``.
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        notice_every: float = 60.0,
        max_users: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = float(burst)
        self._notice_every = notice_every
        self._max_users = max_users
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    async def check(self, key: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_users:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.noticed is None or now - bucket.noticed >= self._notice_every:
            bucket.noticed = now
            return Verdict.DROP_AND_NOTIFY
        return Verdict.DROP

    def _forget_idle(self, now: float) -> None:
        """Drop users whose bucket has refilled: forgetting them changes nothing."""
        full_after = self._burst / self._rate
        idle = [
            key
            for key, b in self._buckets.items()
            if now - b.updated >= full_after
            and (b.noticed is None or now - b.noticed >= self._notice_every)
        ]
        for key in idle:
            del self._buckets[key]


class NoLimit:
    """Every update allowed (tests, benchmarks)."""

    async def check(self, key: int) -> Verdict:
        return Verdict.ALLOW
