"""Typed callback data for every button (aiogram CallbackData factories, ≤ 64 bytes)."""

from aiogram.filters.callback_data import CallbackData


class Reveal(CallbackData, prefix="rv"):
    shown: int


class Rate(CallbackData, prefix="rt"):
    shown: int
    grade: int


class NextCard(CallbackData, prefix="nx"):
    after: int  # the rated card it stands under: honoured once


class ToggleTopic(CallbackData, prefix="tt"):
    topic: str


class ToggleLevel(CallbackData, prefix="tl"):
    level: str


class ResetFilter(CallbackData, prefix="tr"):
    pass


class FilterDone(CallbackData, prefix="td"):
    pass


class DailyOn(CallbackData, prefix="do"):
    at: str  # "HH-MM": the factory's separator is ":"


class StatsChart(CallbackData, prefix="sc"):
    pass


class StatsHardest(CallbackData, prefix="sh"):
    pass


class Drill(CallbackData, prefix="dr"):
    question: str


class ResetConfirm(CallbackData, prefix="rc"):
    asked_at: int  # unix time of /reset: an old confirmation button does nothing


class ResetCancel(CallbackData, prefix="rn"):
    pass
