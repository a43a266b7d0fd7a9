"""Middlewares: the user profile, every callback answered once, in-flight updates tracked."""

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.flags import get_flag
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Chat, TelegramObject, Update, User
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from bot.handlers.telegram_errors import is_harmless
from bot.quiz.ports import PendingClaim, StoreBusy, UpdateClaim, UpdateLog
from bot.quiz.profiles import ProfileService
from bot.ratelimit import RateLimiter, Verdict
from bot.ui import texts
from bot.ui.callbacks import NextCard, NextEarly, Rate, Reveal, Skip

log = logging.getLogger(__name__)
# How many webhook update ids Throttle remembers, to count a redelivered update once (half a
# minute of updates at a busy replica's rate; ~1 MB).
REMEMBERED_UPDATES = 10_000
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserMiddleware(BaseMiddleware):
    """Register the sender of a private chat's message or button press and inject their
    profile as ``user``; in webhook mode, also claim the update in the update log (the
    ``pending_claim`` the webhook handler passes in), in the same read, and with it what
    the handler of a press under a card reads first: the card (reveal, a grade) as
    ``prefetched``, «next» under it (next, skip) as ``prefetched_next`` where the store
    reads that ahead. That read then costs no round trip of its own.

    Outer on ``update``, after the per-user event isolation: the profile is read once the
    user's previous update is done, so it never predates a change that update made. An
    update that is not new (handled before, or by another replica right now) stops here.
    """

    def __init__(self, profiles: ProfileService, updates: UpdateLog) -> None:
        self._profiles = profiles
        self._updates = updates

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        pending: PendingClaim | None = data.get("pending_claim")
        sender: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if _has_profile(event, sender, chat):
            assert sender is not None and chat is not None and isinstance(event, Update)
            if pending is None:
                data["user"] = await self._profiles.load(sender.id, chat.id, sender.first_name)
            else:
                button = pressed_button(event)
                claimed = await self._profiles.claim_and_load(
                    pending,
                    sender.id,
                    chat.id,
                    sender.first_name,
                    card=button.shown if button and button.prefix in _CARD_READS else None,
                    next_after=button.shown if button and button.prefix in _NEXT_READS else None,
                )
                if claimed.profile is None:
                    return None
                data["user"] = claimed.profile
                if claimed.card is not None:
                    data["prefetched"] = claimed.card
                if claimed.next is not None:
                    data["prefetched_next"] = claimed.next
        elif pending is not None:
            request = pending.request
            pending.outcome = await self._updates.claim(
                request.update_id, request.now, request.stale_before
            )
            if pending.outcome is not UpdateClaim.NEW:
                return None
        return await handler(event, data)


class Button(NamedTuple):
    prefix: str
    shown: int


def pressed_button(update: Update) -> Button | None:
    """The press of a button under a card — reveal, a grade, «next», skip — with the shown
    card it names: what its handler reads first (the card, or «next» under it), to be read
    with the claim. None for any other update; a malformed id is left to the handler's
    filter, which refuses it."""
    query = update.callback_query
    data = query.data if query is not None else None
    if not data:
        return None
    prefix, _, rest = data.partition(Reveal.__separator__)
    if prefix not in _CARD_READS and prefix not in _NEXT_READS:
        return None
    shown = rest.partition(Rate.__separator__)[0]
    if not shown.isascii() or not shown.isdigit() or len(shown) > _MAX_ID_DIGITS:
        return None
    value = int(shown)
    return Button(prefix, value) if value <= _MAX_ID else None


_CARD_READS = frozenset({Reveal.__prefix__, Rate.__prefix__})
_NEXT_READS = frozenset({NextCard.__prefix__, NextEarly.__prefix__, Skip.__prefix__})
_MAX_ID = 2**63 - 1  # as the buttons' Int64
_MAX_ID_DIGITS = len(str(_MAX_ID))


def _has_profile(event: TelegramObject, sender: User | None, chat: Chat | None) -> bool:
    """A message or a button press in a private chat: what handlers serve with ``user``."""
    return (
        sender is not None
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and isinstance(event, Update)
        and (event.message is not None or event.callback_query is not None)
    )


class Throttle(BaseMiddleware):
    """Drop a user's messages and button taps beyond their rate limit, before any work (no
    database, no per-user lock), so one user's flood never delays anyone else. The first
    dropped update of a flood gets a short notice; the rest are dropped silently.

    Outer on ``update``, before event isolation: a flood must not queue behind a user's lock.
    ``exempt``: users never limited — admins, who forward a channel's posts in bulk to import
    them (a dropped forward would be a question silently missing from the import).

    An update delivered again (webhook mode: Telegram retries one another replica is still
    handling, answered 503 until then) is the user's one action, not a flood: it is counted
    once, however often it comes back to this replica.
    """

    def __init__(self, limiter: RateLimiter, exempt: frozenset[int] = frozenset()) -> None:
        self._limiter = limiter
        self._exempt = exempt
        self._counted: OrderedDict[int, None] = OrderedDict()  # update ids, oldest first

    def _first_delivery(self, update_id: int) -> bool:
        if update_id in self._counted:
            return False
        self._counted[update_id] = None
        if len(self._counted) > REMEMBERED_UPDATES:
            self._counted.popitem(last=False)
        return True

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: User | None = data.get("event_from_user")
        if not isinstance(event, Update) or sender is None:
            return await handler(event, data)
        if event.message is None and event.callback_query is None:
            return await handler(event, data)  # membership changes etc. are never dropped
        if sender.id in self._exempt:
            return await handler(event, data)
        if "pending_claim" in data and not self._first_delivery(event.update_id):
            return await handler(event, data)  # webhook mode: Telegram delivered it again
        verdict = await self._limiter.check(sender.id)
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        log.debug("update %s from %s dropped: over the rate limit", event.update_id, sender.id)
        if verdict is Verdict.DROP_AND_NOTIFY:
            await self._notify(data["bot"], event, data.get("event_chat"))
        return None

    @staticmethod
    async def _notify(bot: Bot, update: Update, chat: Chat | None) -> None:
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text=texts.TOO_OFTEN)
            elif chat is not None and chat.type == ChatType.PRIVATE:
                await bot.send_message(chat.id, texts.TOO_OFTEN)
        except TelegramAPIError as exc:
            log.info("rate limit notice not delivered: %s", exc)


class CallbackAnswers(CallbackAnswerMiddleware):
    """aiogram's answer-every-callback middleware, hardened: the answer is sent even when the
    handler fails (with the error text, unless the failure is a harmless Telegram refusal), and
    a query too old to answer is logged instead of raised."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer = self.construct_callback_answer(properties=get_flag(data, "callback_answer"))
        data["callback_answer"] = answer
        try:
            return await handler(event, data)
        except Exception as exc:
            if not is_harmless(exc) and not answer.answered:
                busy = isinstance(exc, StoreBusy)
                answer.text, answer.show_alert = (texts.BUSY if busy else texts.ERROR), busy
            raise
        finally:
            if not answer.disabled and not answer.answered:
                try:
                    await self.answer(event, answer)
                except TelegramBadRequest as exc:
                    log.debug("callback %s not answered: %s", event.id, exc.message)

    def answer(self, event: CallbackQuery, callback_answer: CallbackAnswer) -> AnswerCallbackQuery:
        # The parent logs every answer at INFO: too chatty for the hot path.
        return event.answer(
            text=callback_answer.text,
            show_alert=callback_answer.show_alert,
            url=callback_answer.url,
            cache_time=callback_answer.cache_time,
        )


class InFlightUpdates(BaseMiddleware):
    """Remember the updates being handled, so shutdown lets them finish before closing the DB.

    Registered before aiogram's event isolation, so updates still waiting for a user's lock
    count as in flight too.
    """

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            return await handler(event, data)
        finally:
            if task is not None:
                self._running.discard(task)

    def __len__(self) -> int:
        return len(self._running)

    async def wait(self, seconds: float) -> None:
        """Let updates being handled finish (up to ``seconds``)."""
        current = asyncio.current_task()
        pending = [t for t in self._running if t is not current]
        if pending:
            log.info("waiting for %d update(s) in flight", len(pending))
            await asyncio.wait(pending, timeout=seconds)
