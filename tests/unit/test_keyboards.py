"""Card keyboards: the texts packed on the hot path are what aiogram's factories pack and parse."""

from datetime import timedelta

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.quiz.grades import Grade
from bot.ui import keyboards
from bot.ui.callbacks import (
    NextCard,
    NextEarly,
    Rate,
    ReportAnswer,
    Reveal,
    Skip,
    Suspend,
    Undo,
)

BIG_ID = 2**63 - 1  # the largest id SQLite can hand out


@pytest.mark.parametrize(
    "factory", [Reveal, Skip, Suspend, NextCard, NextEarly, Undo, ReportAnswer]
)
def test_packed_text_is_the_factory_pack_and_parses_back(factory: type[CallbackData]) -> None:
    (field,) = factory.model_fields
    text = keyboards.packed(factory, BIG_ID)
    assert text == factory(**{field: BIG_ID}).pack()
    assert factory.unpack(text) == factory(**{field: BIG_ID})


def test_packed_rate_keeps_the_field_order() -> None:
    text = keyboards.packed(Rate, 12, Grade.HARD.value)
    assert text == Rate(shown=12, grade=2).pack()
    assert Rate.unpack(text) == Rate(shown=12, grade=2)


def _data(markup: object) -> list[str]:
    rows = markup.inline_keyboard
    return [button.callback_data for row in rows for button in row]


def test_grade_buttons_rate_the_card_they_are_under_with_each_grade() -> None:
    markup = keyboards.grades(41, {g: timedelta(days=g.value) for g in Grade})
    data = _data(markup)
    rates = [Rate.unpack(d) for d in data if d.startswith("rt:")]
    assert [(r.shown, r.grade) for r in rates] == [(41, g.value) for g in Grade]
    assert Skip(shown=41).pack() in data and Suspend(shown=41).pack() in data
    assert ReportAnswer(shown=41).pack() in data


def test_question_card_buttons_reveal_skip_and_suspend_that_card() -> None:
    assert _data(keyboards.reveal(7)) == ["rv:7", "sk:7", "ss:7"]


@pytest.mark.parametrize(("early", "factory"), [(False, NextCard), (True, NextEarly)])
def test_rated_card_buttons_ask_for_the_next_one_once_and_offer_undo(
    early: bool, factory: type[CallbackData]
) -> None:
    data = _data(keyboards.next_card(9, early=early))
    assert data == [factory(after=9).pack(), Undo(shown=9).pack(), ReportAnswer(shown=9).pack()]


@pytest.mark.parametrize(
    "markup",
    [
        keyboards.reveal(7),
        keyboards.grades(41, {g: timedelta(days=g.value) for g in Grade}),
        keyboards.grades(41),
        keyboards.next_card(9, early=True),
        keyboards.daily_card(5, reviews_waiting=3),
        keyboards.day_done(can_review_early=True),
    ],
    ids=["reveal", "grades", "grades-no-intervals", "next", "daily", "day-done"],
)
def test_keyboards_built_from_copies_equal_validated_ones(markup: InlineKeyboardMarkup) -> None:
    """The buttons are copies of a validated prototype: each must be what aiogram would have
    built from the same fields, and go out on the wire the same."""
    rebuilt = InlineKeyboardMarkup.model_validate(markup.model_dump())
    assert markup == rebuilt
    assert markup.model_dump_json(exclude_none=True) == rebuilt.model_dump_json(exclude_none=True)
    assert all(
        button.model_fields_set == {"text", "callback_data"}
        for row in markup.inline_keyboard
        for button in row
    )
    assert keyboards.reveal(8).inline_keyboard[0][0].callback_data == "rv:8"  # no shared state
    assert markup.inline_keyboard[0][0] is not keyboards.reveal(7).inline_keyboard[0][0]
