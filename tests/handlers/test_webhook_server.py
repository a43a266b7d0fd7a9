"""The webhook server in process, on both engines: an update is answered 200 only once it was
handled, a redelivered update is applied once, and a stop lets the update in flight finish
while new ones are sent back to Telegram (503) for another replica."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiohttp import web

from bot.quiz.grades import Grade
from bot.ui import texts
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


@asynccontextmanager
async def _replica(
    harness: Harness, finish_every: float = 0.05
) -> AsyncIterator[tuple[web.Application, str]]:
    """A webhook server over the harness's dispatcher and storage (two of them side by side
    stand for two replicas: each remembers only the updates it handled itself)."""

    async def ready() -> bool:
        return True

    async def nothing() -> None:
        return None

    app = build_web_app(
        dp=harness.dp, bot=harness.bot, path="/telegram", secret=SECRET,
        updates=harness.storage.updates, ready=ready,
        push_health=harness.dp["admin"].push_health, metrics=Metrics(),
        refresh_metrics=nothing, clock=harness.clock, finish_every=finish_every,
    )  # fmt: skip
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield app, f"http://127.0.0.1:{port}/telegram"
    finally:
        await runner.cleanup()


@pytest.fixture
async def server(harness: Harness) -> AsyncIterator[tuple[web.Application, str]]:
    async with _replica(harness) as served:
        yield served


async def _state(harness: Harness, update_id: int) -> str | None:
    rows = await harness.db.rows(
        f"SELECT state FROM processed_updates WHERE update_id = {update_id}"
    )
    return str(rows[0][0]) if rows else None


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


async def test_a_handled_update_is_marked_done_and_another_replica_acknowledges_it(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server
    assert await _post(url, _update(506, 82, "/quiz")) == 200
    for _ in range(100):  # its «done» is written with the batch, a moment after the 200
        if await _state(harness, 506) == "done":
            break
        await asyncio.sleep(0.02)
    assert await _state(harness, 506) == "done"

    async with _replica(harness) as (_, other):
        assert await _post(other, _update(506, 82, "/quiz")) == 200

    assert len(harness.session.sent(SendMessage)) == 1
    assert await harness.db.value("SELECT COUNT(*) FROM shown_cards") == 1


async def test_a_redelivery_before_the_batch_is_written_is_sent_back_not_handled_twice(
    harness: Harness,
) -> None:
    async with _replica(harness, finish_every=3600) as (_, first):
        assert await _post(first, _update(507, 83, "/quiz")) == 200
        assert await _post(first, _update(507, 83, "/quiz")) == 200  # it knows it handled it
        async with _replica(harness) as (_, other):
            # Still claimed in the log: Telegram is asked to deliver it again later.
            assert await _post(other, _update(507, 83, "/quiz")) == 503
        assert await _state(harness, 507) == "handling"
    # The replica's stop wrote what it had handled.
    assert await _state(harness, 507) == "done"

    async with _replica(harness) as (_, other):
        assert await _post(other, _update(507, 83, "/quiz")) == 200
    assert len(harness.session.sent(SendMessage)) == 1


async def test_a_message_from_a_new_user_registers_them_with_the_claim(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server
    assert await _post(url, _update(508, 84, "/start")) == 200

    assert await harness.db.value("SELECT first_name FROM users WHERE user_id = 84") == "Аня"
    assert await _state(harness, 508) in {"handling", "done"}
    assert len(harness.session.sent(SendMessage)) >= 1


async def test_an_update_with_no_private_sender_is_claimed_too(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    _, url = server
    group = _update(509, 85, "/help")
    group["message"]["chat"] = {"id": -100, "type": "group", "title": "DS"}

    assert await _post(url, group) == 200
    assert await _post(url, group) == 200

    assert await _state(harness, 509) in {"handling", "done"}
    assert await harness.db.value("SELECT COUNT(*) FROM users") == 0


async def test_the_log_forgets_old_updates_handled_or_left_claimed(harness: Harness) -> None:
    log = harness.storage.updates
    now = harness.clock()
    old = now - timedelta(days=2)
    await log.claim(510, old, old)  # handled two days ago
    await log.finish([510])
    await log.claim(511, old, old)  # claimed by a replica killed before it wrote «done»
    await log.claim(512, now, now)  # being handled right now

    assert await log.prune(now - timedelta(days=1)) == 2

    assert [await _state(harness, u) for u in (510, 511, 512)] == [None, None, "handling"]


def _press(update_id: int, user: int, data: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": {"id": user, "is_bot": False, "first_name": "Аня"},
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": user, "type": "private"},
                "text": "card",
            },
        },
    }


def _answers(harness: Harness) -> list[str | None]:
    return [a.text for a in harness.session.sent(AnswerCallbackQuery)]


async def test_a_card_revealed_rated_and_followed_by_webhook_is_handled_once_for_its_owner(
    harness: Harness, server: tuple[web.Application, str]
) -> None:
    # The card a press names is read with the presser's profile and the claim: what the
    # reveal shows and the rating writes must be that card as it stands, and only its owner's.
    _, url = server
    assert await _post(url, _update(520, 86, "/quiz")) == 200
    (reveal,) = [d for _, d in harness.buttons(harness.last_sent()) if d.startswith("rv:")]
    shown = int(reveal.split(":")[1])

    assert await _post(url, _update(519, 87, "/help")) == 200  # another user, registered
    assert await _post(url, _press(521, 87, reveal)) == 200  # someone else's card
    assert _answers(harness)[-1] == texts.CARD_NOT_YOURS
    assert await _post(url, _press(522, 86, reveal)) == 200
    edit = harness.session.sent(EditMessageText)[-1]
    grades = [d for _, d in harness.buttons(edit) if d.startswith("rt:")]
    assert len(grades) == 4 and "Знал" in "".join(label for label, _ in harness.buttons(edit))

    assert await _post(url, _press(523, 86, f"rt:{shown}:3")) == 200
    assert await _post(url, _press(524, 86, f"rt:{shown}:1")) == 200  # a second tap
    assert await _post(url, _press(525, 86, f"rt:{shown + 1000}:3")) == 200  # no such card

    assert await harness.db.rows(f"SELECT rating FROM ratings WHERE shown_id = {shown}") == [(3,)]
    answers = _answers(harness)
    assert answers[-3] == texts.SAVED.format(grade=texts.GRADE_NAMES[Grade.GOOD])
    assert answers[-2] == texts.ALREADY_RATED.format(grade=texts.GRADE_NAMES[Grade.GOOD])
    assert answers[-1] == texts.CARD_UNKNOWN

    # «Next» under the card (its read made with the claim too): one new card, however often.
    cards = len(harness.session.sent(SendMessage))
    assert await _post(url, _press(526, 86, f"nx:{shown}")) == 200
    assert await _post(url, _press(527, 86, f"nx:{shown}")) == 200
    assert len(harness.session.sent(SendMessage)) == cards + 1
    assert any(d.startswith("rv:") for _, d in harness.buttons(harness.last_sent()))
    assert _answers(harness)[-1] == texts.NEXT_ALREADY_SENT
