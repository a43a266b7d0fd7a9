"""An aiogram session that records every Bot API call and answers like Telegram would.

Prepared errors can be queued per method, to check the handlers' fault handling.
"""

import asyncio
import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, File, Message


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.errors: dict[type[TelegramMethod[Any]], list[TelegramAPIError]] = {}
        self._ids = itertools.count(1000)
        self.files: dict[str, bytes] = {}  # file_id → content, for getFile + download
        # While set to an unset event, every request waits for it (a slow Telegram).
        self.hold: asyncio.Event | None = None

    def fail_next(self, method: type[TelegramMethod[Any]], error: TelegramAPIError) -> None:
        self.errors.setdefault(method, []).append(error)

    def sent(self, method: type[TelegramMethod[TelegramType]]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, method)]

    async def close(self) -> None:
        pass

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files[url.rsplit("/", 1)[-1]]

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        if self.hold is not None:
            await self.hold.wait()
        queued = self.errors.get(type(method))
        if queued:
            raise queued.pop(0)
        return self._result(method)  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, SendMessage | SendPhoto | EditMessageText | EditMessageReplyMarkup):
            chat_id = int(method.chat_id or 0)
            message_id = getattr(method, "message_id", None) or next(self._ids)
            return Message(
                message_id=message_id,
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private"),
                text=getattr(method, "text", None),
            )
        if isinstance(method, GetFile):
            return File(file_id=method.file_id, file_unique_id="u", file_path=method.file_id)
        return True
