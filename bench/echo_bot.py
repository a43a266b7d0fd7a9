"""The framework's floor: a bare aiogram bot making the same Bot API calls as ds-quiz-bot —
a message for /quiz; for each button press an edit of the card plus answerCallbackQuery
(and a new card for «next») — with none of the bot's own work (no storage, no scheduling).

With ``ECHO_PAYLOADS`` naming a JSON file of the real bot's recorded payloads (texts and
keyboards per kind of reply, written by bench.load_bench), it sends those, round robin, so both
bots put the same bytes on the wire; without it, stand-in texts of about the same shape.

Run like the real bot (same environment variables): ``python -m bench.echo_bot``. With
``BOT_MODE=webhook`` it serves aiogram's webhook handler on ``WEB_HOST:WEB_PORT`` at
``WEBHOOK_PATH`` (checking ``WEBHOOK_SECRET``), answering 200 only after an update was handled,
as the real bot does, plus a ``/readyz`` that answers 200.
"""

import asyncio
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.filters import Filter
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from magic_filter import MagicFilter

CARD = "🧠 <i>Тема</i>\n\n<b>Вопрос?</b>\n\nПодумайте над ответом, потом откройте его."
ANSWER = CARD + "\n\n" + "Ответ на вопрос, в несколько строк текста. " * 20


class OnLoop(Filter):
    """As bot/handlers/filters.py (copied: importing the bot's package would weigh on the
    floor's memory): an F-expression awaited in place, not run in a worker thread."""

    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self._magic.resolve(event)


def _keyboard(*labels: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in labels]
    )


REVEAL = _keyboard(("👀 Показать ответ", "rv:1"))
GRADES = _keyboard(("😶 Не знал", "rt:1:1"), ("🙂 Знал", "rt:1:3"))
NEXT = _keyboard(("➡️ Следующий вопрос", "nx:1"))
Reply = tuple[str, InlineKeyboardMarkup | None]


@dataclass
class Replies:
    """What to send for each kind of reply, in turn (keyboards parsed once, up front)."""

    card: Iterator[Reply]
    reveal: Iterator[Reply]
    rated: Iterator[Reply]
    rated_toast: Iterator[str]

    @classmethod
    def stand_in(cls) -> "Replies":
        rated = ANSWER + "\n\nВопрос вернётся через 2 дня."
        return cls(
            itertools.repeat((CARD, REVEAL)),
            itertools.repeat((ANSWER, GRADES)),
            itertools.repeat((rated, NEXT)),
            itertools.repeat("Сохранено"),
        )

    @classmethod
    def recorded(cls, path: Path) -> "Replies":
        """The recorded replies; a kind the real bot never sent keeps its stand-in."""
        data = json.loads(path.read_text(encoding="utf-8"))
        fallback = cls.stand_in()

        def replies(kind: str) -> Iterator[Reply]:
            parsed = [
                (text, None if markup is None else InlineKeyboardMarkup.model_validate(markup))
                for text, markup in data.get(kind, [])
            ]
            return itertools.cycle(parsed) if parsed else getattr(fallback, kind)

        toasts = data.get("toast") or []
        return cls(
            replies("card"),
            replies("reveal"),
            replies("rated"),
            itertools.cycle(toasts) if toasts else fallback.rated_toast,
        )


def handlers(replies: Replies) -> dict[str, Any]:
    async def on_message(message: Message) -> None:
        text, markup = next(replies.card)
        await message.answer(text, reply_markup=markup)

    async def on_reveal(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        text, markup = next(replies.reveal)
        await query.message.edit_text(text, reply_markup=markup)
        await query.answer()

    async def on_rate(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        text, markup = next(replies.rated)
        await query.message.edit_text(text, reply_markup=markup)
        await query.answer(next(replies.rated_toast))

    async def on_next(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        text, markup = next(replies.card)
        await query.message.answer(text, reply_markup=markup)
        await query.answer()

    return {"message": on_message, "rv": on_reveal, "rt": on_rate, "nx": on_next}


def build() -> tuple[Dispatcher, Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    recorded = os.environ.get("ECHO_PAYLOADS")
    return dispatcher(Replies.recorded(Path(recorded)) if recorded else Replies.stand_in()), bot


def dispatcher(replies: Replies) -> Dispatcher:
    """The echo's dispatcher: one handler per kind of update the load sends."""
    on = handlers(replies)
    dp = Dispatcher()
    dp.message.register(on["message"])
    # As Filters, not bare F-expressions: aiogram runs those in a worker thread per check,
    # which the real bot avoids too (bot/handlers/filters.py); the floor should not pay it.
    dp.callback_query.register(on["rv"], OnLoop(F.data.startswith("rv:")))
    dp.callback_query.register(on["rt"], OnLoop(F.data.startswith("rt:")))
    # «Следующий вопрос» under a card reviewed ahead of time is «ne»: a new card all the same.
    next_card = F.data.startswith("nx:") | F.data.startswith("ne:")
    dp.callback_query.register(on["nx"], OnLoop(next_card))
    return dp


async def _ready(request: web.Request) -> web.Response:
    return web.json_response({"status": "ready"})


def serve_webhook(dp: Dispatcher, bot: Bot) -> None:
    app = web.Application()
    SimpleRequestHandler(
        dp, bot, handle_in_background=False, secret_token=os.environ["WEBHOOK_SECRET"]
    ).register(app, path=os.environ.get("WEBHOOK_PATH", "/telegram"))
    app.router.add_get("/readyz", _ready)
    setup_application(app, dp, bot=bot)
    web.run_app(
        app,
        host=os.environ.get("WEB_HOST", "127.0.0.1"),
        port=int(os.environ.get("WEB_PORT", "8080")),
        print=None,
    )


def main() -> None:
    dp, bot = build()
    if os.environ.get("BOT_MODE") == "webhook":
        serve_webhook(dp, bot)
    else:
        asyncio.run(dp.start_polling(bot, handle_signals=True))


if __name__ == "__main__":
    main()
