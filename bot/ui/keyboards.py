"""Inline keyboards for cards and the topic filter."""

from collections.abc import Mapping, Sequence
from datetime import timedelta

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.quiz.grades import Grade
from bot.quiz.models import Question
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.ui import texts
from bot.ui.callbacks import (
    DailyOn,
    Drill,
    FilterDone,
    ImportAdd,
    ImportCancel,
    NextCard,
    NextEarly,
    Rate,
    ReportAnswer,
    ResetCancel,
    ResetConfirm,
    ResetFilter,
    ResolveReport,
    Restore,
    RestoreAll,
    Reveal,
    ReviewEarly,
    Skip,
    StartReview,
    StatsChart,
    StatsHardest,
    Suspend,
    ToggleLevel,
    ToggleTopic,
    Undo,
)
from bot.ui.plural import short_interval

Data = CallbackData | str  # a factory's instance, or its text already packed by ``packed``


def packed(factory: type[CallbackData], *values: int) -> str:
    """``factory(**fields).pack()`` for a factory whose fields are all integers, given in
    declaration order, without building and validating a model: a card's seven buttons on
    every tap (same text; tests/unit/test_keyboards.py compares the two)."""
    return factory.__separator__.join((factory.__prefix__, *map(str, values)))


# Validated once; every keyboard is made of copies of these (never changed themselves).
_BUTTON = InlineKeyboardButton(text="-", callback_data="-")
_KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[])


def _button(text: str, data: str) -> InlineKeyboardButton:
    """A callback button: a copy of a validated one with our own text and data. Building it
    validated costs ~2.3× more (pydantic's checks, and aiogram's private attributes set up
    once per class level): seven buttons under every revealed card. Both fields are strings
    this module makes, so there is nothing to check (tests/unit/test_keyboards.py compares
    every keyboard with its validated build)."""
    return _BUTTON.model_copy(update={"text": text, "callback_data": data})


def _markup(*rows: Sequence[tuple[str, Data]]) -> InlineKeyboardMarkup:
    """A keyboard built directly: on the hot path this is ~10× cheaper than the builder."""
    keyboard = [
        [_button(text, data if isinstance(data, str) else data.pack()) for text, data in row]
        for row in rows
    ]
    return _KEYBOARD.model_copy(update={"inline_keyboard": keyboard})


def _skip_row(shown_id: int) -> list[tuple[str, Data]]:
    return [(texts.SKIP, packed(Skip, shown_id)), (texts.SUSPEND, packed(Suspend, shown_id))]


def reveal(shown_id: int) -> InlineKeyboardMarkup:
    return _markup([(texts.SHOW_ANSWER, packed(Reveal, shown_id))], _skip_row(shown_id))


def daily_card(shown_id: int, reviews_waiting: int) -> InlineKeyboardMarkup:
    """The daily question's buttons; «start reviewing» beside it when reviews are waiting."""
    first: list[tuple[str, Data]] = [(texts.SHOW_ANSWER, packed(Reveal, shown_id))]
    if reviews_waiting:
        first.append((texts.START_REVIEW, StartReview()))
    return _markup(first, _skip_row(shown_id))


def grade_label(grade: Grade, after: timedelta | None) -> str:
    """«🙂 Знал · 2 дн.»: the grade and the interval it leads to."""
    label = texts.GRADE_LABELS[grade]
    if after is None:
        return label
    return texts.GRADE_WITH_INTERVAL.format(label=label, interval=short_interval(after))


def grades(
    shown_id: int, intervals: Mapping[Grade, timedelta] | None = None
) -> InlineKeyboardMarkup:
    after = intervals or {}
    buttons: list[tuple[str, Data]] = [
        (grade_label(g, after.get(g)), packed(Rate, shown_id, g.value)) for g in Grade
    ]
    return _markup(
        buttons[:2],
        buttons[2:],
        _skip_row(shown_id),
        [(texts.REPORT_BUTTON, packed(ReportAnswer, shown_id))],
    )


def day_done(can_review_early: bool) -> InlineKeyboardMarkup | None:
    return _markup([(texts.REVIEW_EARLY, ReviewEarly())]) if can_review_early else None


def suspended(questions: list[Question]) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, CallbackData]]] = [
        [(_short(f"{n}. {q.question}"), Restore(question=q.id))] for n, q in enumerate(questions, 1)
    ]
    if len(questions) > 1:
        rows.append([(texts.RESTORE_ALL, RestoreAll())])
    return _markup(*rows)


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def daily_offer() -> InlineKeyboardMarkup:
    at = texts.DEFAULT_DAILY_TIME
    return _markup([(texts.DAILY_OFFER.format(time=at), DailyOn(at=at.replace(":", "-")))])


def next_card(shown_id: int, *, early: bool = False) -> InlineKeyboardMarkup:
    return _markup(
        [(texts.NEXT_QUESTION, packed(NextEarly if early else NextCard, shown_id))],
        [(texts.UNDO, packed(Undo, shown_id))],
        [(texts.REPORT_BUTTON, packed(ReportAnswer, shown_id))],
    )


def after_suspend(shown_id: int) -> InlineKeyboardMarkup:
    return _markup([(texts.NEXT_QUESTION, NextCard(after=shown_id))])


def import_decision(pending_id: int) -> InlineKeyboardMarkup:
    return _markup(
        [
            (texts.IMPORT_ADD, ImportAdd(pending=pending_id)),
            (texts.IMPORT_CANCEL, ImportCancel(pending=pending_id)),
        ]
    )


def resolve_reports(report_ids: list[int]) -> InlineKeyboardMarkup:
    return _markup(
        *[[(texts.REPORT_RESOLVE.format(report_id=r), ResolveReport(report=r))] for r in report_ids]
    )


def topic_filter(
    topics: tuple[str, ...], levels: tuple[str, ...], level_counts: Mapping[str, int]
) -> InlineKeyboardMarkup:
    """Topic and level toggles; each level shows how many questions it has in the topics."""
    builder = InlineKeyboardBuilder()
    for key, label in TOPICS.items():
        mark = "✅" if key in topics else "▫️"
        builder.button(text=f"{mark} {label}", callback_data=ToggleTopic(topic=key))
    for key, label in LEVELS.items():
        mark = "✅" if key in levels else "▫️"
        text = texts.TOPICS_LEVEL.format(mark=mark, label=label, count=level_counts.get(key, 0))
        builder.button(text=text, callback_data=ToggleLevel(level=key))
    builder.button(text=texts.TOPICS_ALL, callback_data=ResetFilter())
    builder.button(text=texts.TOPICS_DONE, callback_data=FilterDone())
    builder.adjust(*([2] * ((len(TOPICS) + 1) // 2)), len(LEVELS), 1, 1)
    return builder.as_markup()


def stats_actions(due_now: int = 0) -> InlineKeyboardMarkup:
    rows: list[list[tuple[str, CallbackData]]] = []
    if due_now:
        rows.append([(texts.REVIEW_NOW.format(count=due_now), StartReview())])
    rows.append([(texts.STATS_CHART, StatsChart()), (texts.STATS_HARDEST, StatsHardest())])
    return _markup(*rows)


def drill(questions: list[Question]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for n, question in enumerate(questions, 1):
        label = question.question if len(question.question) <= 60 else question.question[:57] + "…"
        builder.button(text=f"{n}. {label}", callback_data=Drill(question=question.id))
    builder.adjust(1)
    return builder.as_markup()


def reset_confirm(asked_at: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=texts.RESET_YES, callback_data=ResetConfirm(asked_at=asked_at))
    builder.button(text=texts.RESET_NO, callback_data=ResetCancel())
    return builder.as_markup()
