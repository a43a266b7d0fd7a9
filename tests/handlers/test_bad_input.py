"""Bad input gets the command's own explanation, never the generic error."""

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage

from bot.ui import texts
from tests.handlers.conftest import ADMIN, Harness

USER = 91
HUGE = "1" * 23  # beyond SQLite's 64-bit INTEGER


def _replies(h: Harness) -> list[str]:
    return [m.text for m in h.session.sent(SendMessage)]


@pytest.mark.parametrize(
    "argument", ["Europe", "US", "europe", "Z" * 5000, "Europe/" + "x" * 5000, "\ud800"]
)
async def test_timezone_nonsense_is_explained(harness: Harness, argument: str) -> None:
    await harness.send(USER, f"/timezone {argument}")

    (reply,) = _replies(harness)
    assert reply.startswith("Не знаю часового пояса «")
    assert len(reply) < 600
    reply.encode("utf-8")  # Telegram would refuse a lone surrogate


@pytest.mark.parametrize("argument", ["\ud800", "9\udfff:30", "x" * 5000])
async def test_daily_nonsense_is_explained(harness: Harness, argument: str) -> None:
    await harness.send(USER, f"/daily {argument}")

    (reply,) = _replies(harness)
    assert reply.startswith("Не понял время «")
    reply.encode("utf-8")


@pytest.mark.parametrize(
    "data",
    [f"rv:{HUGE}", f"rt:{HUGE}:3", f"rt:1:{HUGE}", f"nx:{HUGE}", f"rc:{HUGE}", "rv:-1",
     f"ne:{HUGE}", f"sk:{HUGE}", f"ss:{HUGE}", f"un:{HUGE}", f"ra:{HUGE}"],
)  # fmt: skip
async def test_callback_with_a_huge_number_is_a_bad_button(harness: Harness, data: str) -> None:
    await harness.press(USER, data)

    (answer,) = harness.session.sent(AnswerCallbackQuery)
    assert answer.text == texts.BAD_BUTTON
    assert texts.ERROR not in _replies(harness)


@pytest.mark.parametrize("data", [f"rr:{HUGE}", f"ia:{HUGE}", f"ic:{HUGE}"])
async def test_an_admin_button_with_a_huge_number_is_a_bad_button(
    harness: Harness, data: str
) -> None:
    await harness.press(ADMIN, data)

    (answer,) = harness.session.sent(AnswerCallbackQuery)
    assert answer.text == texts.BAD_BUTTON
    assert texts.ERROR not in _replies(harness)
