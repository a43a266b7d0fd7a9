"""One user's flood is dropped before any work; other users are served as usual."""

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Message, Update

from bot.quiz.ports import ClaimRequest, PendingClaim
from bot.ratelimit import RateLimiter, TokenBucketLimiter
from bot.ui import texts
from tests.handlers.conftest import Harness

FLOODER, OTHER = 501, 502
BURST = 5


@pytest.fixture
def rate_limiter() -> RateLimiter:
    return TokenBucketLimiter(rate=1, burst=BURST, clock=lambda: 0.0)  # time stands still


def _texts_to(h: Harness, chat_id: int) -> list[str]:
    return [m.text for m in h.session.sent(SendMessage) if m.chat_id == chat_id]


async def test_a_flood_of_start_is_cut_to_the_burst_and_one_notice(harness: Harness) -> None:
    for _ in range(200):
        await harness.send(FLOODER, "/start")
    await harness.send(OTHER, "/quiz")

    to_flooder = _texts_to(harness, FLOODER)
    assert sum(t.startswith("Привет") for t in to_flooder) == BURST
    assert to_flooder[BURST:] == [texts.TOO_OFTEN]
    (card,) = _texts_to(harness, OTHER)
    assert "Вопрос " in card


async def test_taps_over_the_limit_get_one_short_answer(harness: Harness) -> None:
    for _ in range(BURST + 10):
        await harness.press(FLOODER, "garbage")

    answers = [a.text for a in harness.session.sent(AnswerCallbackQuery)]
    assert answers == [texts.BAD_BUTTON] * BURST + [texts.TOO_OFTEN]


async def test_an_admin_forwarding_posts_in_bulk_is_not_limited(harness: Harness) -> None:
    from tests.handlers.conftest import ADMIN

    for _ in range(BURST + 5):
        await harness.send(ADMIN, "/help")

    to_admin = _texts_to(harness, ADMIN)
    assert len(to_admin) == BURST + 5
    assert texts.TOO_OFTEN not in to_admin


async def test_an_update_delivered_again_counts_once(harness: Harness) -> None:
    # Webhook mode: Telegram retries an update another replica is still handling (503) every
    # few seconds; the retries are one action of the user, not a flood.
    retried = Update(
        update_id=9001,
        message=Message.model_validate(
            {
                "message_id": 9001,
                "date": datetime.now(UTC),
                "chat": {"id": FLOODER, "type": "private"},
                "from": {"id": FLOODER, "is_bot": False, "first_name": "Аня"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            }
        ),
    )
    now = harness.clock()
    for _ in range(20):  # as the webhook handler feeds it: to be claimed in the update log
        pending = PendingClaim(ClaimRequest(retried.update_id, now, now - timedelta(seconds=15)))
        await harness.dp.feed_update(harness.bot, retried, pending_claim=pending)
    for _ in range(BURST - 1):
        await harness.send(FLOODER, "/start")

    to_flooder = _texts_to(harness, FLOODER)
    assert texts.TOO_OFTEN not in to_flooder
    assert sum(t.startswith("Привет") for t in to_flooder) == BURST - 1
