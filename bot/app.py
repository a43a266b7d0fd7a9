"""Wiring: services over the storage engine, and the dispatcher with its routers,
middlewares and injected services."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher, F
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.memory import DisabledEventIsolation, SimpleEventIsolation
from aiogram.types import BotCommand

from bot.handlers import get_routers
from bot.handlers.filters import on_loop
from bot.handlers.middlewares import CallbackAnswers, InFlightUpdates, Throttle, UserMiddleware
from bot.leadership import Leadership, Lease, LocalLease
from bot.push.runner import DailyPush
from bot.quiz.admin import AdminService
from bot.quiz.bank import Bank
from bot.quiz.catalog import BankRefresher, LiveBank
from bot.quiz.importing import ImportService
from bot.quiz.ports import UpdateLog
from bot.quiz.profiles import ProfileService
from bot.quiz.reports import ReportService
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.search import QuestionSearch
from bot.quiz.service import QuizService
from bot.quiz.stats import StatsService
from bot.quiz.subscriptions import Subscriptions
from bot.ratelimit import NoLimit, RateLimiter
from bot.storage.engine import Storage
from bot.ui import texts
from bot.web.metrics import Metrics, UpdateMetrics

log = logging.getLogger(__name__)
# How often each replica looks for questions imported through another one.
BANK_REFRESH_SECONDS = 30.0
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything handlers receive, built once at start-up."""

    profiles: ProfileService
    quiz: QuizService
    subscriptions: Subscriptions
    daily: DailyPush
    stats: StatsService
    admin: AdminService
    bank: LiveBank
    imports: ImportService
    reports: ReportService
    search: QuestionSearch
    updates: UpdateLog
    clock: Clock


@dataclass(frozen=True)
class PushSettings:
    rate: float = 25.0
    grace: timedelta = timedelta(hours=3)
    tick_seconds: float = 60.0


def build_services(
    *,
    bank: Bank,
    storage: Storage,
    zone: ZoneInfo,
    clock: Clock = utc_now,
    rng: random.Random | None = None,
    push: PushSettings | None = None,
    push_bot_factory: Callable[[], Bot] | None = None,
    srs: SpacedRepetition | None = None,
) -> Services:
    """The domain services over the storage engine."""
    push = push or PushSettings()
    live = LiveBank(bank, storage.imports)
    quiz = QuizService(
        bank=live,
        store=storage.quiz,
        srs=srs or SpacedRepetition(),
        clock=clock,
        rng=rng or random.Random(),
        default_zone=zone.key,
    )
    daily = DailyPush(
        store=storage.pushes,
        quiz=quiz,
        default_zone=zone.key,
        rate=push.rate,
        grace=push.grace,
        tick_seconds=push.tick_seconds,
        clock=clock,
        bot_factory=push_bot_factory,
    )
    return Services(
        profiles=ProfileService(store=storage.quiz, default_zone=zone.key, clock=clock),
        quiz=quiz,
        subscriptions=Subscriptions(store=storage.subscriptions, clock=clock),
        daily=daily,
        stats=StatsService(bank=live, repo=storage.stats, clock=clock),
        admin=AdminService(
            store=storage.admin,
            pushes=storage.pushes,
            clock=clock,
            beat_every=timedelta(seconds=push.tick_seconds),
        ),
        bank=live,
        imports=ImportService(live=live, store=storage.imports, clock=clock),
        reports=ReportService(store=storage.reports, clock=clock),
        search=QuestionSearch(live),
        updates=storage.updates,
        clock=clock,
    )


async def register_commands(bot: Bot) -> None:
    """Publish the command menu; a failure here is logged, not fatal."""
    commands = [BotCommand(command=c, description=d) for c, d in texts.COMMANDS.items()]
    try:
        await bot.set_my_commands(commands)
    except TelegramAPIError as exc:
        log.warning("could not register the command menu: %s", exc)


def build_dispatcher(
    services: Services,
    *,
    run_push: bool = True,
    admin_ids: frozenset[int] = frozenset(),
    isolate_users: bool = True,
    lease: Lease | None = None,
    metrics: Metrics | None = None,
    rate_limiter: RateLimiter | None = None,
) -> Dispatcher:
    """A fresh dispatcher: per-user event isolation so fast double taps run one at a time,
    and a per-user rate limit (``rate_limiter``; none by default) ahead of everything else.

    Isolation is a courtesy (ordered replies), not what keeps data right: every use case is
    correct by itself in the database, which tests check with ``isolate_users=False``.
    """
    in_flight = InFlightUpdates()
    leadership = Leadership(
        lease or LocalLease(),
        services.daily,
        on_change=(lambda leading: metrics.push_leader.set(int(leading))) if metrics else None,
    )
    dp = Dispatcher(
        events_isolation=SimpleEventIsolation() if isolate_users else DisabledEventIsolation(),
        disable_fsm=True,  # registered below, after the in-flight tracker
        profiles=services.profiles,
        quiz=services.quiz,
        subscriptions=services.subscriptions,
        stats=services.stats,
        admin=services.admin,
        imports=services.imports,
        reports=services.reports,
        search=services.search,
        admin_ids=admin_ids,
        clock=services.clock,
    )
    if metrics is not None:
        dp.update.outer_middleware(UpdateMetrics(metrics))
    # Updates waiting for a user's lock (held by aiogram's FSM middleware) count as in flight.
    dp.update.outer_middleware(in_flight)
    dp.update.outer_middleware(Throttle(rate_limiter or NoLimit(), exempt=admin_ids))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(UserMiddleware(services.profiles, services.updates))
    dp.message.filter(on_loop(F.chat.type == ChatType.PRIVATE))
    dp.callback_query.middleware(CallbackAnswers())
    dp.include_routers(*get_routers(admin_ids))

    refresher = BankRefresher(services.bank, BANK_REFRESH_SECONDS)

    async def on_startup(bot: Bot) -> None:
        await services.bank.refresh()
        refresher.start()
        await register_commands(bot)
        if run_push:
            await leadership.start(bot)

    async def on_shutdown() -> None:
        await refresher.stop()
        if run_push:
            await leadership.stop()
        await in_flight.wait(seconds=10)

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return dp
