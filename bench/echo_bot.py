"""The framework's floor: a bare aiogram bot answering each message and callback with one call.

Run like the real bot (same environment variables): ``python -m bench.echo_bot``.
"""

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


async def on_message(message: Message) -> None:
    await message.answer(message.text or "ok")


async def on_callback(query: CallbackQuery) -> None:
    await query.answer("ok")


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dp = Dispatcher()
    dp.message.register(on_message)
    dp.callback_query.register(on_callback)
    await dp.start_polling(bot, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
