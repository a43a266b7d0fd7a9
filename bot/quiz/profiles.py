"""The user behind each update: registered once, read once, handed to every handler."""

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime

from bot.quiz.models import UserProfile
from bot.quiz.ports import ClaimedSender, PendingClaim, UserStore


class ProfileService:
    def __init__(
        self, *, store: UserStore, default_zone: str, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._default_zone = default_zone
        self._clock = clock

    async def load(self, user_id: int, chat_id: int, first_name: str) -> UserProfile:
        """The profile of the sender, registering them on their first update."""
        return await self._store.load_user(
            user_id, chat_id, first_name, self._clock(), self._default_zone
        )

    async def claim_and_load(
        self,
        pending: PendingClaim,
        user_id: int,
        chat_id: int,
        first_name: str,
        card: int | None = None,
        next_after: int | None = None,
    ) -> ClaimedSender:
        """As ``load``, for a webhook update still to be claimed: claims it in the same read
        and records the outcome on ``pending``; the profile (and what a press's handler reads
        first: shown card ``card``, or «next» under ``next_after``) only when it is new."""
        claimed = await self._store.claim_and_load_user(
            pending.request, user_id, chat_id, first_name, self._default_zone, card, next_after
        )
        pending.outcome = claimed.outcome
        return claimed

    async def set_filter(
        self, user: UserProfile, topics: Collection[str], levels: Collection[str]
    ) -> UserProfile:
        await self._store.set_filter(user.user_id, topics, levels)
        return replace(user, topics=tuple(sorted(topics)), levels=tuple(sorted(levels)))

    async def set_new_limit(self, user: UserProfile, new_per_day: int) -> UserProfile:
        """How many new questions a day the user takes (due reviews are never limited)."""
        await self._store.set_new_limit(user.user_id, new_per_day)
        return replace(user, new_per_day=new_per_day)
