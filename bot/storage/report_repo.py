"""SQL of «Ошибка в ответе»: drafts on the user's row, reports in their own table."""

from datetime import datetime

import aiosqlite

from bot.quiz.models import Report
from bot.quiz.ports import ReportOutcome
from bot.storage.repo import Repository
from bot.storage.timefmt import from_db, to_db


def _report(row: aiosqlite.Row) -> Report:
    return Report(row[0], row[1], row[2], row[3], from_db(row[4]))


class ReportRepository:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._conn = repo.connection

    async def start_report(self, user_id: int, question_id: str, now: datetime) -> None:
        async with self._repo.transaction() as tx:
            await tx.execute(
                "UPDATE users SET report_question_id = ?, report_started_at = ? WHERE user_id = ?",
                (question_id, to_db(now), user_id),
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
        async with self._repo.transaction() as tx:
            async with tx.execute(
                "SELECT report_question_id, report_started_at FROM users WHERE user_id = ?",
                (user_id,),
            ) as cursor:
                draft = await cursor.fetchone()
            await tx.execute(
                "UPDATE users SET report_question_id = NULL, report_started_at = NULL"
                " WHERE user_id = ?",
                (user_id,),
            )
            if draft is None or draft[0] is None or draft[1] < to_db(started_after):
                return ReportOutcome.NO_DRAFT, None
            async with tx.execute(
                "SELECT COUNT(*) FROM reports WHERE user_id = ? AND created_at >= ?",
                (user_id, to_db(since)),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None and row[0] >= limit:
                return ReportOutcome.TOO_MANY, None
            cursor = await tx.execute(
                "INSERT INTO reports (user_id, question_id, text, created_at) VALUES (?, ?, ?, ?)",
                (user_id, draft[0], text, to_db(now)),
            )
            assert cursor.lastrowid is not None
            report = Report(cursor.lastrowid, user_id, draft[0], text, from_db(to_db(now)))
        return ReportOutcome.SAVED, report

    async def open_reports(self, limit: int) -> list[Report]:
        async with self._conn.execute(
            "SELECT report_id, user_id, question_id, text, created_at FROM reports"
            " WHERE resolved_at IS NULL ORDER BY created_at LIMIT ?",
            (limit,),
        ) as cursor:
            return [_report(row) async for row in cursor]

    async def resolve_report(self, report_id: int, admin_id: int, now: datetime) -> bool:
        async with self._repo.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE reports SET resolved_at = ?, resolved_by = ?"
                " WHERE report_id = ? AND resolved_at IS NULL",
                (to_db(now), admin_id, report_id),
            )
            return cursor.rowcount == 1
