"""Entry point: settings → storage → bank → dispatcher → long polling until SIGINT/SIGTERM."""

import asyncio
import logging
import sys
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import User
from pydantic import ValidationError

from bot.app import PushSettings, build_dispatcher, build_services
from bot.config import Settings
from bot.quiz.bank import BankError, load_bank
from bot.retry import RetryRequests
from bot.storage.db import connect
from bot.storage.repo import Repository
from bot.telegram_session import PinnedResponseSession

log = logging.getLogger("bot")


def make_bot(settings: Settings, *, bulk: bool = False) -> Bot:
    """A Bot on its own HTTP session; ``bulk`` (the daily push) never repeats a call whose
    connection broke, since Telegram may already have delivered it."""
    session = PinnedResponseSession()
    if settings.telegram_api_url:
        session = PinnedResponseSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(RetryRequests(retry_network_errors=not bulk))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


async def wait_for_telegram(bot: Bot) -> User:
    """getMe until Telegram answers: a wrong token fails at once, a network outage waits."""
    delay = 1.0
    while True:
        try:
            return await bot.get_me()
        except (TelegramNetworkError, TelegramServerError) as exc:
            log.warning("Telegram is unreachable (%s); retrying in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)


async def run(settings: Settings) -> None:
    bank = load_bank(settings.content_dir)
    log.info("bank loaded: %d questions from %s", len(bank), settings.content_dir)
    conn = await connect(settings.db_path)
    try:
        services = build_services(
            bank=bank,
            repo=Repository(conn),
            zone=ZoneInfo(settings.default_timezone),
            push=PushSettings(
                rate=settings.push_rate,
                grace=timedelta(hours=settings.push_grace_hours),
                tick_seconds=settings.push_tick_seconds,
            ),
            push_bot_factory=lambda: make_bot(settings, bulk=True),
        )
        dp = build_dispatcher(services, admin_ids=settings.admin_ids)
        bot = make_bot(settings)
        try:
            me = await wait_for_telegram(bot)
        except BaseException:
            await bot.session.close()
            raise
        log.info("connected as @%s", me.username)
        await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())
    finally:
        await conn.close()
        log.info("stopped cleanly")


def _settings_error(exc: ValidationError) -> str:
    lines = ["Настройки неверны (см. .env.example):"]
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]).upper() or "?"
        reason = "не задан" if error["type"] == "missing" else error["msg"]
        reason = reason.removeprefix("Value error, ")
        lines.append(f"  {name}: {reason}")
    return "\n".join(lines)


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(_settings_error(exc), file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(run(settings))
    except BankError as exc:
        print("Банк вопросов не прошёл проверку:", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return 2
    except TelegramUnauthorizedError:
        print("Telegram не принял BOT_TOKEN (401 Unauthorized): проверьте токен.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
