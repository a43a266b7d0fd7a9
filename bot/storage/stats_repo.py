"""SQL behind /stats: aggregates over indexed ranges of one user's rows."""

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime, tzinfo

from bot.quiz.ports import CardSummary, RatingCounts
from bot.storage.repo import Repository
from bot.storage.timefmt import from_db, to_db

# Every UTC offset in use is a multiple of 15 minutes, so ratings counted per UTC quarter-hour
# map exactly onto local days, whatever offset each day had (DST included).
_MINUTE = "CAST(substr(rated_at, 15, 2) AS INTEGER)"
_QUARTER_HOUR = f"substr(rated_at, 1, 14) || printf('%02d', ({_MINUTE} / 15) * 15)"


class StatsRepository:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    async def cards(self, user_id: int) -> list[CardSummary]:
        """The user's cards (one per question seen: at most the bank's size)."""
        async with self._conn.execute(
            "SELECT c.question_id, c.last_rating, c.due, s.question_id IS NOT NULL,"
            " c.last_review FROM cards c"
            " LEFT JOIN suspended s ON s.user_id = c.user_id AND s.question_id = c.question_id"
            " WHERE c.user_id = ?",
            (user_id,),
        ) as cursor:
            return [
                CardSummary(r[0], r[1], from_db(r[2]), bool(r[3]), from_db(r[4]))
                async for r in cursor
            ]

    async def review_outcomes(self, user_id: int, since: datetime) -> tuple[int, int]:
        async with self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN rating >= 3 THEN 1 ELSE 0 END), 0)"
            " FROM ratings WHERE user_id = ? AND kind = 'review' AND rated_at >= ?"
            # A learning step (due minutes after a miss) is not a test of memory: only cards
            # that were scheduled a day or more ahead count (rows older than undo: all).
            " AND (prev_last_review IS NULL"
            "      OR julianday(prev_due) - julianday(prev_last_review) >= 1)",
            (user_id, to_db(since)),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

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

    async def practice_days(self, user_id: int, since: datetime, zone: tzinfo) -> dict[date, int]:
        """Ratings per local day in ``zone`` since ``since``, each day with its own offset."""
        days: Counter[date] = Counter()
        async with self._conn.execute(
            f"SELECT {_QUARTER_HOUR}, COUNT(*) FROM ratings"
            " WHERE user_id = ? AND rated_at >= ? GROUP BY 1",
            (user_id, to_db(since)),
        ) as cursor:
            async for bucket, count in cursor:
                moment = from_db(f"{bucket}:00")
                days[moment.astimezone(zone).date()] += int(count)
        return dict(days)

    async def had_overdue_card(
        self, user_id: int, start: datetime, end: datetime, question_ids: Collection[str]
    ) -> bool:
        """Was one of ``question_ids`` due by ``end`` and not reviewed between its due time and
        ``end``, on a day with no ratings starting at ``start``? (The card's state is its last
        rating before ``start``.) Questions the user can no longer be shown do not count."""
        if not question_ids:
            return False
        marks = ",".join("?" * len(question_ids))
        async with self._conn.execute(
            "SELECT 1 FROM ratings r WHERE r.user_id = ? AND r.rated_at < ? AND r.due < ?"
            f" AND r.question_id IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM ratings n WHERE n.user_id = r.user_id"
            "   AND n.question_id = r.question_id AND n.rated_at > r.rated_at"
            "   AND n.rated_at < ?) LIMIT 1",
            (user_id, to_db(start), to_db(end), *question_ids, to_db(start)),
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
