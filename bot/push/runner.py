"""Starts and stops the daily question: an APScheduler tick plus the supervised sender task."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.push.planner import PushPlanner
from bot.push.sender import PushSender
from bot.quiz.ports import PushQueue
from bot.quiz.service import QuizService

log = logging.getLogger(__name__)


class DailyPush:
    """One job every ``tick_seconds`` asks the DB who is due, wakes the sender and records
    its heartbeat; the sender delivers.

    The first tick runs at start-up, which catches up slots missed while the bot was down.
    """

    def __init__(
        self,
        *,
        store: PushQueue,
        quiz: QuizService,
        default_zone: str,
        rate: float,
        grace: timedelta,
        tick_seconds: float,
        clock: Callable[[], datetime],
        bot_factory: Callable[[], Bot] | None = None,
    ) -> None:
        self._store = store
        self._quiz = quiz
        self._planner = PushPlanner(store, default_zone, grace)
        self._rate = rate
        self._grace = grace
        self._tick_seconds = tick_seconds
        self._clock = clock
        self._bot_factory = bot_factory
        self._bot: Bot | None = None
        self._push_bot: Bot | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._sender: PushSender | None = None
        self._sender_task: asyncio.Task[None] | None = None

    @property
    def sender(self) -> PushSender | None:
        """The running sender (None while this process does not send)."""
        return self._sender

    async def start(self, bot: Bot) -> None:
        """Start ticking. Pushes go through a bot (HTTP session) of their own when a factory
        was given, so the bulk send never holds the connections replies to users need."""
        if self._bot_factory is not None:
            self._push_bot = bot = self._bot_factory()
        self._bot = bot
        abandoned = await self._store.abandon_in_flight(self._clock())
        if abandoned:
            log.warning("%d push(es) were on the wire when the bot stopped; not resent", abandoned)
        self._sender = PushSender(
            bot=bot,
            store=self._store,
            quiz=self._quiz,
            rate=self._rate,
            grace=self._grace,
            clock=self._clock,
        )
        self._start_sender()
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=self._tick_seconds),
            next_run_time=datetime.now().astimezone(),
            id="push-tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
        self._scheduler.start()

    def _start_sender(self) -> None:
        assert self._sender is not None
        self._sender_task = asyncio.create_task(self._sender.run(), name="push-sender")

    async def tick(self) -> None:
        try:
            await self._planner.tick(self._clock())
        except Exception:
            log.exception("push tick failed")
        sender, task = self._sender, self._sender_task
        if sender is None:
            return
        if task is not None and task.done():  # run() supervises itself; this is the last net
            log.error("the push sender task had ended; starting it again")
            self._start_sender()
        sender.wake()
        with contextlib.suppress(Exception):
            await sender.beat()

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
        if self._sender is not None:
            await self._sender.stop()
        if self._sender_task is not None:
            self._sender_task.cancel()
            await asyncio.gather(self._sender_task, return_exceptions=True)
        self._sender = None
        if self._push_bot is not None:
            await self._push_bot.session.close()
