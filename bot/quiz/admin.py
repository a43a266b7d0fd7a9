"""/admin's numbers for the people running the bot, and the daily push's health."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.quiz.ports import AdminStore, Overview, PushBacklog, PushQueue, SenderBeat


@dataclass(frozen=True, slots=True)
class PushHealth:
    """Whether the daily push is being sent, and how far behind it is."""

    backlog: PushBacklog
    beat: SenderBeat | None  # None: no replica has sent anything yet
    alive: bool  # a sender beat recently and is not failing
    lag: timedelta | None  # age of the oldest push still waiting (None: none waits)


class AdminService:
    def __init__(
        self,
        *,
        store: AdminStore,
        pushes: PushQueue,
        clock: Callable[[], datetime],
        beat_every: timedelta = timedelta(minutes=1),
    ) -> None:
        self._store = store
        self._pushes = pushes
        self._clock = clock
        # A sender that has not beaten for three ticks (and half a minute) is taken for dead.
        self._stale = beat_every * 3 + timedelta(seconds=30)

    async def overview(self) -> Overview:
        """Totals, and ratings and pushes of the last 24 hours."""
        return await self._store.overview(self._clock() - timedelta(days=1))

    async def push_health(self) -> PushHealth:
        now = self._clock()
        backlog = await self._pushes.backlog(now)
        beat = await self._pushes.last_beat()
        alive = beat is not None and beat.state != "failing" and now - beat.at <= self._stale
        lag = None if backlog.oldest_slot is None else max(timedelta(0), now - backlog.oldest_slot)
        return PushHealth(backlog, beat, alive, lag)
