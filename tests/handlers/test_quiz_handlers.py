"""Handlers fed real updates through the dispatcher; Telegram is a recording session."""

from pathlib import Path

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendMessage,
)

from tests.handlers.conftest import Harness

USER = 77


async def _card(h: Harness) -> tuple[int, str]:
    """Send /quiz; return the shown id and the question text of the card."""
    await h.send(USER, "/quiz")
    sent = h.last_sent()
    (label, data), *_ = h.buttons(sent)
    assert label == "👀 Показать ответ"
    return int(data.split(":")[1]), sent.text


async def _ratings(h: Harness) -> list[tuple[object, ...]]:
    return await h.db.rows("SELECT shown_id, rating FROM ratings")


async def test_quiz_card_shows_question_in_bold_with_topic(harness: Harness) -> None:
    _, text = await _card(harness)
    assert "<b>Вопрос " in text
    assert "<i>" in text


async def test_reveal_edits_the_card_with_escaped_answer_and_four_grades(
    harness: Harness,
) -> None:
    for _ in range(3):
        shown, text = await _card(harness)
        if "Вопрос a?" in text:
            break
    await harness.press(USER, f"rv:{shown}")

    edit = harness.session.sent(EditMessageText)[-1]
    assert "Ответ с &lt;тегом&gt; &amp; амперсандом." in edit.text
    assert [label for label, _ in harness.buttons(edit)] == [
        "😶 Не знал · 10 мин", "😬 С трудом · 15 мин", "🙂 Знал · 2 дн.", "😎 Легко · 8 дн.",
        "⏭ Пропустить", "🚫 Больше не показывать", "⚠️ Ошибка в ответе",
    ]  # fmt: skip
    assert len(harness.session.sent(AnswerCallbackQuery)) == 1


async def test_rating_is_saved_and_card_says_when_it_returns(
    harness: Harness, tmp_path: Path
) -> None:
    shown, _ = await _card(harness)
    await harness.press(USER, f"rv:{shown}")

    await harness.press(USER, f"rt:{shown}:3")

    assert await _ratings(harness) == [(shown, 3)]
    edit = harness.session.sent(EditMessageText)[-1]
    assert "\n\nОценка: «Знал». Вопрос вернётся 3 марта (через 2 дня)." in edit.text
    assert [label for label, _ in harness.buttons(edit)] == [
        "➡️ Следующий вопрос",
        "↩️ Отменить оценку",
        "⚠️ Ошибка в ответе",
    ]
    answer = harness.session.sent(AnswerCallbackQuery)[-1]
    assert answer.text == "Сохранено: «Знал»"


async def test_second_tap_on_rating_records_once(harness: Harness, tmp_path: Path) -> None:
    shown, _ = await _card(harness)
    await harness.press(USER, f"rt:{shown}:1")
    harness.session.fail_next(
        EditMessageText,
        TelegramBadRequest(EditMessageText(text="x"), "Bad Request: message is not modified"),
    )

    await harness.press(USER, f"rt:{shown}:4")

    assert await _ratings(harness) == [(shown, 1)]
    assert harness.session.sent(AnswerCallbackQuery)[-1].text == "Оценка уже сохранена: «Не знал»."


@pytest.mark.parametrize(
    "data",
    ["rt:999:3", "rt:abc:3", "rt:1:9", "rv:", "garbage", "tt:astrology", "rv:1:2:3"],
)
async def test_forged_or_malformed_buttons_get_an_answer_and_change_nothing(
    harness: Harness, tmp_path: Path, data: str
) -> None:
    shown, _ = await _card(harness)
    harness.session.requests.clear()

    await harness.press(USER, data.replace("1", str(shown), 1) if data == "rt:1:9" else data)

    answers = harness.session.sent(AnswerCallbackQuery)
    assert len(answers) == 1 and answers[0].text
    assert harness.session.sent(EditMessageText) == []
    assert await _ratings(harness) == []


async def test_someone_elses_card_is_refused(harness: Harness, tmp_path: Path) -> None:
    shown, _ = await _card(harness)

    await harness.press(USER + 1, f"rt:{shown}:3")

    assert harness.session.sent(AnswerCallbackQuery)[-1].text == "Это чужая карточка."
    assert await _ratings(harness) == []


async def test_query_too_old_does_not_break_the_rating(harness: Harness, tmp_path: Path) -> None:
    shown, _ = await _card(harness)
    harness.session.fail_next(
        AnswerCallbackQuery,
        TelegramBadRequest(
            AnswerCallbackQuery(callback_query_id="1"),
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
    )

    await harness.press(USER, f"rt:{shown}:2")

    assert await _ratings(harness) == [(shown, 2)]


async def test_next_button_pressed_twice_sends_one_card(harness: Harness) -> None:
    shown, _ = await _card(harness)
    await harness.press(USER, f"rt:{shown}:3")
    rated = harness.session.sent(EditMessageText)[-1]
    (label, data), *_ = harness.buttons(rated)
    assert label == "➡️ Следующий вопрос"
    cards_before = len(harness.session.sent(SendMessage))

    await harness.press(USER, data)
    await harness.press(USER, data)

    assert len(harness.session.sent(SendMessage)) == cards_before + 1
    assert harness.session.sent(AnswerCallbackQuery)[-1].text == (
        "Следующий вопрос уже отправлен — он ниже."
    )


async def test_next_card_that_could_not_be_sent_can_be_asked_for_again(
    harness: Harness,
) -> None:
    shown, _ = await _card(harness)
    await harness.press(USER, f"rt:{shown}:3")
    cards_before = len(harness.session.sent(SendMessage))
    harness.session.fail_next(
        SendMessage, TelegramBadRequest(SendMessage(chat_id=USER, text="x"), "Bad Request: boom")
    )

    await harness.press(USER, f"nx:{shown}")  # the new card is refused by Telegram
    await harness.press(USER, f"nx:{shown}")

    sent = harness.session.sent(SendMessage)
    assert len(sent) == cards_before + 2  # the refused one, then one that went through
    assert harness.buttons(sent[-1])[0][0] == "👀 Показать ответ"
    assert harness.session.sent(AnswerCallbackQuery)[-1].text != (
        "Следующий вопрос уже отправлен — он ниже."
    )


async def test_next_under_someone_elses_card_sends_nothing(harness: Harness) -> None:
    shown, _ = await _card(harness)
    await harness.press(USER, f"rt:{shown}:3")
    cards_before = len(harness.session.sent(SendMessage))

    await harness.press(USER + 1, f"nx:{shown}")

    assert len(harness.session.sent(SendMessage)) == cards_before
