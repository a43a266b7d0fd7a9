"""SQL behind /stats on PostgreSQL: aggregates over indexed ranges of one user's rows."""

from collections import Counter
from collections.abc import Collection
from datetime import date, datetime, tzinfo

import asyncpg

from bot.quiz.ports import CardSummary, RatingCounts
from bot.storage.postgres.repo import seconds

# Per UTC quarter-hour: every UTC offset in use is a multiple of 15 minutes, so these buckets
# map exactly onto local days, whatever offset each day had (DST included).
_QUARTER_HOUR = (
    "date_trunc('hour', rated_at) + floor(extract(minute FROM rated_at) / 15) * interval '15 min'"
)


class PgStatsRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def cards(self, user_id: int) -> list[CardSummary]:
        rows = await self._pool.fetch(
            "SELECT c.question_id, c.last_rating, c.due, s.question_id IS NOT NULL,"
            " c.last_review FROM cards c"
            " LEFT JOIN suspended s ON s.user_id = c.user_id AND s.question_id = c.question_id"
            " WHERE c.user_id = $1",
            user_id,
        )
        return [CardSummary(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    async def review_outcomes(self, user_id: int, since: datetime) -> tuple[int, int]:
        row = await self._pool.fetchrow(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE rating >= 3) FROM ratings"
            " WHERE user_id = $1 AND kind = 'review' AND rated_at >= $2"
            # A learning step (due minutes after a miss) is not a test of memory: only cards
            # that were scheduled a day or more ahead count (rows older than undo: all).
            " AND (prev_last_review IS NULL OR prev_due - prev_last_review >= interval '1 day')",
            user_id,
            seconds(since),
        )
        assert row is not None
        return int(row[0]), int(row[1])

    async def rating_counts(
        self, user_id: int, today_start: datetime, week_start: datetime
    ) -> RatingCounts:
        row = await self._pool.fetchrow(
            "SELECT COUNT(*) FILTER (WHERE rated_at >= $2), COUNT(*) FILTER (WHERE rated_at >= $3),"
            " COUNT(*) FROM ratings WHERE user_id = $1",
            user_id,
            seconds(today_start),
            seconds(week_start),
        )
        assert row is not None
        return RatingCounts(int(row[0]), int(row[1]), int(row[2]))

    async def practice_days(self, user_id: int, since: datetime, zone: tzinfo) -> dict[date, int]:
        days: Counter[date] = Counter()
        rows = await self._pool.fetch(
            f"SELECT {_QUARTER_HOUR}, COUNT(*) FROM ratings"
            " WHERE user_id = $1 AND rated_at >= $2 GROUP BY 1",
            user_id,
            seconds(since),
        )
        for bucket, count in rows:
            days[bucket.astimezone(zone).date()] += int(count)
        return dict(days)

    async def had_overdue_card(
        self, user_id: int, start: datetime, end: datetime, question_ids: Collection[str]
    ) -> bool:
        if not question_ids:
            return False
        found = await self._pool.fetchval(
            "SELECT 1 FROM ratings r WHERE r.user_id = $1 AND r.rated_at < $2 AND r.due < $3"
            " AND r.question_id = ANY($4::text[])"
            " AND NOT EXISTS (SELECT 1 FROM ratings n WHERE n.user_id = r.user_id"
            "   AND n.question_id = r.question_id AND n.rated_at > r.rated_at"
            "   AND n.rated_at < $2) LIMIT 1",
            user_id,
            seconds(start),
            seconds(end),
            list(question_ids),
        )
        return found is not None

    async def hardest(self, user_id: int, limit: int) -> list[tuple[str, int]]:
        rows = await self._pool.fetch(
            "SELECT question_id, COUNT(*) AS misses FROM ratings"
            " WHERE user_id = $1 AND rating = 1 GROUP BY question_id"
            " ORDER BY misses DESC, MAX(rated_at) DESC LIMIT $2",
            user_id,
            limit,
        )
        return [(r[0], int(r[1])) for r in rows]

    async def erase_progress(self, user_id: int) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            # The user's row lock: a rating's write updates it (its version), which conflicts, so
            # a rating in flight either lands before the erase (and is erased) or after it (and
            # finds its card gone) — never half of it (its card kept, its rating cascaded away).
            # The version is incremented in the last statement, under this lock: a «next» that
            # read before the erase then reads again (``PgRepository.record_next``).
            await conn.execute("SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", user_id)
            await conn.execute("DELETE FROM ratings WHERE user_id = $1", user_id)
            await conn.execute("DELETE FROM cards WHERE user_id = $1", user_id)
            await conn.execute("DELETE FROM shown_cards WHERE user_id = $1", user_id)
            await conn.execute(
                "UPDATE users SET last_question_id = NULL, version = version + 1"
                " WHERE user_id = $1",
                user_id,
            )
