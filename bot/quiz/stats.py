"""Progress for /stats: counts, per-topic mastery, what is due, and a fair streak."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.quiz.bank import BankView
from bot.quiz.clock import zone_of
from bot.quiz.due import is_due
from bot.quiz.grades import Grade
from bot.quiz.models import Question, UserProfile
from bot.quiz.ports import RatingCounts, StatsStore
from bot.quiz.taxonomy import TOPICS

_STREAK_HORIZON_DAYS = 400
RETENTION_DAYS = 30
FORECAST_DAYS = 14
MIN_CHART_WEEKS = 4


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
    due_reviews: int = 0  # due reviews answered in the last 30 days
    recalled: int = 0  # of which «Знал» or «Легко»
    forecast: tuple[tuple[date, int], ...] = ()  # reviews falling due per local day, today first

    @property
    def known_share(self) -> float:
        return self.known / self.seen if self.seen else 0.0

    @property
    def retention(self) -> float:
        """True retention: the share of due reviews recalled («Знал»/«Легко»)."""
        return self.recalled / self.due_reviews if self.due_reviews else 0.0


@dataclass(frozen=True)
class LocalDays:
    """The user's calendar: each local day starts at its own local midnight (DST-aware)."""

    today: date
    zone: tzinfo

    @classmethod
    def at(cls, now: datetime, zone: tzinfo) -> "LocalDays":
        return cls(now.astimezone(zone).date(), zone)

    def start(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.zone).astimezone(UTC)


class StatsService:
    def __init__(self, *, bank: BankView, repo: StatsStore, clock: Callable[[], datetime]) -> None:
        self._bank = bank
        self._repo = repo
        self._clock = clock

    async def progress(self, user: UserProfile) -> Progress:
        user_id = user.user_id
        now = self._clock()
        days = LocalDays.at(now, zone_of(user.timezone))
        week_start = days.today - timedelta(days=days.today.weekday())
        cards = [c for c in await self._repo.cards(user_id) if c.question_id in self._bank.by_id]
        counts = await self._repo.rating_counts(
            user_id, days.start(days.today), days.start(week_start)
        )
        known_ids = {c.question_id for c in cards if Grade(c.last_rating).known}
        seen_ids = {c.question_id for c in cards}
        week_later = now + timedelta(days=7)
        practice = await self._repo.practice_days(
            user_id, days.start(days.today - timedelta(days=_STREAK_HORIZON_DAYS)), days.zone
        )
        showable = set(self._bank.allowed_ids(user.topics, user.levels))
        # What /quiz would serve: cards in the filter and not suspended.
        queue = [c for c in cards if c.question_id in showable and not c.suspended]
        day_end = days.start(days.today + timedelta(days=1))
        reviews, recalled = await self._repo.review_outcomes(
            user_id, now - timedelta(days=RETENTION_DAYS)
        )
        return Progress(
            seen=len(seen_ids),
            bank_size=len(self._bank),
            ratings=counts,
            known=len(known_ids),
            topics=self._topics(seen_ids, known_ids),
            due_now=sum(1 for c in queue if is_due(c.due, c.last_review, now, day_end)),
            due_week=sum(
                1
                for c in queue
                if not is_due(c.due, c.last_review, now, day_end) and c.due <= week_later
            ),
            # A suspended card waiting is not a missed day: /quiz would not have shown it.
            streak=await self._streak(
                user_id, days, practice, showable - {c.question_id for c in cards if c.suspended}
            ),
            practiced_today=days.today in practice,
            due_reviews=reviews,
            recalled=recalled,
            forecast=_forecast([c.due for c in queue], days),
        )

    def _topics(self, seen: set[str], known: set[str]) -> list[TopicProgress]:
        rows = []
        for topic in TOPICS:
            ids = {q.id for q in self._bank.questions if topic in q.topics}
            if ids:
                rows.append(TopicProgress(topic, len(ids & known), len(ids & seen), len(ids)))
        started = sorted((r for r in rows if r.seen), key=lambda r: (r.share, -r.seen))
        return started + [r for r in rows if not r.seen]

    async def _streak(
        self, user_id: int, days: LocalDays, practice: dict[date, int], showable: set[str]
    ) -> int:
        """Days with practice in a row, back from today (today does not count against you).

        A day without practice breaks the streak only if a card the user could have been shown
        (in the bank and in their filter) was due and left waiting that day: a day with
        nothing due and nothing missed is neutral.
        """
        # Between two practice days the cards do not change, so one query per gap tells
        # whether any card fell due (and waited) during it.
        gap_end = days.today + timedelta(days=1) if days.today in practice else days.today
        streak = 0
        for day in sorted(practice, reverse=True):
            gap_start = day + timedelta(days=1)
            if gap_start < gap_end and await self._repo.had_overdue_card(
                user_id, days.start(gap_start), days.start(gap_end), showable
            ):
                break
            streak += 1
            gap_end = day
        return streak

    async def calendar(self, user: UserProfile, weeks: int) -> tuple[date, dict[date, int], int]:
        """Ratings per local day, today's date, and how many weeks to draw: the user's
        history (at least four weeks), at most ``weeks``."""
        days = LocalDays.at(self._clock(), zone_of(user.timezone))
        since = days.today - timedelta(weeks=weeks)
        practice = await self._repo.practice_days(user.user_id, days.start(since), days.zone)
        return days.today, practice, chart_weeks(days.today, practice, weeks)

    async def hardest(self, user_id: int, limit: int = 5) -> list[tuple[Question, int]]:
        rows = await self._repo.hardest(user_id, limit * 2)
        found = [(self._bank.by_id[qid], misses) for qid, misses in rows if qid in self._bank.by_id]
        return found[:limit]

    async def reset(self, user_id: int) -> None:
        await self._repo.erase_progress(user_id)


def chart_weeks(today: date, practice: dict[date, int], max_weeks: int) -> int:
    """Calendar weeks covering the user's history (the first practice day's week to this
    week), between ``MIN_CHART_WEEKS`` and ``max_weeks``."""
    if not practice:
        return MIN_CHART_WEEKS
    first = min(practice)
    this_monday = today - timedelta(days=today.weekday())
    first_monday = first - timedelta(days=first.weekday())
    weeks = (this_monday - first_monday).days // 7 + 1
    return max(MIN_CHART_WEEKS, min(max_weeks, weeks))


def _forecast(dues: list[datetime], days: LocalDays) -> tuple[tuple[date, int], ...]:
    """Reviews falling due on each of the next 14 local days; today's include overdue ones."""
    counts = dict.fromkeys((days.today + timedelta(days=n) for n in range(FORECAST_DAYS)), 0)
    for due in dues:
        day = max(due.astimezone(days.zone).date(), days.today)
        if day in counts:
            counts[day] += 1
    return tuple(counts.items())
