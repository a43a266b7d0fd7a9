"""«Ошибка в ответе» on PostgreSQL."""

from datetime import datetime

import asyncpg

from bot.quiz.models import Report
from bot.quiz.ports import ReportOutcome
from bot.storage.postgres.repo import seconds


class PgReportRepository:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def start_report(self, user_id: int, question_id: str, now: datetime) -> None:
        await self._pool.execute(
            "UPDATE users SET report_question_id = $2, report_started_at = $3 WHERE user_id = $1",
            user_id,
            question_id,
            seconds(now),
        )

    async def submit_report(
        self,
        user_id: int,
        text: str,
        now: datetime,
        *,
        started_after: datetime,
        since: datetime,
        limit: int,
    ) -> tuple[ReportOutcome, Report | None]:
        async with self._pool.acquire() as conn, conn.transaction():
            draft = await conn.fetchrow(
                "SELECT report_question_id, report_started_at FROM users"
                " WHERE user_id = $1 FOR UPDATE",
                user_id,
            )
            await conn.execute(
                "UPDATE users SET report_question_id = NULL, report_started_at = NULL"
                " WHERE user_id = $1",
                user_id,
            )
            if draft is None or draft[0] is None or draft[1] < seconds(started_after):
                return ReportOutcome.NO_DRAFT, None
            filed = await conn.fetchval(
                "SELECT COUNT(*) FROM reports WHERE user_id = $1 AND created_at >= $2",
                user_id,
                seconds(since),
            )
            if filed >= limit:
                return ReportOutcome.TOO_MANY, None
            report_id = await conn.fetchval(
                "INSERT INTO reports (user_id, question_id, text, created_at)"
                " VALUES ($1, $2, $3, $4) RETURNING report_id",
                user_id,
                draft[0],
                text,
                seconds(now),
            )
        return ReportOutcome.SAVED, Report(int(report_id), user_id, draft[0], text, seconds(now))

    async def open_reports(self, limit: int) -> list[Report]:
        rows = await self._pool.fetch(
            "SELECT report_id, user_id, question_id, text, created_at FROM reports"
            " WHERE resolved_at IS NULL ORDER BY created_at LIMIT $1",
            limit,
        )
        return [Report(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def resolve_report(self, report_id: int, admin_id: int, now: datetime) -> bool:
        done = await self._pool.fetchval(
            "UPDATE reports SET resolved_at = $3, resolved_by = $2"
            " WHERE report_id = $1 AND resolved_at IS NULL RETURNING report_id",
            report_id,
            admin_id,
            seconds(now),
        )
        return done is not None
