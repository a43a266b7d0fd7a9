"""Polling under load: a getUpdates that found updates is followed after a short gap, so the
next call collects a batch; an idle bot keeps its long poll waiting and replies at once."""

from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import GetUpdates, SendMessage
from aiogram.types import Update

from bot.poll_batching import BatchedPolling


class Clock:
    """Manual time: sleeping moves it forward and is recorded."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Server:
    """A make_request answering each getUpdates with the next batch of updates."""

    def __init__(self, clock: Clock, *batches: int, took: float = 0.0) -> None:
        self.batches = list(batches)
        self.clock = clock
        self.took = took
        self.methods: list[str] = []

    async def __call__(self, bot: Bot, method: Any) -> Any:
        """As aiogram's make_request: the method's result, here the updates."""
        self.methods.append(type(method).__name__)
        self.clock.now += self.took
        if isinstance(method, GetUpdates):
            return [Update(update_id=i) for i in range(self.batches.pop(0))]
        return True


@pytest.fixture
def bot() -> Bot:
    return Bot("42:TEST-token-for-poll-tests-only")


async def test_after_a_batch_the_next_poll_waits_out_the_gap(bot: Bot) -> None:
    clock = Clock()
    server = Server(clock, 3, 5)
    polling = BatchedPolling(0.03, clock=clock, sleep=clock.sleep)
    await polling(server, bot, GetUpdates())
    clock.now += 0.01  # handing the batch out took 10 ms
    await polling(server, bot, GetUpdates())
    assert clock.slept == [pytest.approx(0.02)]


async def test_an_idle_bot_polls_again_at_once(bot: Bot) -> None:
    clock = Clock()
    server = Server(clock, 0, 0, 2, took=25.0)  # long polls that ran out, then an update
    polling = BatchedPolling(0.03, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        await polling(server, bot, GetUpdates(timeout=25))
    assert clock.slept == []


async def test_a_poll_later_than_the_gap_does_not_wait(bot: Bot) -> None:
    clock = Clock()
    server = Server(clock, 1, 1)
    polling = BatchedPolling(0.03, clock=clock, sleep=clock.sleep)
    await polling(server, bot, GetUpdates())
    clock.now += 0.5  # the updates took long to hand out: the next batch has gathered
    await polling(server, bot, GetUpdates())
    assert clock.slept == []


async def test_replies_are_never_held_back(bot: Bot) -> None:
    clock = Clock()
    server = Server(clock, 4)
    polling = BatchedPolling(0.03, clock=clock, sleep=clock.sleep)
    await polling(server, bot, GetUpdates())
    for _ in range(3):
        await polling(server, bot, SendMessage(chat_id=1, text="x"))
    assert clock.slept == []
    assert server.methods == ["GetUpdates"] + ["SendMessage"] * 3
