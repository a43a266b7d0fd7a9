"""SQL behind /admin: a few totals for the people running the bot."""

from datetime import datetime

from bot.quiz.ports import Overview
from bot.storage.repo import Repository
from bot.storage.timefmt import to_db

# /admin's day of pushes by status (shared with the test that checks its plan).
# «+status»: without it SQLite walks the whole (status, slot_at) queue index — every push ever
# made — to avoid a sort of a handful of groups; with it, a range of one day.
PUSHES_SINCE_SQL = "SELECT status, COUNT(*) FROM pushes WHERE slot_at >= ? GROUP BY +status"


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
            PUSHES_SINCE_SQL,
            (to_db(since),),
        ) as cursor:
            pushes = {r[0]: int(r[1]) async for r in cursor}
        return Overview(int(row[0]), int(row[1]), int(row[2]), pushes)
