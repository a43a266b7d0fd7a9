"""Which failed Bot API calls are tried again, and how often."""

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SendPhoto
from aiohttp import ServerDisconnectedError

from bot.retry import RetryRequests

METHOD = SendMessage(chat_id=1, text="x")


@pytest.fixture
def bot() -> Bot:
    return Bot("42:TEST-token-for-retry-tests-only")


class Script:
    """A make_request that fails with the given errors, then succeeds."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self, bot: Bot, method: Any) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


async def test_429_waits_and_retries_as_often_as_asked(bot: Bot) -> None:
    script = Script(*[TelegramRetryAfter(METHOD, "Too Many Requests", retry_after=0)] * 6)
    assert await RetryRequests(base_delay=0)(script, bot, METHOD) == "ok"  # type: ignore[arg-type]
    assert script.calls == 7


async def test_5xx_is_retried_a_bounded_number_of_times(bot: Bot) -> None:
    script = Script(*[TelegramServerError(METHOD, "Bad Gateway")] * 10)
    with pytest.raises(TelegramServerError):
        await RetryRequests(attempts=4, base_delay=0)(script, bot, METHOD)  # type: ignore[arg-type]
    assert script.calls == 4


async def test_network_error_is_not_retried_for_bulk_sends(bot: Bot) -> None:
    script = Script(TelegramNetworkError(METHOD, "Connection reset"))
    retry = RetryRequests(base_delay=0, retry_network_errors=False)
    with pytest.raises(TelegramNetworkError):
        await retry(script, bot, METHOD)  # type: ignore[arg-type]
    assert script.calls == 1


def _network_error(method: Any, cause: BaseException | None) -> TelegramNetworkError:
    error = TelegramNetworkError(method, f"{type(cause).__name__}: {cause}")
    error.__cause__ = cause
    return error


async def test_refused_connection_is_retried_for_replies(bot: Bot) -> None:
    script = Script(_network_error(METHOD, ConnectionRefusedError(111, "Connection refused")))
    assert await RetryRequests(base_delay=0)(script, bot, METHOD) == "ok"  # type: ignore[arg-type]
    assert script.calls == 2


@pytest.mark.parametrize(
    "cause",
    [ServerDisconnectedError(), ConnectionResetError(104, "Connection reset"), TimeoutError()],
)
@pytest.mark.parametrize("method", [METHOD, SendPhoto(chat_id=1, photo="file-id")])
async def test_a_send_that_may_have_arrived_is_not_sent_again(
    bot: Bot, cause: BaseException, method: Any
) -> None:
    script = Script(_network_error(method, cause))
    with pytest.raises(TelegramNetworkError):
        await RetryRequests(base_delay=0)(script, bot, method)
    assert script.calls == 1


@pytest.mark.parametrize(
    "method",
    [
        EditMessageText(chat_id=1, message_id=2, text="x"),
        AnswerCallbackQuery(callback_query_id="1"),
    ],
)
async def test_harmless_calls_are_retried_after_a_dropped_connection(bot: Bot, method: Any) -> None:
    script = Script(_network_error(method, ServerDisconnectedError()))
    assert await RetryRequests(base_delay=0)(script, bot, method) == "ok"
    assert script.calls == 2


async def test_403_is_never_retried(bot: Bot) -> None:
    script = Script(TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"))
    with pytest.raises(TelegramForbiddenError):
        await RetryRequests(base_delay=0)(script, bot, METHOD)  # type: ignore[arg-type]
    assert script.calls == 1
