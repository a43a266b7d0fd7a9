"""Wiring: the dispatcher with its routers, middlewares and injected services."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand

from bot.handlers import get_routers
from bot.handlers.middlewares import AnswerCallbacks, InFlightUpdates
from bot.push.runner import DailyPush
from bot.push.subscriptions import Subscriptions
from bot.quiz.bank import Bank
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.stats import StatsService
from bot.storage.admin_repo import AdminRepository
from bot.storage.pushes import PushStore
from bot.storage.repo import Repository
from bot.storage.stats_repo import StatsRepository
from bot.ui import texts

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything handlers receive, built once at start-up."""

    repo: Repository
    quiz: QuizService
    subscriptions: Subscriptions
    daily: DailyPush
    stats: StatsService


@dataclass(frozen=True)
class PushSettings:
    rate: float = 25.0
    grace: timedelta = timedelta(hours=3)
    tick_seconds: float = 60.0


def build_services(
    *,
    bank: Bank,
    repo: Repository,
    zone: ZoneInfo,
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    push: PushSettings | None = None,
    push_bot_factory: Callable[[], Bot] | None = None,
) -> Services:
    push = push or PushSettings()
    quiz = QuizService(
        bank=bank,
        repo=repo,
        srs=SpacedRepetition(),
        clock=clock,
        rng=rng or random.Random(),
    )
    store = PushStore(repo)
    subscriptions = Subscriptions(repo=repo, store=store, default_zone=zone.key, clock=clock)
    daily = DailyPush(
        store=store,
        quiz=quiz,
        default_zone=zone.key,
        rate=push.rate,
        grace=push.grace,
        tick_seconds=push.tick_seconds,
        clock=clock,
        bot_factory=push_bot_factory,
    )
    stats = StatsService(bank=bank, repo=StatsRepository(repo), clock=clock)
    return Services(repo=repo, quiz=quiz, subscriptions=subscriptions, daily=daily, stats=stats)


async def register_commands(bot: Bot) -> None:
    """Publish the command menu; a failure here is logged, not fatal."""
    commands = [BotCommand(command=c, description=d) for c, d in texts.COMMANDS.items()]
    try:
        await bot.set_my_commands(commands)
    except TelegramAPIError as exc:
        log.warning("could not register the command menu: %s", exc)


def build_dispatcher(
    services: Services, *, run_push: bool = True, admin_ids: frozenset[int] = frozenset()
) -> Dispatcher:
    """A fresh dispatcher: per-user event isolation so fast double taps run one at a time."""
    in_flight = InFlightUpdates()
    dp = Dispatcher(
        events_isolation=SimpleEventIsolation(),
        repo=services.repo,
        quiz=services.quiz,
        subscriptions=services.subscriptions,
        stats=services.stats,
        admin=AdminRepository(services.repo),
    )
    dp.update.outer_middleware(in_flight)
    dp.callback_query.middleware(AnswerCallbacks())
    dp.include_routers(*get_routers(admin_ids))

    async def on_startup(bot: Bot) -> None:
        await register_commands(bot)
        if run_push:
            await services.daily.start(bot)

    async def on_shutdown() -> None:
        if run_push:
            await services.daily.stop()
        await in_flight.wait(seconds=10)

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp
