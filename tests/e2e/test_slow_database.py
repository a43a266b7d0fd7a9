"""Another process holding the database's write lock: every tap is answered within
Telegram's 15 s, and a rating that could not be saved says so and can be tapped again."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, StoredMessage

USER = 641


@contextmanager
def write_lock(bot: BotProcess) -> Iterator[None]:
    """Hold SQLite's write lock from a second connection, as another process would."""
    db = sqlite3.connect(bot.workdir / "bot.db", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


def _ratings(bot: BotProcess) -> list[tuple[int, int]]:
    with sqlite3.connect(bot.workdir / "bot.db") as db:
        return db.execute("SELECT user_id, rating FROM ratings").fetchall()


async def _revealed_card(telegram: FakeTelegram) -> StoredMessage:
    await telegram.send_text(USER, "/quiz")
    card = (await telegram.wait_for(lambda: telegram.bot_messages(USER), what="card"))[0]
    await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal")
    return card


def _last_answer(telegram: FakeTelegram) -> str:
    return str(telegram.calls_of("answerCallbackQuery")[-1].params.get("text", ""))


async def test_slow_save_is_answered_at_once_and_the_card_shows_the_result(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    card = await _revealed_card(telegram)

    with write_lock(bot_process):
        query = await telegram.press(USER, card, card.button("Знал"))
        await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="an answer")
        assert _last_answer(telegram) == "Сохраняю…"  # answered while the lock is still held
        assert "Оценка: «" not in card.text

    await telegram.wait_for(lambda: "Оценка: «Знал»" in card.text, what="the result")
    assert _ratings(bot_process) == [(USER, 3)]


async def test_rating_blocked_past_the_busy_timeout_asks_for_another_tap_and_saves_once(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    card = await _revealed_card(telegram)
    before = len(telegram.bot_messages(USER))

    with write_lock(bot_process):  # held for as long as the bot waits, as a 20 s lock would
        query = await telegram.press(USER, card, card.button("Легко"))
        await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="an answer")
        assert _last_answer(telegram) == "Сохраняю…"
        await telegram.wait_for(
            lambda: len(telegram.bot_messages(USER)) > before, timeout=20, what="not saved"
        )
        notice = telegram.bot_messages(USER)[before].text
        assert "Оценка не сохранилась" in notice and "ещё раз" in notice
        assert "Насколько" in card.text  # the grade buttons stay for another tap
    assert _ratings(bot_process) == []

    first = await telegram.press(USER, card, card.button("Легко"))
    await telegram.wait_for(lambda: "Оценка: «" in card.text, what="the rating, tapped again")
    await telegram.wait_for(lambda: telegram.query_answers(first) == 1, what="an answer")
    again = await telegram.press(USER, card, "rt:1:4")
    await telegram.wait_for(lambda: telegram.query_answers(again) == 1, what="an answer")

    assert _ratings(bot_process) == [(USER, 4)]
    assert "Что-то пошло не так" not in "".join(m.text for m in telegram.bot_messages(USER))
