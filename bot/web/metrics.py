"""Prometheus metrics (prometheus-client): one registry per process, passed in, never global."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import TelegramObject, Update
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_CODES: tuple[tuple[type[TelegramAPIError], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramEntityTooLarge, "413"),
    (TelegramBadRequest, "400"),
    (TelegramServerError, "5xx"),
)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "bot_updates_total", "Updates handled, by kind and outcome", ["kind", "outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.handler_seconds = Histogram(
            "bot_update_handling_seconds", "Time to handle one update", ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
            registry=self.registry,
        )  # fmt: skip
        self.api_calls = Counter(
            "bot_api_calls_total", "Bot API calls, by method and result code", ["method", "code"],
            registry=self.registry,
        )  # fmt: skip
        self.push_queue = Gauge(
            "bot_push_queue_depth", "Daily-question pushes waiting to be sent",
            registry=self.registry,
        )  # fmt: skip
        self.pushes = Gauge(
            "bot_pushes_last_day", "Daily-question pushes of the last 24 hours, by status",
            ["status"], registry=self.registry,
        )  # fmt: skip
        self.push_leader = Gauge(
            "bot_push_leader", "1 while this replica holds the push lease",
            registry=self.registry,
        )  # fmt: skip

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _kind(update: Update) -> str:
    return update.event_type if update.event_type else "unknown"


class UpdateMetrics(BaseMiddleware):
    """Outer update middleware: counts every update and times its handling."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        kind = _kind(event)
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            self._metrics.handler_seconds.labels(kind).observe(time.perf_counter() - started)
            self._metrics.updates.labels(kind, outcome).inc()


class ApiCallMetrics(BaseRequestMiddleware):
    """Session middleware: counts Bot API calls by method and the code Telegram answered."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Any,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = type(method).__name__
        try:
            response = await make_request(bot, method)
        except TelegramNetworkError:
            self._metrics.api_calls.labels(name, "network").inc()
            raise
        except TelegramAPIError as exc:
            code = next((c for kind, c in _CODES if isinstance(exc, kind)), "other")
            self._metrics.api_calls.labels(name, code).inc()
            raise
        self._metrics.api_calls.labels(name, "200").inc()
        return response
