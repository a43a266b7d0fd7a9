"""Bot API calls that ride out Telegram's 429s, 5xx and network blips, within bounds."""

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, Response, TelegramMethod

log = logging.getLogger(__name__)


class RetryRequests(BaseRequestMiddleware):
    """Retry a failed call: after ``retry_after`` on 429, with exponential backoff on 5xx and
    network errors; at most ``attempts`` tries and never a wait longer than ``max_wait``.

    A 429 pauses every call through this session until ``retry_after`` has passed: Telegram's
    flood limit is per bot, so pressing on with other chats would only earn more 429s.
    getUpdates is left to the dispatcher's own polling backoff.
    """

    def __init__(self, attempts: int = 4, base_delay: float = 0.5, max_wait: float = 60) -> None:
        self._attempts = attempts
        self._base_delay = base_delay
        self._max_wait = max_wait
        self._resume_at = 0.0

    async def _flood_gate(self) -> None:
        delay = self._resume_at - asyncio.get_running_loop().time()
        if delay > 0:
            await asyncio.sleep(delay)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        for attempt in range(1, self._attempts + 1):
            await self._flood_gate()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                if attempt == self._attempts or delay > self._max_wait:
                    raise
                loop_time = asyncio.get_running_loop().time()
                self._resume_at = max(self._resume_at, loop_time + delay)
                log.info("%s: 429, retrying in %.0fs", type(method).__name__, delay)
            except (TelegramServerError, TelegramNetworkError) as exc:
                delay = self._base_delay * 2 ** (attempt - 1)
                if attempt == self._attempts:
                    raise
                log.info("%s failed (%s), retrying in %.1fs", type(method).__name__, exc, delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")
