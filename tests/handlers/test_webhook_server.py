"""The webhook server in process, on both engines: an update is answered 200 only once it was
handled, a redelivered update is applied once, and a stop lets the update in flight finish
while new ones are sent back to Telegram (503) for another replica."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiogram.methods import SendMessage
from aiohttp import web

from bot.web.metrics import Metrics
from bot.web.server import HANDLER_KEY, build_web_app
from tests.handlers.conftest import Harness

SECRET = "test-secret"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


def _update(update_id: int, user: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Аня"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


@pytest.fixture
async def server(harness: Harness) -> AsyncIterator[tuple[web.Application, str]]:
    async def ready() -> bool:
        return True

    async def nothing() -> None:
        return None

    app = build_web_app(
        dp=harness.dp, bot=harness.bot, path="/telegram", secret=SECRET,
        updates=harness.storage.updates, ready=ready,
        push_health=harness.dp["admin"].push_health, metrics=Metrics(),
        refresh_metrics=nothing, clock=harness.clock,
    )  # fmt: skip
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield app, f"http://127.0.0.1:{port}/telegram"
    await runner.cleanup()


async def _post(url: str, update: dict[str, Any]) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=update, headers=HEADERS) as response,
    ):
        return response.status


async def test_an_update_is_acknowledged_only_after_it_was_handled(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server
    harness.session.hold = asyncio.Event()  # Telegram is slow to take the reply

    post = asyncio.create_task(_post(url, _update(501, 77, "/help")))
    await asyncio.sleep(0.3)
    assert not post.done()  # not answered while the reply is still being sent

    harness.session.hold.set()
    assert await post == 200
    assert len(harness.session.sent(SendMessage)) == 1


async def test_a_redelivered_update_takes_effect_once(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server

    assert await _post(url, _update(502, 78, "/quiz")) == 200
    assert await _post(url, _update(502, 78, "/quiz")) == 200  # Telegram did not get our 200

    assert len(harness.session.sent(SendMessage)) == 1
    assert await harness.db.value("SELECT COUNT(*) FROM shown_cards") == 1


async def test_an_update_claimed_by_a_replica_that_died_is_taken_over_later(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server
    now = harness.clock()
    await harness.storage.updates.claim(503, now, now)  # another replica died mid-update

    assert await _post(url, _update(503, 79, "/help")) == 503  # still its, for now
    assert harness.session.sent(SendMessage) == []
    harness.clock.advance(seconds=20)
    assert await _post(url, _update(503, 79, "/help")) == 200
    assert len(harness.session.sent(SendMessage)) == 1


async def test_a_stop_finishes_the_update_in_flight_and_sends_new_ones_back(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    app, url = server
    handler = app[HANDLER_KEY]
    harness.session.hold = asyncio.Event()
    in_flight = asyncio.create_task(_post(url, _update(504, 80, "/help")))
    await asyncio.sleep(0.3)

    handler.stop_taking()
    draining = asyncio.create_task(handler.drain(seconds=10))
    assert await _post(url, _update(505, 81, "/help")) == 503  # for another replica
    await asyncio.sleep(0.1)
    assert not draining.done()

    harness.session.hold.set()
    assert await in_flight == 200
    assert await draining
    assert [int(m.chat_id) for m in harness.session.sent(SendMessage)] == [80]
