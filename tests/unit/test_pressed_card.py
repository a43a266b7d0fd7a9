"""Which card a button press under a card names, for its handler's first read to be made
with the claim: exactly the card the reveal, grade, «next» and skip handlers read, and nothing
for any other button or a forged one."""

from datetime import UTC, datetime

import pytest
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from bot.handlers.middlewares import Button, pressed_button
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


def test_the_buttons_under_a_card_name_it() -> None:
    under_a_card = [
        data
        for markup in (
            keyboards.reveal(SHOWN),
            keyboards.grades(SHOWN, None),
            keyboards.next_card(SHOWN),
            keyboards.next_card(SHOWN, early=True),
        )
        for _, data in buttons(markup)
    ]
    named = {data: pressed_button(press(data)) for data in under_a_card}

    by_prefix = {data.split(":")[0]: button for data, button in named.items() if button}
    assert sorted(by_prefix) == ["ne", "nx", "rt", "rv", "sk"]
    assert {button.shown for button in by_prefix.values()} == {SHOWN}
    assert all(Button(data.split(":")[0], SHOWN) == named[data] for data in named if named[data])
    # The others («Больше не показывать», undo…) read nothing ahead.
    assert all(named[data] is None for data in named if data.split(":")[0] not in by_prefix)
    assert any(named[data] is None for data in named)


@pytest.mark.parametrize(
    "data",
    ["rv:", "rv:-1", "rv:1e3", "rv:٣", "rv:9223372036854775808", "nx:" + "9" * 40, "rv", None],
)
def test_a_forged_or_empty_press_names_no_card(data: str | None) -> None:
    assert pressed_button(press(data)) is None


def test_a_message_names_no_card() -> None:
    message = Message(
        message_id=1, date=datetime.now(UTC), chat=Chat(id=1, type="private"), text="rv:5"
    )
    assert pressed_button(Update(update_id=1, message=message)) is None
