"""SQL behind /stats: aggregates over indexed ranges of one user's rows."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.storage.repo import Repository
from bot.storage.timefmt import to_db


@dataclass(frozen=True, slots=True)
class CardSummary:
    question_id: str
    last_rating: int
    due: str


@dataclass(frozen=True, slots=True)
class RatingCounts:
    today: int
    week: int
    total: int


def _offset_modifier(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes:+d} minutes"


class StatsRepository:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    async def cards(self, user_id: int) -> list[CardSummary]:
        """The user's cards (one per question seen: at most the bank's size)."""
        async with self._conn.execute(
            "SELECT question_id, last_rating, due FROM cards WHERE user_id = ?", (user_id,)
        ) as cursor:
            return [CardSummary(r[0], r[1], r[2]) async for r in cursor]

    async def rating_counts(
        self, user_id: int, today_start: datetime, week_start: datetime
    ) -> RatingCounts:
        async with self._conn.execute(
            "SELECT COALESCE(SUM(rated_at >= ?), 0), COALESCE(SUM(rated_at >= ?), 0), COUNT(*)"
            " FROM ratings WHERE user_id = ?",
            (to_db(today_start), to_db(week_start), user_id),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return RatingCounts(int(row[0]), int(row[1]), int(row[2]))

    async def practice_days(
        self, user_id: int, since: datetime, offset: timedelta
    ) -> dict[date, int]:
        """Ratings per local day (the user's UTC offset applied) since ``since``."""
        async with self._conn.execute(
            "SELECT date(rated_at, ?), COUNT(*) FROM ratings"
            " WHERE user_id = ? AND rated_at >= ? GROUP BY 1",
            (_offset_modifier(offset), user_id, to_db(since)),
        ) as cursor:
            return {date.fromisoformat(r[0]): int(r[1]) async for r in cursor}

    async def had_overdue_card(self, user_id: int, start: datetime, end: datetime) -> bool:
        """Was some card due by ``end`` and not reviewed between its due time and ``end``,
        on a day with no ratings starting at ``start``? (The card's state is its last rating
        before ``start``.)"""
        async with self._conn.execute(
            "SELECT 1 FROM ratings r WHERE r.user_id = ? AND r.rated_at < ? AND r.due < ?"
            " AND NOT EXISTS (SELECT 1 FROM ratings n WHERE n.user_id = r.user_id"
            "   AND n.question_id = r.question_id AND n.rated_at > r.rated_at"
            "   AND n.rated_at < ?) LIMIT 1",
            (user_id, to_db(start), to_db(end), to_db(start)),
        ) as cursor:
            return await cursor.fetchone() is not None

    async def hardest(self, user_id: int, limit: int) -> list[tuple[str, int]]:
        """Questions with the most «Не знал», most first."""
        async with self._conn.execute(
            "SELECT question_id, COUNT(*) AS misses FROM ratings"
            " WHERE user_id = ? AND rating = 1 GROUP BY question_id"
            " ORDER BY misses DESC, MAX(rated_at) DESC LIMIT ?",
            (user_id, limit),
        ) as cursor:
            return [(r[0], int(r[1])) async for r in cursor]

    async def erase_progress(self, user_id: int) -> None:
        """Forget every card, rating and shown card of the user; settings stay."""
        async with self._repo.transaction() as tx:
            await tx.execute("DELETE FROM ratings WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM cards WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM shown_cards WHERE user_id = ?", (user_id,))
            await tx.execute(
                "UPDATE users SET last_question_id = NULL WHERE user_id = ?", (user_id,)
            )
