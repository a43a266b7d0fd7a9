"""The framework's floor: a bare aiogram bot making the same Bot API calls as ds-quiz-bot —
a message for /quiz; for each button press an edit of the card plus answerCallbackQuery
(and a new card for «next») — with none of the bot's own work (no storage, no scheduling).

Run like the real bot (same environment variables): ``python -m bench.echo_bot``.
"""

import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

CARD = "🧠 <i>Тема</i>\n\n<b>Вопрос?</b>\n\nПодумайте над ответом, потом откройте его."
ANSWER = CARD + "\n\n" + "Ответ на вопрос, в несколько строк текста. " * 20


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


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(
        os.environ["BOT_TOKEN"],
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
    dp = Dispatcher()
    dp.message.register(on_message)
    dp.callback_query.register(on_reveal, F.data.startswith("rv"))
    dp.callback_query.register(on_rate, F.data.startswith("rt"))
    dp.callback_query.register(on_next, F.data.startswith("nx"))
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
