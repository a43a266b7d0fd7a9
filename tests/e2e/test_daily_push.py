"""The daily question through the real bot process: exactly one card per subscriber."""

import sqlite3
from collections import Counter

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, Fault
from tests.e2e.subscribers import daily_cards as _daily_cards
from tests.e2e.subscribers import push_statuses as _push_statuses
from tests.e2e.subscribers import seed_subscribers as _seed_subscribers

FAST_TICKS = {"PUSH_TICK_SECONDS": "0.3", "PUSH_RATE": "200"}


async def test_every_subscriber_gets_exactly_one_card_despite_429_5xx_and_blocks(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(1000, 1040)
    blocked, gone = {1003, 1017, 1031}, {1025}
    await _seed_subscribers(db_path, users, minutes_ago=1)
    for user in users:
        if user not in gone:
            telegram.add_chat(user)
    telegram.blocked |= blocked
    telegram.faults += [
        Fault("sendMessage", 429, times=2, retry_after=1),
        Fault("sendMessage", 500, times=2),
        Fault("sendMessage", 502, times=1, chat_id=1010),
    ]
    bot_process.extra_env.update(FAST_TICKS)

    await bot_process.start()
    reachable = set(users) - blocked - gone
    await telegram.wait_for(
        lambda: set(_daily_cards(telegram)) >= reachable, timeout=30, what="all pushes"
    )

    cards = _daily_cards(telegram)
    assert set(cards) == reachable
    assert set(cards.values()) == {1}
    await telegram.wait_for(
        lambda: _push_statuses(db_path) == Counter(sent=36, blocked=4), what="push log"
    )
    with sqlite3.connect(db_path) as db:
        unsubscribed = {
            row[0] for row in db.execute("SELECT user_id FROM users WHERE daily_time IS NULL")
        }
    assert unsubscribed == blocked | gone

    # A restart sends nothing twice.
    assert await bot_process.stop() == 0
    await bot_process.start()
    await telegram.wait_for_call("getUpdates", count=2)
    await telegram.send_text(1000, "/help")
    await telegram.wait_for(
        lambda: "Команды" in telegram.last_bot_message(1000).text, what="/help after restart"
    )
    assert _daily_cards(telegram) == cards


async def test_slot_missed_while_stopped_is_caught_up_once_and_stale_ones_skipped(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    await _seed_subscribers(db_path, range(2000, 2005), minutes_ago=90)  # within 3 h grace
    await _seed_subscribers(db_path, range(3000, 3003), minutes_ago=60 * 5)  # too late
    for user in [*range(2000, 2005), *range(3000, 3003)]:
        telegram.add_chat(user)
    bot_process.extra_env.update(FAST_TICKS)

    await bot_process.start()
    await telegram.wait_for(
        lambda: len(_daily_cards(telegram)) == 5, timeout=30, what="catch-up pushes"
    )
    await bot_process.stop()
    await bot_process.start()
    await telegram.send_text(2000, "/daily")
    await telegram.wait_for(
        lambda: "приходит каждый день" in telegram.last_bot_message(2000).text,
        what="/daily reply",
    )

    cards = _daily_cards(telegram)
    assert set(cards) == set(range(2000, 2005))
    assert set(cards.values()) == {1}
    assert _push_statuses(db_path) == Counter(sent=5, expired=3)


async def test_pushed_card_reveals_and_rates_like_a_quiz_card(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    await _seed_subscribers(db_path, range(4000, 4001), minutes_ago=0.5)
    telegram.add_chat(4000)
    bot_process.extra_env.update(FAST_TICKS)
    await bot_process.start()
    card = await telegram.wait_for(
        lambda: next(
            (m for m in telegram.bot_messages(4000) if m.text.startswith("🗓 Вопрос дня")), None
        ),
        what="the daily card",
    )

    await telegram.press(4000, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal")
    await telegram.press(4000, card, card.button("Знал"))
    await telegram.wait_for(lambda: "Оценка: «Знал»" in card.text, what="rating")

    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT user_id, rating FROM ratings").fetchall() == [(4000, 3)]
