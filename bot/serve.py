"""Running the bot: storage, bank, dispatcher, then long polling (the embedded default) or the
webhook server (production), until SIGINT/SIGTERM."""

import asyncio
import contextlib
import errno
import gc
import logging
import signal
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import User
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.app import PushSettings, Services, build_dispatcher, build_services, utc_now
from bot.config import Settings
from bot.leadership import Lease, LocalLease
from bot.poll_batching import BatchedPolling
from bot.quiz.bank import load_bank
from bot.ratelimit import RateLimiter, TokenBucketLimiter
from bot.retry import RetryRequests
from bot.storage.engine import Storage, open_postgres, open_sqlite
from bot.telegram_session import PinnedResponseSession
from bot.web.metrics import ApiCallMetrics, Metrics
from bot.web.server import HANDLER_KEY, build_web_app, metrics_endpoint

T = TypeVar("T")
log = logging.getLogger("bot")
UPDATE_LOG_PRUNE_EVERY = 600.0  # seconds


class StartupError(Exception):
    """The bot cannot start; the message is one paragraph for the operator (exit code 2)."""


def make_bot(settings: Settings, *, bulk: bool = False, metrics: Metrics | None = None) -> Bot:
    """A Bot on its own HTTP session. Replies retry 429s, 5xx and network blips themselves;
    the ``bulk`` bot (the daily push) retries nothing: its sender decides about every failed
    call (pausing the whole push on a 429, never repeating a call that may have arrived)."""
    session = PinnedResponseSession()
    if settings.telegram_api_url:
        session = PinnedResponseSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    if not bulk:
        session.middleware(RetryRequests())
    if metrics is not None:
        session.middleware(ApiCallMetrics(metrics))
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


async def until_signalled(work: Coroutine[Any, Any, T]) -> T | None:
    """Run ``work`` until it ends or SIGINT/SIGTERM arrives (then cancel it: None).

    Before polling starts (aiogram then handles the signals itself) a stop must work too, also
    in a process that inherited SIGINT ignored (started in the background by a shell); the
    loop's own handlers wake it whichever thread the signal reaches."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return None
    finally:
        stopped.cancel()
        task.cancel()
        for sig in signals:
            loop.remove_signal_handler(sig)


def _where(url: str) -> str:
    """host:port/db of a DATABASE_URL, without the password."""
    return url.split("@", 1)[-1]


async def open_storage(settings: Settings, *, migrate: bool) -> Storage:
    """The engine DATABASE_URL names; SQLite at DB_PATH when it is empty."""
    url = settings.database_url
    if not url:
        return await open_sqlite(settings.db_path)
    try:
        return await open_postgres(url, migrate=migrate, pool_size=settings.db_pool_size)
    except (
        asyncpg.InvalidPasswordError,
        asyncpg.InvalidAuthorizationSpecificationError,
    ) as exc:
        raise StartupError(
            f"PostgreSQL ({_where(url)}) не принял пользователя или пароль из DATABASE_URL:"
            f" {exc}. Проверьте DATABASE_URL."
        ) from exc
    except asyncpg.InvalidCatalogNameError as exc:
        raise StartupError(
            f"В PostgreSQL ({_where(url)}) нет такой базы: {exc}. Создайте её (createdb)"
            " и запустите `python -m bot migrate`."
        ) from exc
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise StartupError(
            f"PostgreSQL по DATABASE_URL ({_where(url)}) недоступен: {exc}. Проверьте адрес,"
            " порт и что сервер запущен."
        ) from exc


def rate_limiter(settings: Settings) -> RateLimiter | None:
    """Per-user flood control from USER_RATE / USER_BURST (USER_RATE=0: none)."""
    if settings.user_rate == 0:
        return None
    return TokenBucketLimiter(rate=settings.user_rate, burst=settings.user_burst)


def _lease(settings: Settings) -> Lease:
    if settings.database_url:
        from bot.storage.postgres.lease import PgLease

        return PgLease(settings.database_url)
    return LocalLease()


async def run(settings: Settings) -> None:
    bank = load_bank(settings.content_dir)
    log.info("bank loaded: %d questions from %s", len(bank), settings.content_dir)
    webhook = settings.bot_mode == "webhook"
    storage = await open_storage(settings, migrate=not webhook)
    try:
        if webhook and not await storage.ready():
            raise StartupError(
                "Схема базы не обновлена до текущей версии. В режиме webhook миграции"
                " запускаются явно: `python -m bot migrate` (один раз перед выкаткой реплик)."
            )
        metrics = Metrics()
        services = build_services(
            bank=bank,
            storage=storage,
            zone=ZoneInfo(settings.default_timezone),
            push=PushSettings(
                rate=settings.push_rate,
                grace=timedelta(hours=settings.push_grace_hours),
                tick_seconds=settings.push_tick_seconds,
            ),
            push_bot_factory=lambda: make_bot(settings, bulk=True, metrics=metrics),
        )
        dp = build_dispatcher(
            services,
            admin_ids=settings.admin_ids,
            lease=_lease(settings),
            metrics=metrics,
            rate_limiter=rate_limiter(settings),
        )
        bot = make_bot(settings, metrics=metrics)
        freeze_startup_heap()
        try:
            if webhook:
                await _serve_webhook(settings, dp, bot, storage, services, metrics)
            else:
                await _poll(settings, dp, bot, services, metrics)
        finally:
            await bot.session.close()
    finally:
        await storage.close()
        log.info("stopped cleanly")


def freeze_startup_heap() -> None:
    """Take what start-up built (the bank, the framework's models, the dispatcher) out of the
    garbage collector's sight: it lives as long as the process, yet every full collection
    would walk it again. Measured at ~8 % of the CPU per update under load (bench/load_bench);
    the collector still frees everything created afterwards."""
    gc.collect()
    gc.freeze()


async def _prune_update_log(storage: Storage) -> None:
    """Forget handled update ids after a day (Telegram redelivers for at most a day)."""
    while True:
        await asyncio.sleep(UPDATE_LOG_PRUNE_EVERY)
        try:
            await storage.updates.prune(utc_now() - timedelta(days=1))
        except Exception:
            log.exception("could not prune the update log; trying again later")


async def _push_figures(services: Services, metrics: Metrics) -> None:
    overview = await services.admin.overview()
    metrics.push_queue.set(overview.pushes_24h.get("queued", 0))
    for status, count in overview.pushes_24h.items():
        metrics.pushes.labels(status).set(count)


async def _start_site(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=30)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        reason = "порт уже занят" if exc.errno == errno.EADDRINUSE else str(exc)
        raise StartupError(
            f"Не удалось слушать {host}:{port}: {reason}. Освободите порт или задайте другой"
            " (WEB_PORT / METRICS_PORT)."
        ) from exc
    return runner


async def _poll(
    settings: Settings, dp: Dispatcher, bot: Bot, services: Services, metrics: Metrics
) -> None:
    runner = None
    if settings.metrics_port:
        app = web.Application()
        app.router.add_get(
            "/metrics", metrics_endpoint(metrics, lambda: _push_figures(services, metrics))
        )
        runner = await _start_site(app, settings.web_host, settings.metrics_port)
    try:
        me = await until_signalled(wait_for_telegram(bot))
        if me is None:
            log.info("stopped before Telegram answered")
            return
        log.info("connected as @%s", me.username)
        bot.session.middleware(BatchedPolling())
        await dp.start_polling(
            bot, allowed_updates=dp.resolve_used_update_types(), close_bot_session=False
        )
    finally:
        if runner is not None:
            await runner.cleanup()


async def _serve_webhook(
    settings: Settings,
    dp: Dispatcher,
    bot: Bot,
    storage: Storage,
    services: Services,
    metrics: Metrics,
) -> None:
    assert settings.webhook_secret is not None
    app = build_web_app(
        dp=dp,
        bot=bot,
        path=settings.webhook_path,
        secret=settings.webhook_secret.get_secret_value(),
        updates=storage.updates,
        ready=storage.ready,
        push_health=services.admin.push_health,
        metrics=metrics,
        refresh_metrics=lambda: _push_figures(services, metrics),
        clock=utc_now,
    )
    setup_application(app, dp, bot=bot)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runner = await _start_site(app, settings.web_host, settings.web_port)
    log.info(
        "webhook server on %s:%s%s", settings.web_host, settings.web_port, settings.webhook_path
    )
    pruning = asyncio.create_task(_prune_update_log(storage), name="prune-update-log")
    try:
        await stop.wait()
        log.info("stopping: no new requests; finishing the updates in flight")
        handler = app[HANDLER_KEY]
        handler.stop_taking()
        for site in list(runner.sites):
            await site.stop()
        if not await handler.drain(seconds=30):
            log.warning("updates still being handled after 30 s; stopping anyway")
    finally:
        pruning.cancel()
        await runner.cleanup()  # closes connections, runs the shutdown hooks
