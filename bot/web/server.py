"""Webhook mode: aiogram's aiohttp webhook handler, plus /healthz, /readyz and /metrics.

An update is acknowledged only after it was handled (a replica that dies mid-update leaves it
unanswered, and Telegram redelivers it to another), and the update log makes a redelivered
update take effect once: the update is claimed by the first read of its handling and marked
done in batches after it was answered (bot/web/finishing.py).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.quiz.admin import PushHealth
from bot.quiz.ports import ClaimRequest, PendingClaim, UpdateClaim, UpdateLog
from bot.web.finishing import FINISH_EVERY, FinishedUpdates
from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
# A claim older than this belongs to a replica that died mid-update: another may take over.
# (Handling takes well under a second; the use cases are idempotent in the database anyway,
# so a rare overlap with a very slow live replica costs nothing.)
STALE_CLAIM = timedelta(seconds=15)


class OnceRequestHandler(SimpleRequestHandler):
    """Handles each update to the end before answering 200, and each update id once.

    ``handle_in_background=False``: aiogram's default answers 200 at once and handles the
    update in a detached task, which a dying replica would lose after Telegram was told it
    was delivered.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        secret_token: str,
        updates: UpdateLog,
        finished: FinishedUpdates,
        clock: Callable[[], datetime],
        **data: Any,
    ) -> None:
        super().__init__(
            dispatcher, bot, handle_in_background=False, secret_token=secret_token, **data
        )
        self._updates = updates
        self._finished = finished
        self._clock = clock
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False

    def stop_taking(self) -> None:
        """From now on every update is answered 503: Telegram delivers it again, to another
        replica (a keep-alive connection can still bring requests after the port closed)."""
        self._closing = True

    async def drain(self, seconds: float) -> bool:
        """Wait until no update is being handled; False when ``seconds`` ran out first."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        if self._closing:
            return web.Response(status=503, text="shutting down")
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._handle_once(bot, request)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _handle_once(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            return web.Response(status=400, text="no update_id")
        if update_id in self._finished:
            return web.json_response({})  # handled here a moment ago
        now = self._clock()
        # Claimed by the first read of its handling (bot.handlers.middlewares.UserMiddleware).
        pending = PendingClaim(ClaimRequest(update_id, now, now - STALE_CLAIM))
        try:
            result = await self.dispatcher.feed_raw_update(
                bot=bot, update=update, pending_claim=pending, **self.data
            )
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=bot, result=result)
        except BaseException:
            if pending.outcome is UpdateClaim.NEW:
                await self._updates.release(update_id)
            raise
        if pending.outcome is UpdateClaim.BUSY:
            return web.Response(status=503, text="being handled by another replica")
        if pending.outcome is UpdateClaim.NEW:
            self._finished.add(update_id)
        return web.json_response({})


HANDLER_KEY = web.AppKey("once_request_handler", OnceRequestHandler)


def build_web_app(
    *,
    dp: Dispatcher,
    bot: Bot,
    path: str,
    secret: str,
    updates: UpdateLog,
    ready: Callable[[], Awaitable[bool]],
    push_health: Callable[[], Awaitable[PushHealth]],
    metrics: Metrics,
    refresh_metrics: Callable[[], Awaitable[None]],
    clock: Callable[[], datetime],
    finish_every: float = FINISH_EVERY,
) -> web.Application:
    app = web.Application()
    finished = FinishedUpdates(updates, every=finish_every)
    app.cleanup_ctx.append(lambda _: finished.running())
    handler = OnceRequestHandler(
        dp, bot, secret_token=secret, updates=updates, finished=finished, clock=clock
    )
    handler.register(app, path=path)
    app[HANDLER_KEY] = handler
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz(ready, push_health))
    app.router.add_get("/metrics", metrics_endpoint(metrics, refresh_metrics))
    return app


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "alive"})


def _push_report(health: PushHealth) -> dict[str, Any]:
    """The daily push as every replica sees it in the database (whichever one sends)."""
    return {
        "sender_alive": health.alive,
        "sender_state": health.beat.state if health.beat else "never started",
        "sender_rate": round(health.beat.rate, 2) if health.beat else None,
        "queued": health.backlog.queued,
        "lag_seconds": None if health.lag is None else int(health.lag.total_seconds()),
    }


def _readyz(
    ready: Callable[[], Awaitable[bool]], push_health: Callable[[], Awaitable[PushHealth]]
) -> Callable[[web.Request], Awaitable[Any]]:
    """200 when the database answers with its schema current (the push's health is reported
    in the body: a stuck sender is no reason to take this replica out of the balancer)."""

    async def handler(request: web.Request) -> web.Response:
        try:
            ok = await ready()
        except Exception as exc:
            log.warning("readiness check failed: %s", exc)
            ok = False
        if ok:
            body: dict[str, Any] = {"status": "ready"}
            try:
                body["push"] = _push_report(await push_health())
            except Exception as exc:
                log.warning("could not read the push's health: %s", exc)
            return web.json_response(body)
        return web.json_response(
            {"status": "not ready: database unreachable or migrations pending"}, status=503
        )

    return handler


def metrics_endpoint(
    metrics: Metrics, refresh: Callable[[], Awaitable[None]]
) -> Callable[[web.Request], Awaitable[Any]]:
    async def handler(request: web.Request) -> web.Response:
        try:
            await refresh()
        except Exception as exc:
            log.warning("could not read push figures for /metrics: %s", exc)
        return web.Response(body=metrics.render(), content_type="text/plain", charset="utf-8")

    return handler
