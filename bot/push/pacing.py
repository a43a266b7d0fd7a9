"""How fast the daily push may send: a rate that adapts to what Telegram grants, and a pause of
the whole sender whenever Telegram says «too many requests».

Telegram's limit is per bot and not a fixed number (about 30 messages/s for bulk sends, less
while replies to users share it), and a 429's ``retry_after`` means "this bot, stop". So:

* A 429 stops every push for ``retry_after`` seconds. The rate then drops to 95 % of what
  Telegram let through in the second before (a per-second limit shows itself exactly there;
  half the rate when nothing got through), at least a 5 % cut, and is held for ``hold``
  seconds. Simulated against a 1 s sliding-window limit, this delivers at 92–93 % of the
  limit with a 429 every ~25 s (``tests/unit/test_push_pacing.py``).
* While sends succeed, the rate creeps back up by ``growth`` (5 %) of itself per second,
  never above the configured ceiling (``PUSH_RATE``).
* A refused connection (the Bot API is unreachable) pauses every push with a backoff of
  1, 2, 4 … 30 seconds, until a send goes through.
* A 5xx gives its turn back: only delivered messages count against the rate.

Replies to users go through another HTTP session and never wait for these pauses.
"""

import asyncio
import collections
import math
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class SendGate:
    """Paces one sender's calls; ``turn()`` is awaited before each call, and the call's
    answer is reported back with ``succeeded`` / ``throttled`` / ``refused`` / ``refund``."""

    def __init__(
        self,
        ceiling: float,
        *,
        floor: float = 0.5,
        hold: float = 20.0,
        growth: float = 0.05,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.ceiling = ceiling
        self.rate = ceiling
        self.throttles = 0  # 429 answers that lowered the rate
        self._floor = min(floor, ceiling)
        self._hold = hold
        self._growth = growth
        self._now = monotonic
        self._sleep = sleep
        self._next = -math.inf  # when the next call may go
        self._paused_until = -math.inf
        self._last_cut = -math.inf
        self._hold_until = -math.inf
        self._grown_at = -math.inf
        self._outage = 0.0
        self._refused_at = -math.inf
        self._delivered: collections.deque[float] = collections.deque()

    def paused_for(self) -> float:
        """Seconds until the current pause ends (0 when not paused)."""
        return max(0.0, self._paused_until - self._now())

    async def turn(self) -> float:
        """Wait until a call may go; returns the moment it went (pass it to ``throttled``)."""
        while True:
            now = self._now()
            if now < self._paused_until:
                await self._sleep(self._paused_until - now)
                continue
            interval = 1.0 / self.rate
            if self._next < now - interval:
                self._next = now  # idle or late: start afresh, no burst to catch up
            at = self._next
            self._next = at + interval
            if at > now:
                await self._sleep(at - now)
                if self._now() < self._paused_until:
                    continue  # a 429 came in while waiting: this turn waits for its end
            return self._now()

    def succeeded(self) -> None:
        now = self._now()
        self._outage = 0.0
        self._delivered.append(now)
        while self._delivered and self._delivered[0] <= now - 1.0:
            self._delivered.popleft()
        if now < self._hold_until or self.rate >= self.ceiling:
            self._grown_at = now
            return
        elapsed = min(now - self._grown_at, 1.0)
        self._grown_at = now
        self.rate = min(self.ceiling, self.rate * (1 + self._growth * elapsed))

    def throttled(self, retry_after: float, sent_at: float) -> None:
        """A 429: pause everyone; lower the rate once per burst of 429s (calls sent before
        the last cut were sent at the old rate and say nothing new)."""
        now = self._now()
        if sent_at > self._last_cut:
            granted = self._granted(now)
            cut = self.rate * 0.5 if granted is None else granted * 0.95
            self.rate = max(self._floor, min(self.rate * 0.95, cut))
            self._last_cut = now
            self.throttles += 1
        self._pause_until(now + max(retry_after, 0.0))
        self._hold_until = self._paused_until + self._hold

    def refused(self, sent_at: float) -> None:
        """The connection could not be made: everyone waits, longer each time (calls that
        were already on their way when the last pause began do not lengthen it again)."""
        now = self._now()
        if sent_at > self._refused_at:
            self._outage = min(30.0, max(1.0, self._outage * 2))
            self._refused_at = now
        self._pause_until(now + self._outage)

    def pause(self, seconds: float) -> None:
        self._pause_until(self._now() + seconds)

    def refund(self) -> None:
        """The call was not delivered (5xx): its turn goes to the next one."""
        self._next -= 1.0 / self.rate

    def _pause_until(self, until: float) -> None:
        if until > self._paused_until:
            self._paused_until = until
            self._next = until

    def _granted(self, now: float) -> float | None:
        """Messages delivered in the last second; None when none was."""
        count = sum(1 for t in self._delivered if t > now - 1.0)
        return float(count) if count else None
