"""/admin's numbers for the people running the bot."""

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.quiz.ports import AdminStore, Overview


class AdminService:
    def __init__(self, *, store: AdminStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def overview(self) -> Overview:
        """Totals, and ratings and pushes of the last 24 hours."""
        return await self._store.overview(self._clock() - timedelta(days=1))
