"""Which card a button press names, read ahead with the presser's profile: exactly the card
the reveal and grade handlers read, and nothing for any other button or a forged one."""

from datetime import UTC, datetime

import pytest
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.handlers.middlewares import pressed_card
from bot.ui import keyboards

SHOWN = 2**63 - 1  # the largest id a button can carry


def press(data: str | None) -> Update:
    query = CallbackQuery(
        id="1",
        from_user=User(id=1, is_bot=False, first_name="Аня"),
        chat_instance="ci",
        data=data,
        message=Message(
            message_id=1, date=datetime.now(UTC), chat=Chat(id=1, type="private"), text="card"
        ),
    )
    return Update(update_id=1, callback_query=query)


def buttons(markup: object) -> list[tuple[str, str]]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [(b.text, str(b.callback_data)) for row in rows for b in row]


def test_reveal_and_every_grade_name_their_card() -> None:
    named = buttons(keyboards.reveal(SHOWN)) + buttons(keyboards.grades(SHOWN, None))
    reveal_and_grades = [d for _, d in named if d.startswith(("rv:", "rt:"))]

    assert len(reveal_and_grades) == 5
    assert [pressed_card(press(d)) for d in reveal_and_grades] == [SHOWN] * 5


def test_other_buttons_name_no_card() -> None:
    others = [
        d
        for markup in (keyboards.reveal(7), keyboards.next_card(7), keyboards.after_suspend(7))
        for _, d in buttons(markup)
        if not d.startswith(("rv:", "rt:"))
    ]

    assert others  # skip, «больше не показывать», next, undo…
    assert [pressed_card(press(d)) for d in others] == [None] * len(others)


@pytest.mark.parametrize(
    "data",
    ["rv:", "rv:-1", "rv:1e3", "rv:٣", "rv:9223372036854775808", "rv:" + "9" * 40, "rv", None],
)
def test_a_forged_or_empty_press_names_no_card(data: str | None) -> None:
    assert pressed_card(press(data)) is None


def test_a_message_names_no_card() -> None:
    message = Message(
        message_id=1, date=datetime.now(UTC), chat=Chat(id=1, type="private"), text="rv:5"
    )
    assert pressed_card(Update(update_id=1, message=message)) is None
