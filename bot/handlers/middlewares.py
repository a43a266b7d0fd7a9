"""Middlewares: every callback answered once, in-flight updates tracked for shutdown."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject

from bot.ui import texts

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


@dataclass
class CallbackReply:
    """What the pressed button's spinner is answered with; handlers fill it in."""

    text: str | None = None
    alert: bool = False


class AnswerCallbacks(BaseMiddleware):
    """Answer every callback query exactly once, after its handler, whatever happened.

    A query too old to answer (Telegram's 400) is logged, not raised.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, CallbackQuery)
        reply = CallbackReply()
        data["reply"] = reply
        try:
            return await handler(event, data)
        except Exception:
            reply.text, reply.alert = texts.ERROR, False
            raise
        finally:
            try:
                await event.answer(reply.text, show_alert=reply.alert)
            except TelegramBadRequest as exc:
                log.info("callback %s not answered: %s", event.id, exc.message)


class InFlightUpdates(BaseMiddleware):
    """Remember the updates being handled, so shutdown lets them finish before closing the DB."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await handler(event, data)
        finally:
            if task is not None:
                self._running.discard(task)

    async def wait(self, seconds: float) -> None:
        """Let updates being handled finish (up to ``seconds``)."""
        current = asyncio.current_task()
        pending = [t for t in self._running if t is not current]
        if pending:
            log.info("waiting for %d update(s) in flight", len(pending))
            await asyncio.wait(pending, timeout=seconds)
