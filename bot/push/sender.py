"""Delivering queued pushes: paced under Telegram's limits, each at most once."""

import asyncio
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError

from bot.quiz.service import QuizService
from bot.quiz.session import reviews_waiting
from bot.storage.pushes import PushStore, QueuedPush
from bot.ui import keyboards, render

log = logging.getLogger(__name__)
_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was blocked")


class Pacer:
    """Keeps calls to ``rate`` per second on average.

    After a pause (Telegram's retry_after) it catches up on the lost time, but never faster
    than ``rate × catch_up``, so a 429 costs the schedule little and earns no burst. A pause
    longer than ``max_debt`` seconds is written off rather than caught up.
    """

    def __init__(self, rate: float, catch_up: float = 1.15, max_debt: float = 10.0) -> None:
        self._interval = 1.0 / rate
        self._min_gap = self._interval / catch_up
        self._max_debt = max_debt
        self._scheduled: float | None = None
        self._last = -1e9

    async def turn(self) -> None:
        now = asyncio.get_running_loop().time()
        if self._scheduled is None or now - self._scheduled > self._max_debt:
            self._scheduled = now
        else:
            self._scheduled += self._interval
        at = max(self._scheduled, self._last + self._min_gap)
        if at > now:
            await asyncio.sleep(at - now)
        self._last = max(at, now)


class PushSender:
    """Drains the push queue in the database; started once, woken by every tick."""

    def __init__(
        self,
        *,
        bot: Bot,
        store: PushStore,
        quiz: QuizService,
        rate: float,
        grace: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._bot = bot
        self._store = store
        self._quiz = quiz
        self._pacer = Pacer(rate)
        self._grace = grace
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        # Sends in flight: enough for the rate at ~1 s per call (a 429's retry_after included).
        self._slots = asyncio.Semaphore(max(4, math.ceil(rate)))

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            await self._wake.wait()
            self._wake.clear()
            await self._drain()

    async def _drain(self) -> None:
        while not self._stopping:
            batch = await self._store.queued(limit=200)
            if not batch:
                return
            for push in batch:
                if self._stopping:
                    return
                now = self._clock()
                if now - push.slot_at > self._grace:
                    await self._store.set_status(push, "expired", now)
                    continue
                await self._slots.acquire()
                await self._pacer.turn()
                # From here on the push may reach the user: it is never queued again.
                await self._store.set_status(push, "sending", self._clock())
                task = asyncio.create_task(self._deliver(push))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)

    async def _deliver(self, push: QueuedPush) -> None:
        try:
            status, shown_id = await self._send(push)
        except Exception:
            log.exception("push to %s failed unexpectedly", push.user_id)
            status, shown_id = "failed", None
        finally:
            self._slots.release()
        await self._store.set_status(push, status, self._clock(), shown_id=shown_id)

    async def _send(self, push: QueuedPush) -> tuple[str, int | None]:
        card = await self._quiz.next_card(push.user_id, origin="daily")
        if card is None or card.question is None:
            return "skipped", None
        try:
            waiting = reviews_waiting(card.progress)
            await self._bot.send_message(
                push.chat_id,
                render.daily_card(card.question, card.progress, waiting),
                reply_markup=keyboards.daily_card(card.shown_id, waiting),
            )
        except TelegramForbiddenError:
            await self._store.mark_blocked(push.user_id, self._clock())
            return "blocked", card.shown_id
        except TelegramBadRequest as exc:
            if any(reason in exc.message.lower() for reason in _GONE):
                await self._store.mark_blocked(push.user_id, self._clock())
                return "blocked", card.shown_id
            log.warning("push to %s refused: %s", push.user_id, exc.message)
            return "failed", card.shown_id
        except TelegramAPIError as exc:
            log.warning("push to %s failed after retries: %s", push.user_id, exc)
            return "failed", card.shown_id
        return "sent", card.shown_id

    async def stop(self) -> None:
        """Stop taking new pushes and let those being sent finish."""
        self._stopping = True
        self._wake.set()
        if self._in_flight:
            await asyncio.wait(list(self._in_flight), timeout=15)
