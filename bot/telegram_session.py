"""The bot's HTTP session to the Bot API."""

import json
from typing import Any

import orjson
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


def json_loads(text: str | bytes) -> Any:
    """A Bot API answer or update, decoded by orjson; by the standard library where orjson
    refuses what it reads — a lone surrogate escape (``"\\ud800"``, which a user's text can
    carry), NaN — so such an update is read as it always was instead of failing its whole
    batch. (Telegram's ids fit in 52 bits; orjson would read a longer integer as a float.)"""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def json_dumps(value: Any) -> str:
    """JSON text of a value aiogram sends (a keyboard, entities): orjson's, as ``str``; the
    standard library's for what orjson refuses (a lone surrogate in a text)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


class PinnedResponseSession(AiohttpSession):
    """An AiohttpSession that keeps its response types alive, and reads and writes JSON with
    orjson.

    aiogram parses every answer with ``Response[method.__returning__]``. pydantic caches that
    parametrized class only through weak references, so once the garbage collector has run
    the next call builds it anew — profiled at ~8 % of the bot's CPU under load (py-spy,
    bench/load_bench.py). Holding a reference to each type we use keeps the cache warm.

    Every answer (a sent or edited card: ~3 KB) is decoded, every keyboard encoded, and the
    webhook decodes each update with the same ``json_loads``: orjson takes 4.7 µs where the
    standard library takes 9.3 to decode a card, 0.7 where it takes 5.3 to encode a keyboard.
    Its text differs only in leaving non-ASCII characters unescaped (still JSON; smaller).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"json_loads": json_loads, "json_dumps": json_dumps, **kwargs})
        self._response_types = tuple(_response_type(m) for m in _METHODS_WE_CALL)


def _response_type(method: type[TelegramMethod[Any]]) -> object:
    # The exact expression aiogram's check_response uses, so the cache key is the same.
    return Response[method.__returning__]  # type: ignore[name-defined]
