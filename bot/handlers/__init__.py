"""Routers, one per feature; each built fresh by a factory so every test gets its own."""

from aiogram import Router

from bot.handlers import daily, errors, fallback, groups, quiz, start, stats, topics


def get_routers() -> list[Router]:
    """Feature routers in match order; the fallback router must stay last."""
    return [
        groups.router(),
        start.router(),
        quiz.router(),
        topics.router(),
        daily.router(),
        stats.router(),
        errors.router(),
        fallback.router(),
    ]
