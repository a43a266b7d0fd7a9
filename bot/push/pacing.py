"""How fast the daily push may send: a rate that adapts to what Telegram grants, and a pause of
the whole sender whenever Telegram says «too many requests».

Telegram's limit is per bot and not a fixed number (about 30 messages/s for bulk sends, less
while replies to users share it), and a 429's ``retry_after`` means "this bot, stop". So:

* A 429 stops every push for ``retry_after`` seconds. The rate then drops to 95 % of what
  Telegram let through in the second before the refused call was sent (a per-second limit
  shows itself exactly there; counted when the pause ends, so that calls still in flight at
  the 429 are counted too), at least a 5 % cut, and is held for ``hold`` seconds. A call
  refused straight after a pause, with nothing let through before it, only prolongs the
  pause: a long flood wait says "wait", not "slower". Simulated against a 1 s sliding-window
  limit, this delivers at 92–93 % of the limit with a 429 every ~25 s
  (``tests/unit/test_push_pacing.py``).
* While sends succeed, the rate creeps back up by ``growth`` (5 %) of itself per second,
  never above the configured ceiling (``PUSH_RATE``).
* A refused connection (the Bot API is unreachable) pauses every push with a backoff of
  1, 2, 4 … 30 seconds, until a send goes through.
* A 5xx gives its turn back, spread over the next calls (never a burst): only delivered
  messages count against the rate.
* Replies to users share Telegram's limit: the push's rate is cut to what was left for it,
  so the replies keep their share. They go through another HTTP session and never wait for
  the push's pauses.
"""

import asyncio
import collections
import logging
import math
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
# How much earlier than its turn a call may go while 5xx turns are being given back.
REFUND_SHARE = 0.125
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
        self._credit = 0.0  # seconds of turns given back by 5xx answers, not yet used
        self._paused_until = -math.inf
        self._last_cut = -math.inf
        self._hold_until = -math.inf
        self._grown_at = -math.inf
        self._outage = 0.0
        self._refused_at = -math.inf
        # Send times of the calls Telegram answered (429s apart): what its limit let through.
        self._delivered: collections.deque[float] = collections.deque()
        self._cut_at: float | None = None  # send time of the 429 whose cut is still to come

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
            if self._cut_at is not None:
                self._cut(self._cut_at)
            interval = 1.0 / self.rate
            if self._next < now - interval:
                self._next = now  # idle or late: start afresh, no burst to catch up
            at = self._next
            # A 5xx's turn is given back over the next calls, each at most an eighth of a gap
            # early: the rate rises by at most 14 %, never a burst into Telegram's window.
            early = min(self._credit, interval * REFUND_SHARE)
            self._credit -= early
            self._next = at + interval - early
            if at > now:
                await self._sleep(at - now)
                if self._now() < self._paused_until:
                    continue  # a 429 came in while waiting: this turn waits for its end
            return self._now()

    def answered(self, sent_at: float) -> None:
        """Telegram answered the call with something other than 429 (a 403, a 400): it used
        up a share of the limit though nothing was delivered."""
        now = self._now()
        self._outage = 0.0
        self._delivered.append(sent_at)
        while self._delivered and self._delivered[0] <= now - 5.0:
            self._delivered.popleft()

    def succeeded(self, sent_at: float) -> None:
        self.answered(sent_at)
        now = self._now()
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
        if sent_at > self._last_cut and self._cut_at is None:
            self._cut_at = sent_at
            self._last_cut = now
            self.throttles += 1
        self._pause_until(now + max(retry_after, 0.0))
        self._hold_until = self._paused_until + self._hold

    def _cut(self, refused_sent_at: float) -> None:
        self._cut_at = None
        window = (refused_sent_at - 1.0, refused_sent_at)
        granted = sum(1 for t in self._delivered if window[0] < t <= window[1])
        if granted == 0:
            return  # refused straight after a pause: "still wait", nothing about the rate
        before, self.rate = self.rate, max(self._floor, min(self.rate * 0.95, granted * 0.95))
        log.info(
            "push: Telegram asked to slow down; %d call(s) answered in the second before the"
            " refused one; rate %.2f → %.2f messages/s", granted, before, self.rate,
        )  # fmt: skip

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
        self._credit = min(self._credit + 1.0 / self.rate, 1.0)

    def _pause_until(self, until: float) -> None:
        if until > self._paused_until:
            self._paused_until = until
            self._next = until
