"""The per-user token bucket: a burst, then a steady rate; one notice per window."""

from bot.ratelimit import TokenBucketLimiter, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_burst_then_one_notice_then_silence() -> None:
    limiter = TokenBucketLimiter(rate=1, burst=3, notice_every=60, clock=Clock())

    verdicts = [await limiter.check(1) for _ in range(10)]

    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.DROP_AND_NOTIFY] + [Verdict.DROP] * 6


async def test_one_user_over_the_limit_does_not_touch_another() -> None:
    limiter = TokenBucketLimiter(rate=1, burst=2, clock=Clock())
    for _ in range(100):
        await limiter.check(1)

    assert [await limiter.check(2) for _ in range(2)] == [Verdict.ALLOW] * 2


async def test_tokens_come_back_at_the_rate_and_the_notice_after_its_window() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(rate=2, burst=2, notice_every=30, clock=clock)
    for _ in range(5):
        await limiter.check(1)

    clock.now += 0.5
    assert await limiter.check(1) is Verdict.ALLOW  # one token back after 0.5 s at 2/s
    assert await limiter.check(1) is Verdict.DROP
    clock.now += 30
    assert [await limiter.check(1) for _ in range(3)] == [Verdict.ALLOW] * 2 + [
        Verdict.DROP_AND_NOTIFY
    ]


async def test_idle_users_are_forgotten_when_there_are_many() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(rate=1, burst=2, notice_every=5, max_users=3, clock=clock)
    for user in range(3):
        await limiter.check(user)
    clock.now += 10

    await limiter.check(99)

    assert len(limiter._buckets) == 1
