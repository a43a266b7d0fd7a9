"""Progress for /stats: counts, per-topic mastery, what is due, and a fair streak."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.quiz.bank import Bank
from bot.quiz.grades import Grade
from bot.quiz.models import Question
from bot.quiz.taxonomy import TOPICS
from bot.storage.stats_repo import RatingCounts, StatsRepository
from bot.storage.timefmt import to_db

_STREAK_HORIZON_DAYS = 400


@dataclass(frozen=True, slots=True)
class TopicProgress:
    topic: str
    known: int
    seen: int
    total: int

    @property
    def share(self) -> float:
        return self.known / self.seen if self.seen else 0.0


@dataclass(frozen=True, slots=True)
class Progress:
    seen: int
    bank_size: int
    ratings: RatingCounts
    known: int
    topics: list[TopicProgress]
    due_now: int
    due_week: int
    streak: int
    practiced_today: bool

    @property
    def known_share(self) -> float:
        return self.known / self.seen if self.seen else 0.0


@dataclass(frozen=True)
class LocalDays:
    """The user's calendar: local days mapped to UTC instants with today's UTC offset."""

    today: date
    offset: timedelta

    @classmethod
    def at(cls, now: datetime, zone: tzinfo) -> "LocalDays":
        local = now.astimezone(zone)
        offset = local.utcoffset() or timedelta(0)
        return cls(local.date(), offset)

    def start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=UTC) - self.offset


class StatsService:
    def __init__(self, *, bank: Bank, repo: StatsRepository, clock: Callable[[], datetime]) -> None:
        self._bank = bank
        self._repo = repo
        self._clock = clock

    async def progress(self, user_id: int, zone: tzinfo) -> Progress:
        now = self._clock()
        days = LocalDays.at(now, zone)
        week_start = days.today - timedelta(days=days.today.weekday())
        cards = [c for c in await self._repo.cards(user_id) if c.question_id in self._bank.by_id]
        counts = await self._repo.rating_counts(
            user_id, days.start(days.today), days.start(week_start)
        )
        known_ids = {c.question_id for c in cards if Grade(c.last_rating).known}
        seen_ids = {c.question_id for c in cards}
        now_db, week_db = to_db(now), to_db(now + timedelta(days=7))
        practice = await self._repo.practice_days(
            user_id, days.start(days.today - timedelta(days=_STREAK_HORIZON_DAYS)), days.offset
        )
        return Progress(
            seen=len(seen_ids),
            bank_size=len(self._bank),
            ratings=counts,
            known=len(known_ids),
            topics=self._topics(seen_ids, known_ids),
            due_now=sum(1 for c in cards if c.due <= now_db),
            due_week=sum(1 for c in cards if now_db < c.due <= week_db),
            streak=await self._streak(user_id, days, practice),
            practiced_today=days.today in practice,
        )

    def _topics(self, seen: set[str], known: set[str]) -> list[TopicProgress]:
        rows = []
        for topic in TOPICS:
            ids = {q.id for q in self._bank.questions if topic in q.topics}
            if ids:
                rows.append(TopicProgress(topic, len(ids & known), len(ids & seen), len(ids)))
        started = sorted((r for r in rows if r.seen), key=lambda r: (r.share, -r.seen))
        return started + [r for r in rows if not r.seen]

    async def _streak(self, user_id: int, days: LocalDays, practice: dict[date, int]) -> int:
        """Days with practice in a row, back from today (today does not count against you).

        A day without practice breaks the streak only if a card was due and left waiting
        that day: a day with nothing due and nothing missed is neutral.
        """
        # Between two practice days the cards do not change, so one query per gap tells
        # whether any card fell due (and waited) during it.
        gap_end = days.today + timedelta(days=1) if days.today in practice else days.today
        streak = 0
        for day in sorted(practice, reverse=True):
            gap_start = day + timedelta(days=1)
            if gap_start < gap_end and await self._repo.had_overdue_card(
                user_id, days.start(gap_start), days.start(gap_end)
            ):
                break
            streak += 1
            gap_end = day
        return streak

    async def calendar(
        self, user_id: int, zone: tzinfo, weeks: int
    ) -> tuple[date, dict[date, int]]:
        """Ratings per local day over the last ``weeks`` weeks, and today's date."""
        days = LocalDays.at(self._clock(), zone)
        since = days.today - timedelta(weeks=weeks)
        return days.today, await self._repo.practice_days(user_id, days.start(since), days.offset)

    async def hardest(self, user_id: int, limit: int = 5) -> list[tuple[Question, int]]:
        rows = await self._repo.hardest(user_id, limit * 2)
        found = [(self._bank.by_id[qid], misses) for qid, misses in rows if qid in self._bank.by_id]
        return found[:limit]

    async def reset(self, user_id: int) -> None:
        await self._repo.erase_progress(user_id)
