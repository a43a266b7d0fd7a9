"""Routers, one per feature; each built fresh by a factory so every test gets its own."""

from aiogram import Router

from bot.handlers import (
    admin,
    bank_import,
    daily,
    errors,
    fallback,
    groups,
    quiz,
    reports,
    search,
    start,
    stats,
    study,
    topics,
)


def get_routers(admin_ids: frozenset[int] = frozenset()) -> list[Router]:
    """Feature routers in match order; the fallback router must stay last."""
    return [
        admin.router(admin_ids),
        bank_import.router(admin_ids),
        groups.router(),
        start.router(),
        quiz.router(),
        topics.router(),
        daily.router(),
        stats.router(),
        search.router(),
        reports.router(),
        study.router(),  # after reports: a report draft takes the next text first
        errors.router(),
        fallback.router(),
    ]
