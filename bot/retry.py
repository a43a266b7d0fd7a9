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
from aiogram.methods import GetUpdates, Response, SendMessage, SendPhoto, TelegramMethod
from aiohttp import ClientConnectorError

log = logging.getLogger(__name__)
# Calls that deliver something new: sent twice, the user sees it twice.
_DELIVERING = (SendMessage, SendPhoto)


def never_sent(exc: BaseException) -> bool:
    """The request provably never reached the server: the connection could not be made.

    A read timeout or a connection reset after the request was written proves nothing:
    Telegram may have carried it out.
    """
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ClientConnectorError | ConnectionRefusedError):
            return True
        cause = cause.__cause__
    return False


class RetryRequests(BaseRequestMiddleware):
    """Retry a failed reply: after ``retry_after`` on 429 (as often as Telegram asks, until
    ``max_wait`` seconds of waiting in all), with exponential backoff on 5xx and network
    errors (at most ``attempts`` tries).

    For replies to users only: each call waits out its own retry_after, so one chat's 429
    never stalls the replies to others (the daily push has a bot of its own, without this
    middleware: its sender pauses as a whole). getUpdates is left to the dispatcher's own
    polling backoff. A reply that delivers something (sendMessage, sendPhoto) is retried
    after a network error only when the connection could not even be made (a second card is
    worse than a missing one); edits and answers, harmless to repeat, are retried after any
    network error. Without ``retry_network_errors`` no network error is retried.
    """

    def __init__(
        self,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_wait: float = 60,
        retry_network_errors: bool = True,
    ) -> None:
        self._attempts = attempts
        self._retryable: tuple[type[Exception], ...] = (
            (TelegramServerError, TelegramNetworkError)
            if retry_network_errors
            else (TelegramServerError,)
        )
        self._base_delay = base_delay
        self._max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        failures = 0
        waited = 0.0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                delay = float(exc.retry_after)
                if waited + delay > self._max_wait:
                    raise
                log.info("%s: 429, retrying in %.0fs", type(method).__name__, delay)
            except self._retryable as exc:
                if (
                    isinstance(exc, TelegramNetworkError)
                    and isinstance(method, _DELIVERING)
                    and not never_sent(exc)
                ):
                    raise
                failures += 1
                delay = self._base_delay * 2 ** (failures - 1)
                if failures >= self._attempts:
                    raise
                log.info("%s failed (%s), retrying in %.1fs", type(method).__name__, exc, delay)
            waited += delay
            await asyncio.sleep(delay)
