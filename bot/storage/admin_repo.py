"""SQL behind /admin: a few totals for the people running the bot."""

from datetime import datetime

from bot.quiz.ports import Overview
from bot.storage.repo import Repository
from bot.storage.timefmt import to_db


class AdminRepository:
    def __init__(self, repo: Repository) -> None:
        self._conn = repo.connection

    async def overview(self, since: datetime) -> Overview:
        async with self._conn.execute(
            "SELECT (SELECT COUNT(*) FROM users),"
            " (SELECT COUNT(*) FROM users WHERE daily_time IS NOT NULL),"
            " (SELECT COUNT(*) FROM ratings WHERE rated_at >= ?)",
            (to_db(since),),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        async with self._conn.execute(
            "SELECT status, COUNT(*) FROM pushes WHERE slot_at >= ? GROUP BY status",
            (to_db(since),),
        ) as cursor:
            pushes = {r[0]: int(r[1]) async for r in cursor}
        return Overview(int(row[0]), int(row[1]), int(row[2]), pushes)
