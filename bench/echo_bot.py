"""The framework's floor: a bare aiogram bot making the same Bot API calls as ds-quiz-bot —
a message for /quiz; for each button press an edit of the card plus answerCallbackQuery
(and a new card for «next») — with none of the bot's own work (no storage, no scheduling).

Run like the real bot (same environment variables): ``python -m bench.echo_bot``. With
``BOT_MODE=webhook`` it serves aiogram's webhook handler on ``WEB_HOST:WEB_PORT`` at
``WEBHOOK_PATH`` (checking ``WEBHOOK_SECRET``), answering 200 only after an update was handled,
as the real bot does, plus a ``/readyz`` that answers 200.
"""

import asyncio
import os
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


async def on_message(message: Message) -> None:
    await message.answer(CARD, reply_markup=REVEAL)


async def on_reveal(query: CallbackQuery) -> None:
    assert isinstance(query.message, Message)
    await query.message.edit_text(ANSWER, reply_markup=GRADES)
    await query.answer()


async def on_rate(query: CallbackQuery) -> None:
    assert isinstance(query.message, Message)
    await query.message.edit_text(ANSWER + "\n\nВопрос вернётся через 2 дня.", reply_markup=NEXT)
    await query.answer("Сохранено")


async def on_next(query: CallbackQuery) -> None:
    assert isinstance(query.message, Message)
    await query.message.answer(CARD, reply_markup=REVEAL)
    await query.answer()


def build() -> tuple[Dispatcher, Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    dp = Dispatcher()
    dp.message.register(on_message)
    # As Filters, not bare F-expressions: aiogram runs those in a worker thread per check,
    # which the real bot avoids too (bot/handlers/filters.py); the floor should not pay it.
    dp.callback_query.register(on_reveal, OnLoop(F.data.startswith("rv")))
    dp.callback_query.register(on_rate, OnLoop(F.data.startswith("rt")))
    dp.callback_query.register(on_next, OnLoop(F.data.startswith("nx")))
    return dp, bot


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
