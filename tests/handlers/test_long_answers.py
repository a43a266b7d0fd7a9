"""An answer longer than one Telegram message is split cleanly, never cut."""

import pytest
from aiogram.methods import EditMessageText, SendMessage

from bot.quiz.bank import Bank
from tests.factories import bank, question
from tests.handlers.conftest import Harness

USER = 77

LONG_ANSWER = "\n\n".join(f"Абзац {i}: " + "слово " * 150 for i in range(12))


@pytest.fixture
def quiz_bank() -> Bank:
    return bank(question("long", answer=LONG_ANSWER))


async def test_long_answer_is_split_into_messages_without_losing_a_word(harness: Harness) -> None:
    await harness.send(USER, "/quiz")
    shown = int(harness.buttons(harness.last_sent())[0][1].split(":")[1])

    await harness.press(USER, f"rv:{shown}")

    edit = harness.session.sent(EditMessageText)[-1]
    continuations = harness.session.sent(SendMessage)[1:]
    assert continuations, "the answer should not fit one message"
    texts = [edit.text, *(m.text for m in continuations)]
    assert all(len(t) <= 4096 for t in texts)
    joined = " ".join(texts)
    for i in range(12):
        assert f"Абзац {i}:" in joined
    assert joined.count("слово") == 12 * 150
    assert harness.buttons(continuations[-1])[0][0] == "😶 Не знал · 10 мин"
