"""Issue #9's defects, each as a user would notice it, through the real dispatcher."""

import asyncio
import json
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from tests.handlers.conftest import Harness

USER = 91


async def _card(h: Harness) -> int:
    await h.send(USER, "/quiz")
    (_, data), *_ = h.buttons(h.last_sent())
    return int(data.split(":")[1])


async def test_buttons_from_before_reset_never_act_on_new_cards(
    harness: Harness, tmp_path: Path
) -> None:
    old = await _card(harness)
    await harness.send(USER, "/reset")
    (_, confirm), _ = harness.buttons(harness.last_sent())
    await harness.press(USER, confirm)

    new = await _card(harness)
    await harness.press(USER, f"rt:{old}:4")  # the «Легко» of a card erased by /reset

    assert new != old
    assert await harness.db.rows("SELECT COUNT(*) FROM ratings") == [(0,)]
    assert harness.session.sent(AnswerCallbackQuery)[-1].text == (
        "Эта карточка устарела. Новый вопрос — /quiz."
    )


async def test_next_works_again_when_the_card_could_not_be_sent(harness: Harness) -> None:
    shown = await _card(harness)
    await harness.press(USER, f"rt:{shown}:3")
    harness.session.fail_next(
        SendMessage,
        TelegramNetworkError(method=SendMessage(chat_id=USER, text="x"), message="down"),
    )

    await harness.press(USER, f"nx:{shown}")  # the send fails: nothing arrives
    sent_before = len(harness.session.sent(SendMessage))
    await harness.press(USER, f"nx:{shown}")  # so the button must still work

    assert len(harness.session.sent(SendMessage)) == sent_before + 1
    assert "Показать ответ" in harness.buttons(harness.last_sent())[0][0]


@pytest.mark.parametrize("isolate_users", [False])
async def test_concurrent_ratings_of_one_question_apply_one_after_the_other(
    harness: Harness, tmp_path: Path
) -> None:
    first = await _card(harness)
    question = await harness.db.rows(
        f"SELECT question_id FROM shown_cards WHERE shown_id = {first}"
    )
    await harness.press(USER, f"dr:{question[0][0]}")  # a second card of the same question
    (_, data), *_ = harness.buttons(harness.last_sent())
    second = int(data.split(":")[1])

    await asyncio.gather(
        harness.press(USER, f"rt:{first}:3"), harness.press(USER, f"rt:{second}:1")
    )

    assert await harness.db.rows("SELECT COUNT(*) FROM ratings") == [(2,)]
    ((reviews, state),) = await harness.db.rows("SELECT reviews, fsrs_state FROM cards")
    # «Знал» then «Не знал» on a known card: relearning (3), not a first-time lapse (1),
    # which is what a review computed from a stale state would give.
    assert reviews == 2 and json.loads(str(state))["state"] == 3


@pytest.mark.parametrize("isolate_users", [False])
async def test_concurrent_double_tap_saves_one_rating(harness: Harness, tmp_path: Path) -> None:
    shown = await _card(harness)

    await asyncio.gather(*(harness.press(USER, f"rt:{shown}:3") for _ in range(3)))

    assert await harness.db.rows("SELECT COUNT(*) FROM ratings") == [(1,)]
    assert await harness.db.rows("SELECT reviews FROM cards") == [(1,)]
    texts = sorted(a.text for a in harness.session.sent(AnswerCallbackQuery))
    assert texts.count("Сохранено: «Знал»") == 1


async def test_reset_confirmation_expires_by_the_bots_clock(
    harness: Harness, tmp_path: Path
) -> None:
    await _card(harness)
    ((shown,),) = await harness.db.rows("SELECT MAX(shown_id) FROM shown_cards")
    await harness.press(USER, f"rt:{shown}:3")
    await harness.send(USER, "/reset")
    (_, confirm), _ = harness.buttons(harness.last_sent())

    harness.clock.advance(minutes=6)
    await harness.press(USER, confirm)

    assert harness.session.sent(AnswerCallbackQuery)[-1].text == (
        "Это подтверждение устарело. Если нужно, отправьте /reset ещё раз."
    )
    assert await harness.db.rows("SELECT COUNT(*) FROM ratings") == [(1,)]


async def test_shutdown_waits_for_updates_queued_behind_a_users_lock(harness: Harness) -> None:
    harness.session.hold = asyncio.Event()
    first = asyncio.create_task(harness.send(USER, "/quiz"))
    second = asyncio.create_task(harness.send(USER, "/quiz"))  # waits for the user's lock
    await asyncio.sleep(0.05)
    shutdown = asyncio.create_task(harness.dp.emit_shutdown())
    await asyncio.sleep(0.05)
    assert not shutdown.done()
    harness.session.hold.set()
    await shutdown

    assert first.done() and second.done()
    assert len(harness.session.sent(EditMessageText)) == 0
    assert len(harness.session.sent(SendMessage)) == 2
