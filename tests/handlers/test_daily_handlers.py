"""/daily and /timezone as a user types them."""

from datetime import UTC, datetime

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import ChatMemberUpdated, Update

from tests.handlers.conftest import Harness

USER = 99


async def _subscription(h: Harness) -> tuple[str, str] | None:
    sub = await h.storage.pushes.subscription(USER)
    return None if sub is None else (sub.daily_time, f"{sub.next_push_at:%Y-%m-%d %H:%M}")


async def test_daily_without_subscription_explains_how(harness: Harness) -> None:
    await harness.send(USER, "/daily")
    text = harness.last_sent().text
    assert "выключен" in text and "/daily 09:30" in text and "Europe/Moscow" in text


async def test_daily_with_time_subscribes_and_states_the_timezone(harness: Harness) -> None:
    await harness.send(USER, "/daily 9:30")

    text = harness.last_sent().text
    assert "<b>09:30</b> (Europe/Moscow)" in text
    assert "Первый — 1 марта, 09:30" in text  # the clock says 08:00 Moscow, 1 March 2026
    assert await _subscription(harness) == ("09:30", "2026-03-01 06:30")

    await harness.send(USER, "/daily")
    assert "каждый день в <b>09:30</b>" in harness.last_sent().text


async def test_invalid_time_is_explained_and_changes_nothing(harness: Harness) -> None:
    await harness.send(USER, "/daily 10:00")
    for bad in ("25:99", "abc", "<b>"):
        await harness.send(USER, f"/daily {bad}")
        text = harness.last_sent().text
        assert "Не понял время" in text and "/daily 09:30" in text
    assert await _subscription(harness) == ("10:00", "2026-03-01 07:00")


async def test_daily_off_unsubscribes(harness: Harness) -> None:
    await harness.send(USER, "/daily 10:00")
    await harness.send(USER, "/daily off")
    assert "выключен" in harness.last_sent().text
    assert await _subscription(harness) is None
    await harness.send(USER, "/daily off")
    assert "и так выключен" in harness.last_sent().text


async def test_timezone_change_moves_the_next_push(harness: Harness) -> None:
    await harness.send(USER, "/daily 11:00")
    assert await _subscription(harness) == ("11:00", "2026-03-01 08:00")

    await harness.send(USER, "/timezone Asia/Yekaterinburg")

    text = harness.last_sent().text
    assert "<b>Asia/Yekaterinburg</b>" in text and "11:00" in text
    assert await _subscription(harness) == ("11:00", "2026-03-01 06:00")


async def test_timezone_shows_current_and_rejects_unknown(harness: Harness) -> None:
    await harness.send(USER, "/timezone")
    assert "Europe/Moscow" in harness.last_sent().text
    await harness.send(USER, "/timezone Mars/Olympus")
    assert "Не знаю часового пояса «Mars/Olympus»" in harness.last_sent().text
    await harness.send(USER, "/timezone +4")
    assert "UTC+04:00" in harness.last_sent().text


async def test_start_offers_the_daily_question_with_a_button(harness: Harness) -> None:
    await harness.send(USER, "/start")
    (label, data), *_ = harness.buttons(harness.last_sent())
    assert label == "🗓 Вопрос дня в 10:00"

    await harness.press(USER, data)

    assert await _subscription(harness) == ("10:00", "2026-03-01 07:00")
    assert "Готово" in harness.session.sent(SendMessage)[-1].text
    assert harness.session.sent(AnswerCallbackQuery)[-1].text == "🗓 Вопрос дня: 10:00"


async def test_blocking_the_bot_unsubscribes(harness: Harness) -> None:
    await harness.send(USER, "/daily 10:00")
    bot_user = {"id": 1, "is_bot": True, "first_name": "b"}
    event = ChatMemberUpdated.model_validate(
        {
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "Аня"},
            "date": datetime.now(UTC),
            "old_chat_member": {"status": "member", "user": bot_user},
            "new_chat_member": {"status": "kicked", "until_date": 0, "user": bot_user},
        }
    )
    await harness.dp.feed_update(harness.bot, Update(update_id=10**6, my_chat_member=event))

    assert await _subscription(harness) is None
