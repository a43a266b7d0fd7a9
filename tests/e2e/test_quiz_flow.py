"""A user practises through the real bot process and the fake Telegram server."""

import signal
import sqlite3

from bot.quiz.bank import load_bank
from tests.conftest import ROOT
from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, StoredMessage

USER = 501


async def _reply_to(telegram: FakeTelegram, user: int, action: object) -> StoredMessage:
    """Wait for the bot's next new message in the user's chat after ``action`` ran."""
    before = len(telegram.bot_messages(user))
    await action  # type: ignore[misc]
    await telegram.wait_for(
        lambda: len(telegram.bot_messages(user)) > before, what="a reply from the bot"
    )
    return telegram.bot_messages(user)[before]


def _question_line(text: str) -> str:
    """The question of a card: two lines below its topics line (🧠 …)."""
    lines = text.splitlines()
    return next(lines[i + 2] for i, line in enumerate(lines) if line.startswith("🧠"))


def _ratings(bot: BotProcess) -> list[tuple[int, str, int]]:
    with sqlite3.connect(bot.workdir / "bot.db") as db:
        return db.execute("SELECT user_id, question_id, rating FROM ratings").fetchall()


async def test_start_quiz_reveal_rate_next(telegram: FakeTelegram, bot_process: BotProcess) -> None:
    await bot_process.start()
    commands = await telegram.wait_for_call("setMyCommands")
    assert {c["command"] for c in commands[0].params["commands"]} >= {"quiz", "stats", "help"}

    welcome = await _reply_to(telegram, USER, telegram.send_text(USER, "/start"))
    assert "Data Science" in welcome.text and "/quiz" in welcome.text

    card = await _reply_to(telegram, USER, telegram.send_text(USER, "/quiz"))
    assert "Подумайте над ответом" in card.text
    question_line = _question_line(card.text)

    query = await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько хорошо" in card.text, what="the reveal edit")
    assert question_line in card.text
    grades = [label for label, _ in card.buttons()][:4]
    assert [label.split(" · ")[0] for label in grades] == [
        "😶 Не знал", "😬 С трудом", "🙂 Знал", "😎 Легко",
    ]  # fmt: skip
    assert grades[0] == "😶 Не знал · 10 мин"
    await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="callback answer")

    query = await telegram.press(USER, card, card.button("Знал"))
    await telegram.wait_for(lambda: "Оценка: «Знал»" in card.text, what="the rating edit")
    assert "(через 2 дня)." in card.text
    assert [label for label, _ in card.buttons()] == [
        "➡️ Следующий вопрос", "↩️ Отменить оценку", "⚠️ Ошибка в ответе",
    ]  # fmt: skip
    await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="callback answer")
    assert len(_ratings(bot_process)) == 1

    second = await _reply_to(telegram, USER, telegram.press(USER, card, card.button("Следующий")))
    assert "Подумайте над ответом" in second.text
    assert _question_line(second.text) != question_line
    again = await telegram.press(USER, card, card.button("Следующий"))
    await telegram.wait_for(lambda: telegram.query_answers(again) == 1, what="callback answer")
    assert telegram.bot_messages(USER)[-1] is second

    assert await bot_process.stop(signal.SIGTERM) == 0
    assert "stopped cleanly" in bot_process.log()
    assert TOKEN_SECRET not in bot_process.log()


TOKEN_SECRET = "TEST-token-for-the-fake-server-only"


async def test_stats_and_chart_after_practice(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    card = await _reply_to(telegram, USER, telegram.send_text(USER, "/quiz"))
    await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal")
    await telegram.press(USER, card, card.button("Не знал"))
    await telegram.wait_for(lambda: "Оценка: «Не знал»" in card.text, what="rating")

    stats = await _reply_to(telegram, USER, telegram.send_text(USER, "/stats"))
    bank_size = len(load_bank(ROOT / "content"))
    assert f"Вопросов пройдено: 1 из {bank_size}" in stats.text
    assert "Серия: 1 день подряд" in stats.text

    chart = await _reply_to(telegram, USER, telegram.press(USER, stats, stats.button("График")))
    assert chart.photo is not None and chart.photo.startswith(b"\x89PNG")
    hardest = await _reply_to(telegram, USER, telegram.press(USER, stats, stats.button("Трудные")))
    assert "«Не знал» ×1" in hardest.text


async def test_answer_before_revealing_undo_and_an_honest_end_of_the_day(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    """#11 through the real process: /LIMIT in capitals, a typed answer beside the reference,
    a rating taken back and changed, «Пока всё» and an early review on request."""
    await bot_process.start()
    limit = await _reply_to(telegram, USER, telegram.send_text(USER, "/LIMIT 1"))
    assert limit.text == "Готово. Новых вопросов в день: 1."
    card = await _reply_to(telegram, USER, telegram.send_text(USER, "/Quiz"))
    assert card.text.startswith("Новый вопрос · последний на сегодня · новых сегодня 1 из 1\n")

    saved = await _reply_to(telegram, USER, telegram.send_text(USER, "Мой ответ: не знаю"))
    assert saved.text.startswith("Записал как ваш ответ на вопрос «")
    await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal")
    assert "Ваш ответ:\nМой ответ: не знаю\n\nПравильный ответ:\n" in card.text
    await telegram.press(USER, card, card.button("Знал"))
    await telegram.wait_for(lambda: "Оценка: «Знал»" in card.text, what="rating")
    await telegram.press(USER, card, card.button("Отменить оценку"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="undo")
    await telegram.press(USER, card, card.button("Не знал"))
    await telegram.wait_for(lambda: "Оценка: «Не знал»" in card.text, what="new rating")
    assert [rating for _, _, rating in _ratings(bot_process)] == [1]

    done = await _reply_to(telegram, USER, telegram.send_text(USER, "/quiz"))
    # «Не знал» brings the card back in 10 minutes: the day is not over, only for now.
    assert done.text.startswith("Пока всё.\n")
    assert "(через 10 минут)" in done.text
    early = await _reply_to(
        telegram, USER, telegram.press(USER, done, done.button("Повторить заранее"))
    )
    assert early.text.startswith("Повторение заранее\n")
