"""Webhook mode: aiogram's aiohttp webhook handler, plus /healthz, /readyz and /metrics.

An update is acknowledged only after it was handled (a replica that dies mid-update leaves it
unanswered, and Telegram redelivers it to another), and the update log makes a redelivered
update take effect once.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.quiz.admin import PushHealth
from bot.quiz.ports import UpdateClaim, UpdateLog
from bot.web.metrics import Metrics

log = logging.getLogger(__name__)
# A claim older than this belongs to a replica that died mid-update: another may take over.
STALE_CLAIM = timedelta(seconds=60)


class OnceRequestHandler(SimpleRequestHandler):
    """Handles each update to the end before answering 200, and each update id once."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        secret_token: str,
        updates: UpdateLog,
        clock: Callable[[], datetime],
        **data: Any,
    ) -> None:
        super().__init__(dispatcher, bot, secret_token=secret_token, **data)
        self._updates = updates
        self._clock = clock

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            return web.Response(status=400, text="no update_id")
        now = self._clock()
        claim = await self._updates.claim(update_id, now, now - STALE_CLAIM)
        if claim is UpdateClaim.DONE:
            return web.json_response({})
        if claim is UpdateClaim.BUSY:
            return web.Response(status=503, text="being handled by another replica")
        try:
            result = await self.dispatcher.feed_raw_update(bot=bot, update=update, **self.data)
            if isinstance(result, TelegramMethod):
                await self.dispatcher.silent_call_request(bot=bot, result=result)
        except BaseException:
            await self._updates.release(update_id)
            raise
        await self._updates.finish(update_id)
        return web.json_response({})


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
) -> web.Application:
    app = web.Application()
    OnceRequestHandler(dp, bot, secret_token=secret, updates=updates, clock=clock).register(
        app, path=path
    )
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
