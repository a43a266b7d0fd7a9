"""/stats, its buttons, and /reset's confirmation as a user meets them."""

import time
from pathlib import Path

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SendPhoto

from tests.handlers.conftest import Harness

USER = 55


async def _count(h: Harness, table: str) -> int:
    return int(await h.db.value(f"SELECT COUNT(*) FROM {table}"))


async def _rate(h: Harness, grade: int) -> None:
    await h.send(USER, "/quiz")
    shown = h.buttons(h.last_sent())[0][1].split(":")[1]
    await h.press(USER, f"rt:{shown}:{grade}")


async def test_new_user_gets_a_friendly_zero_state(harness: Harness) -> None:
    await harness.send(USER, "/stats")
    sent = harness.last_sent()
    assert "/quiz" in sent.text and "ни одного" in sent.text
    assert sent.reply_markup is None


async def test_stats_after_practice(harness: Harness) -> None:
    await _rate(harness, 3)
    await _rate(harness, 1)

    await harness.send(USER, "/stats")

    sent = harness.last_sent()
    assert "Вопросов пройдено: <b>2</b> из 3" in sent.text
    assert "Оценок: сегодня 2 · за неделю 2 · всего 2" in sent.text
    assert "<b>50%</b>" in sent.text
    assert "Серия: 1 день подряд, сегодня уже занимались" in sent.text
    assert "Вопрос дня выключен" in sent.text
    await harness.send(USER, "/daily 21:00")
    await harness.send(USER, "/stats")
    assert "Вопрос дня: каждый день в 21:00 (Europe/Moscow)" in harness.last_sent().text
    assert [label for label, _ in harness.buttons(harness.last_sent())] == [
        "📈 График", "🧩 Трудные вопросы",
    ]  # fmt: skip


async def test_chart_button_sends_a_png(harness: Harness) -> None:
    await _rate(harness, 4)

    await harness.press(USER, "sc")

    photo = harness.session.sent(SendPhoto)[-1]
    assert photo.photo.data.startswith(b"\x89PNG")
    assert photo.caption


async def test_hardest_lists_forgotten_questions_and_opens_their_cards(harness: Harness) -> None:
    await _rate(harness, 1)
    await harness.press(USER, "sh")
    listing = harness.last_sent()
    assert "«Не знал» ×1" in listing.text
    (_, data), *_ = harness.buttons(listing)

    await harness.press(USER, data)

    card = harness.last_sent()
    assert "Подумайте над ответом" in card.text
    assert harness.buttons(card)[0][0] == "👀 Показать ответ"


async def test_reset_needs_confirmation_and_a_stray_tap_erases_nothing(
    harness: Harness, tmp_path: Path
) -> None:
    await _rate(harness, 3)
    await harness.send(USER, "/reset")
    ask = harness.last_sent()
    assert await _count(harness, "ratings") == 1
    assert [label for label, _ in harness.buttons(ask)] == ["🗑 Да, стереть всё", "Отмена"]

    await harness.press(USER, "rn")
    assert await _count(harness, "ratings") == 1
    old = f"rc:{int(time.time()) - 3600}"
    await harness.press(USER, old)
    assert await _count(harness, "ratings") == 1
    assert "устарело" in str(harness.session.sent(AnswerCallbackQuery)[-1].text)

    await harness.press(USER, harness.buttons(ask)[0][1])

    assert await _count(harness, "ratings") == 0 and await _count(harness, "cards") == 0
    assert harness.session.sent(EditMessageText)[-1].text.startswith("Прогресс стёрт")
    await harness.send(USER, "/stats")
    assert "ни одного" in harness.session.sent(SendMessage)[-1].text
