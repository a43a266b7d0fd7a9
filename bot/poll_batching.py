"""Long polling that fetches updates in batches under load."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import GetUpdates, TelegramMethod

# Long enough to gather the updates of a busy second into a few calls, short beside the
# network's own delay: what a user may wait longer for their reply, at most.
BATCH_GAP_SECONDS = 0.03


class BatchedPolling(BaseRequestMiddleware):
    """Session middleware: after a getUpdates that found updates, the next one starts no
    sooner than ``gap`` seconds later.

    aiogram asks again the moment a batch is handed out, so under steady load every call
    returns one or two updates, and getUpdates (a full request and its parsing) costs as
    much as the replies themselves (bench/load_bench.py: 0.7 calls per update). Waiting a
    moment lets updates gather. An empty answer (the long poll ran out) is followed at once,
    and an idle bot answers as fast as before: the long poll is already waiting when an update
    arrives. Other methods pass straight through.
    """

    def __init__(
        self,
        gap: float = BATCH_GAP_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._gap = gap
        self._clock = clock
        self._sleep = sleep
        self._found_at: float | None = None

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Any:
        # Despite its annotation, make_request returns the method's result (here, the updates).
        if not isinstance(method, GetUpdates):
            return await make_request(bot, method)
        if self._found_at is not None:
            wait = self._found_at + self._gap - self._clock()
            if wait > 0:
                await self._sleep(wait)
        updates = await make_request(bot, method)
        self._found_at = self._clock() if updates else None
        return updates
