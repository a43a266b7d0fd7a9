"""The push's pace: a 429 stops everyone for retry_after, then the rate fits what Telegram
grants; it creeps back up while sends succeed. Run on a virtual clock against a simulated
Telegram with a per-second limit."""

import collections

from bot.push.pacing import SendGate


class VirtualTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


class LimitedTelegram:
    """At most ``limit`` messages in any second (a 1 s sliding window), else 429 with
    ``retry_after``; what it lets through is delivered."""

    def __init__(self, time: VirtualTime, limit: int, retry_after: float = 1.0) -> None:
        self._time = time
        self.limit = limit
        self.retry_after = retry_after
        self.window: collections.deque[float] = collections.deque()
        self.delivered: list[float] = []
        self.rejected: list[float] = []

    def send(self) -> bool:
        now = self._time()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.rejected.append(now)
            return False
        self.window.append(now)
        self.delivered.append(now)
        return True


async def _push(gate: SendGate, telegram: LimitedTelegram, messages: int) -> None:
    """Send ``messages`` messages one after another, each retried until delivered."""
    left = messages
    while left:
        sent_at = await gate.turn()
        if telegram.send():
            gate.succeeded(sent_at)
            left -= 1
        else:
            gate.throttled(telegram.retry_after, sent_at)


def _gate(time: VirtualTime, ceiling: float = 25.0) -> SendGate:
    return SendGate(ceiling, monotonic=time, sleep=time.sleep)


async def test_under_the_limit_it_sends_at_the_configured_rate() -> None:
    time = VirtualTime()
    telegram = LimitedTelegram(time, limit=30)
    start = time()

    await _push(_gate(time), telegram, 250)

    assert telegram.rejected == []
    assert 250 / (time() - start) >= 24.9


async def test_a_limit_below_the_rate_is_found_after_a_few_429s() -> None:
    time = VirtualTime()
    telegram = LimitedTelegram(time, limit=5)
    gate = _gate(time)
    start = time()

    await _push(gate, telegram, 200)

    elapsed = time() - start
    assert elapsed <= 1.15 * 200 / 5  # the ideal is 40 s
    assert len(telegram.rejected) <= 5  # one 429 to find the limit, then one per ~25 s
    assert 4.5 <= gate.rate <= 5.1


async def test_no_call_goes_while_telegram_asked_to_wait() -> None:
    time = VirtualTime()
    telegram = LimitedTelegram(time, limit=5, retry_after=61)
    gate = _gate(time)

    await _push(gate, telegram, 12)

    for rejected_at in telegram.rejected:
        assert not [t for t in telegram.delivered if rejected_at < t < rejected_at + 61]


async def test_a_steady_two_per_second_costs_few_rejected_calls() -> None:
    time = VirtualTime()
    telegram = LimitedTelegram(time, limit=2)

    await _push(_gate(time), telegram, 200)

    assert len(telegram.rejected) / 200 < 0.05  # was ~12 rejected calls per delivered message


async def test_the_rate_creeps_back_up_once_telegram_allows_more() -> None:
    time = VirtualTime()
    telegram = LimitedTelegram(time, limit=5)
    gate = _gate(time)
    await _push(gate, telegram, 50)
    low = gate.rate

    telegram.limit = 30
    await _push(gate, telegram, 1500)

    assert low < 5.5
    assert gate.rate == 25.0


async def test_a_429_burst_from_calls_already_in_flight_cuts_the_rate_once() -> None:
    time = VirtualTime()
    gate = _gate(time)
    sent = [await gate.turn() for _ in range(10)]

    for sent_at in sent:
        gate.throttled(1.0, sent_at)

    assert gate.throttles == 1


async def test_a_refused_connection_pauses_everyone_longer_each_time() -> None:
    time = VirtualTime()
    gate = _gate(time)
    pauses = []
    for _ in range(7):
        gate.refused(await gate.turn())
        pauses.append(gate.paused_for())

    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    gate.succeeded(await gate.turn())
    gate.refused(await gate.turn())
    assert gate.paused_for() == 1.0


async def test_refusals_of_calls_already_on_their_way_do_not_lengthen_the_pause() -> None:
    time = VirtualTime()
    gate = _gate(time)
    sent = [await gate.turn() for _ in range(5)]

    for sent_at in sent:
        gate.refused(sent_at)

    assert gate.paused_for() == 1.0


async def test_a_5xx_gives_its_turn_back_without_a_burst() -> None:
    time = VirtualTime()
    gate = _gate(time, ceiling=10)
    start = await gate.turn()
    gate.refund()
    turns = [await gate.turn() for _ in range(10)]

    gaps = [round(b - a, 6) for a, b in zip([start, *turns], turns, strict=False)]
    # The lost turn is made up an eighth of a gap at a time: never faster than 8/7 of the rate.
    assert gaps == [0.1] + [0.0875] * 8 + [0.1]


async def test_a_global_flood_wait_pauses_but_does_not_slow_the_push_down() -> None:
    time = VirtualTime()
    gate = _gate(time)
    for _ in range(5):  # every call answered 429 "retry after 61", one after another
        gate.throttled(61, await gate.turn())

    await gate.turn()

    assert time() >= 1000 + 5 * 61
    assert gate.rate == 25.0
