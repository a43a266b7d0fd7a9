"""«⚠️ Ошибка в ответе»: users tell the admins what is wrong with an answer."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

from bot.quiz.models import Report, UserProfile
from bot.quiz.ports import ReportOutcome, ReportStore

REPORTS_PER_DAY: Final = 5
DRAFT_LIFETIME: Final = timedelta(minutes=30)
MAX_REPORT_LENGTH: Final = 1500


class ReportService:
    def __init__(self, *, store: ReportStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def start(self, user: UserProfile, question_id: str) -> None:
        """The user pressed the button: their next text message is the report."""
        await self._store.start_report(user.user_id, question_id, self._clock())

    def has_draft(self, user: UserProfile) -> bool:
        started = user.report_started_at
        return started is not None and self._clock() - started <= DRAFT_LIFETIME

    async def submit(self, user: UserProfile, text: str) -> tuple[ReportOutcome, Report | None]:
        now = self._clock()
        return await self._store.submit_report(
            user.user_id,
            text.strip()[:MAX_REPORT_LENGTH],
            now,
            started_after=now - DRAFT_LIFETIME,
            since=now - timedelta(days=1),
            limit=REPORTS_PER_DAY,
        )

    async def open_reports(self, limit: int = 10) -> list[Report]:
        return await self._store.open_reports(limit)

    async def resolve(self, report_id: int, admin_id: int) -> bool:
        """Mark a report fixed; False if it was resolved already or does not exist."""
        return await self._store.resolve_report(report_id, admin_id, self._clock())
