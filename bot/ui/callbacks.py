"""Typed callback data for every button (aiogram CallbackData factories, ≤ 64 bytes)."""

from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

# Ids stored in SQLite's 64-bit INTEGER: a forged bigger number is a bad button, not a crash.
Int64 = Annotated[int, Field(ge=0, le=2**63 - 1)]
SmallInt = Annotated[int, Field(ge=0, le=2**31 - 1)]


class Reveal(CallbackData, prefix="rv"):
    shown: Int64


class Rate(CallbackData, prefix="rt"):
    shown: Int64
    grade: SmallInt


class NextCard(CallbackData, prefix="nx"):
    after: Int64  # the rated card it stands under: honoured once


class NextEarly(CallbackData, prefix="ne"):
    after: Int64  # like NextCard, under an early review: the next one is early too


class Skip(CallbackData, prefix="sk"):
    shown: Int64  # pass over this card for now (no rating)


class Suspend(CallbackData, prefix="ss"):
    shown: Int64  # «Больше не показывать»


class Undo(CallbackData, prefix="un"):
    shown: Int64  # take this card's rating back


class ReviewEarly(CallbackData, prefix="re"):
    pass


class StartReview(CallbackData, prefix="st"):
    pass


class Restore(CallbackData, prefix="rs"):
    question: str


class RestoreAll(CallbackData, prefix="rl"):
    pass


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
    asked_at: Int64  # unix time of /reset: an old confirmation button does nothing


class ResetCancel(CallbackData, prefix="rn"):
    pass


class ReportAnswer(CallbackData, prefix="ra"):
    shown: Int64  # the card whose answer the user says is wrong


class ResolveReport(CallbackData, prefix="rr"):
    report: Int64


class ImportAdd(CallbackData, prefix="ia"):
    pending: Int64


class ImportCancel(CallbackData, prefix="ic"):
    pending: Int64
