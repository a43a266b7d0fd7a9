"""Wiring: the dispatcher with its routers, middlewares and injected services."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand

from bot.handlers import get_routers
from bot.handlers.middlewares import AnswerCallbacks, InFlightUpdates
from bot.quiz.bank import Bank
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.storage.repo import Repository
from bot.ui import texts

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything handlers receive, built once at start-up."""

    repo: Repository
    quiz: QuizService
    zone: ZoneInfo


def build_services(
    *,
    bank: Bank,
    repo: Repository,
    zone: ZoneInfo,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
) -> Services:
    quiz = QuizService(
        bank=bank,
        repo=repo,
        srs=SpacedRepetition(),
        clock=clock,
        rng=rng or random.Random(),
    )
    return Services(repo=repo, quiz=quiz, zone=zone)


async def register_commands(bot: Bot) -> None:
    """Publish the command menu; a failure here is logged, not fatal."""
    commands = [BotCommand(command=c, description=d) for c, d in texts.COMMANDS.items()]
    try:
        await bot.set_my_commands(commands)
    except TelegramAPIError as exc:
        log.warning("could not register the command menu: %s", exc)


def build_dispatcher(services: Services) -> Dispatcher:
    """A fresh dispatcher: per-user event isolation so fast double taps run one at a time."""
    in_flight = InFlightUpdates()
    dp = Dispatcher(
        events_isolation=SimpleEventIsolation(),
        repo=services.repo,
        quiz=services.quiz,
        zone=services.zone,
    )
    dp.update.outer_middleware(in_flight)
    dp.callback_query.middleware(AnswerCallbacks())
    dp.include_routers(*get_routers())

    async def on_startup(bot: Bot) -> None:
        await register_commands(bot)

    async def on_shutdown() -> None:
        await in_flight.wait(seconds=10)

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp
