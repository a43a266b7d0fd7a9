"""The bot's HTTP session to the Bot API."""

from typing import Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    Response,
    SendMessage,
    SendPhoto,
    SetMyCommands,
    TelegramMethod,
)

_METHODS_WE_CALL = (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    SendMessage,
    SendPhoto,
    SetMyCommands,
)


class PinnedResponseSession(AiohttpSession):
    """An AiohttpSession that keeps its response types alive.

    aiogram parses every answer with ``Response[method.__returning__]``. pydantic caches that
    parametrized class only through weak references, so once the garbage collector has run
    the next call builds it anew — profiled at ~8 % of the bot's CPU under load (py-spy,
    bench/load_bench.py). Holding a reference to each type we use keeps the cache warm.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types = tuple(_response_type(m) for m in _METHODS_WE_CALL)


def _response_type(method: type[TelegramMethod[Any]]) -> object:
    # The exact expression aiogram's check_response uses, so the cache key is the same.
    return Response[method.__returning__]  # type: ignore[name-defined]
