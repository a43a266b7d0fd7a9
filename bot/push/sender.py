"""Delivering queued pushes: paced under Telegram's limits, each at most once, none given up
while its grace window lasts.

A push is retried whenever Telegram provably did not deliver it: a 429 (the whole sender
pauses, see ``pacing``), a 5xx, or a connection that could not be made. It ends only with an
answer about the user (sent, 403 → unsubscribed, a 400 that will never succeed), with the
end of its grace window, or — the one ambiguous case — when the connection broke after the
request was sent: Telegram may have delivered it, so it is recorded ``unknown`` and never
resent. Only a push whose request is on the wire is ever ``sending`` in the database, so a
crash or a stop leaves every other push queued for the next run.
"""

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardMarkup

from bot.push.pacing import SendGate
from bot.quiz.ports import PushQueue, PushStatus, QueuedPush, SenderBeat
from bot.quiz.service import QuizService
from bot.quiz.session import DayDone, reviews_waiting
from bot.retry import never_sent
from bot.ui import keyboards, render

log = logging.getLogger(__name__)
_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was blocked")
_BATCH = 200
# How long a stop waits for requests already on the wire.
_STOP_WAIT = 15.0
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class _Card:
    """A push's message, chosen once and sent again as it is on a retry."""

    text: str
    markup: InlineKeyboardMarkup | None
    shown_id: int | None  # None: a note that there is nothing to ask today


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: PushStatus  # QUEUED: try again at ``retry_at``
    reason: str | None = None
    shown_id: int | None = None
    retry_at: datetime | None = None


def _nothing_to_ask(done: DayDone | None) -> _Card | None:
    """The daily message on a day with no question: the subscriber hears why and what to do,
    not silence. None (nothing sent) when today's new questions are already taken: they
    studied today, and nothing is due."""
    if done is None:
        return _Card(render.daily_no_questions(), None, None)
    if done.limit_reached:
        return None
    has_ahead = done.next_due is not None
    return _Card(render.daily_nothing_to_ask(has_ahead), keyboards.day_done(has_ahead), None)


def retry_delay(attempts: int) -> timedelta:
    """Backoff before retrying a push after a 5xx or a failure of our own: 2, 4 … 120 s."""
    return timedelta(seconds=min(120, 2 ** max(1, attempts)))


class PushSender:
    """Drains the push queue in the database; started once, woken by every tick.

    Supervised: an error (the database locked by a backup, say) is logged, waited out with a
    backoff and retried; the sender never dies silently. ``beat()`` records its state in the
    database for /admin and /readyz on every replica.
    """

    def __init__(
        self,
        *,
        bot: Bot,
        store: PushQueue,
        quiz: QuizService,
        rate: float,
        grace: timedelta,
        clock: Clock,
        gate: SendGate | None = None,
    ) -> None:
        self._bot = bot
        self._store = store
        self._quiz = quiz
        self._gate = gate or SendGate(rate)
        self._grace = grace
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._cards: dict[tuple[int, str], _Card] = {}
        # Calls on the wire at once: enough for the rate at ~1 s per call.
        self._slots = asyncio.Semaphore(max(4, math.ceil(rate)))
        self._failing_since: datetime | None = None
        self._last_error: str | None = None

    @property
    def gate(self) -> SendGate:
        return self._gate

    def wake(self) -> None:
        self._wake.set()

    def state(self) -> SenderBeat:
        now = self._clock()
        if self._failing_since is not None:
            return SenderBeat(now, "failing", self._gate.rate, self._last_error)
        paused = self._gate.paused_for()
        if paused > 0:
            detail = f"Telegram asked to wait {paused:.0f} s"
            return SenderBeat(now, "paused", self._gate.rate, detail)
        return SenderBeat(now, "running", self._gate.rate)

    async def beat(self) -> None:
        await self._store.beat(self.state())

    async def run(self) -> None:
        delay = 1.0
        while not self._stopping:
            try:
                await self._drain()
                if self._failing_since is not None:
                    log.warning("push sender works again")
                self._failing_since = self._last_error = None
                delay = 1.0
                await self._idle()
            except Exception as exc:
                if self._stopping:
                    break
                log.exception("push sender failed; trying again in %.0f s", delay)
                self._failing_since = self._failing_since or self._clock()
                self._last_error = f"{type(exc).__name__}: {exc}"[:300]
                with contextlib.suppress(Exception):
                    await self.beat()
                await self._rest(delay)
                delay = min(delay * 2, 60.0)

    async def _idle(self) -> None:
        """Until woken (a tick, a stop) or until the earliest retry is due."""
        retry_at = await self._store.next_retry_at()
        timeout = None
        if retry_at is not None:
            timeout = max(0.05, (retry_at - self._clock()).total_seconds())
        await self._rest(timeout)

    async def _rest(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    def _late(self, push: QueuedPush) -> bool:
        return self._clock() - push.slot_at > self._grace

    async def _drain(self) -> None:
        while not self._stopping:
            batch = await self._store.queued(self._clock(), _BATCH)
            if not batch:
                return
            for push in batch:
                if self._stopping:
                    return
                if self._late(push):
                    await self._expire(push)
                    continue
                await self._slots.acquire()
                try:
                    sent_at = await self._gate.turn()
                    taken = (
                        not self._stopping
                        and not self._late(push)
                        and await self._store.start_sending(push, self._clock())
                    )
                except BaseException:
                    self._slots.release()
                    raise
                if not taken:
                    self._slots.release()
                    continue  # stopping, too late now, or cancelled by /daily off meanwhile
                task = asyncio.create_task(self._deliver(push, sent_at))
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)

    async def _expire(self, push: QueuedPush) -> None:
        self._cards.pop((push.user_id, push.local_date), None)
        await self._store.finish(
            push, PushStatus.EXPIRED, self._clock(), reason="grace window ended"
        )

    async def _deliver(self, push: QueuedPush, sent_at: float) -> None:
        try:
            outcome = await self._attempt(push, sent_at)
        except Exception as exc:  # our own failure before the call: nothing was sent
            log.exception("push to %s could not be prepared", push.user_id)
            outcome = _Outcome(
                PushStatus.QUEUED,
                f"{type(exc).__name__}: {exc}"[:300],
                retry_at=self._clock() + retry_delay(push.attempts + 1),
            )
        finally:
            self._slots.release()
        await self._record(push, outcome)

    async def _record(self, push: QueuedPush, outcome: _Outcome) -> None:
        key = (push.user_id, push.local_date)
        for attempt in range(3):
            try:
                if outcome.status is PushStatus.QUEUED:
                    assert outcome.retry_at is not None
                    await self._store.requeue(
                        push, outcome.retry_at, self._clock(), outcome.reason or ""
                    )
                else:
                    self._cards.pop(key, None)
                    await self._store.finish(
                        push,
                        outcome.status,
                        self._clock(),
                        shown_id=outcome.shown_id,
                        reason=outcome.reason,
                    )
                return
            except Exception:
                if attempt == 2:
                    # Left 'sending': the next start records it 'unknown' (never resent).
                    log.exception("could not record the push to %s", push.user_id)
                    return
                await asyncio.sleep(1.0 + attempt)

    async def _card(self, push: QueuedPush) -> _Card | None:
        key = (push.user_id, push.local_date)
        card = self._cards.get(key)
        if card is not None:
            return card
        step = await self._quiz.next_step(push.user_id, origin="daily")
        chosen = step.card
        if chosen is None or chosen.question is None:
            card = _nothing_to_ask(step.done)
            if card is not None:
                self._cards[key] = card
            return card
        waiting = reviews_waiting(chosen.progress)
        card = _Card(
            render.daily_card(chosen.question, chosen.progress, waiting),
            keyboards.daily_card(chosen.shown_id, waiting),
            chosen.shown_id,
        )
        self._cards[key] = card
        return card

    async def _attempt(self, push: QueuedPush, sent_at: float) -> _Outcome:
        card = await self._card(push)
        if card is None:
            return _Outcome(PushStatus.SKIPPED, "nothing to ask today")
        shown = card.shown_id
        paused = self._gate.paused_for()
        if paused > 0:
            # A 429 came in while this push's card was being prepared (its turn was taken
            # before): nothing goes out during the pause; the card waits, kept, for its end.
            return self._again(push, f"paused: Telegram asked to wait {paused:.0f} s", paused)
        try:
            await self._bot.send_message(push.chat_id, card.text, reply_markup=card.markup)
        except TelegramRetryAfter as exc:
            self._gate.throttled(exc.retry_after, sent_at)
            return self._again(push, f"429: retry after {exc.retry_after} s", exc.retry_after)
        except TelegramServerError as exc:
            self._gate.answered(sent_at)
            self._gate.refund()
            delay = retry_delay(push.attempts + 1).total_seconds()
            return self._again(push, f"server error: {exc.message}", delay)
        except TelegramNetworkError as exc:
            if never_sent(exc):
                self._gate.refused(sent_at)
                return self._again(push, f"unreachable: {exc.message}", self._gate.paused_for())
            log.warning("push to %s: connection broke mid-call; not resent", push.user_id)
            return _Outcome(PushStatus.UNKNOWN, f"connection broke: {exc.message}", shown)
        except TelegramForbiddenError as exc:
            self._gate.answered(sent_at)
            await self._store.mark_blocked(push.user_id, self._clock())
            return _Outcome(PushStatus.BLOCKED, exc.message, shown)
        except TelegramUnauthorizedError as exc:
            log.error("push: Telegram rejects the bot token (%s); pausing 60 s", exc.message)
            self._gate.pause(60)
            return self._again(push, f"unauthorized: {exc.message}", 60)
        except TelegramBadRequest as exc:
            self._gate.answered(sent_at)
            if any(reason in exc.message.lower() for reason in _GONE):
                await self._store.mark_blocked(push.user_id, self._clock())
                return _Outcome(PushStatus.BLOCKED, exc.message, shown)
            log.warning("push to %s refused: %s", push.user_id, exc.message)
            return _Outcome(PushStatus.FAILED, exc.message, shown)
        except TelegramAPIError as exc:
            self._gate.answered(sent_at)
            log.warning("push to %s refused: %s", push.user_id, exc.message)
            return _Outcome(PushStatus.FAILED, exc.message, shown)
        self._gate.succeeded(sent_at)
        return _Outcome(PushStatus.SENT, None, shown)

    def _again(self, push: QueuedPush, reason: str, after_seconds: float) -> _Outcome:
        retry_at = self._clock() + timedelta(seconds=max(after_seconds, 0.0))
        return _Outcome(PushStatus.QUEUED, reason, retry_at=retry_at)

    async def stop(self) -> None:
        """Take no new push; wait (a while) for the requests already on the wire."""
        self._stopping = True
        self._wake.set()
        if self._in_flight:
            await asyncio.wait(list(self._in_flight), timeout=_STOP_WAIT)
