"""PostgreSQL: «next» reads the study snapshot after it holds the user's lock, so what the
lock's previous holder committed (another replica's suspension, rating, /reset) is seen."""

import asyncio

import asyncpg
import pytest

from bot.quiz.models import StudySnapshot
from bot.quiz.ports import NextTaken
from bot.storage.engine import Storage
from tests.engines import Inspector
from tests.factories import FakeClock

USER = 1


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)  # SQLite has one writer
async def test_next_sees_what_the_previous_holder_of_the_lock_committed(
    storage: Storage, db: Inspector
) -> None:
    clock = FakeClock()
    await storage.quiz.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    seen: list[StudySnapshot] = []

    def choose(snapshot: StudySnapshot) -> str:
        seen.append(snapshot)
        return next(q for q in ("a", "b") if q not in snapshot.suspended)

    other = await asyncpg.connect(db.pg_url)
    try:
        tx = other.transaction()
        await tx.start()  # another replica's use case holds the user's row…
        await other.execute("SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", USER)
        await other.execute(  # …and suspends question «a» («Больше не показывать»)
            "INSERT INTO suspended (user_id, question_id, suspended_at) VALUES ($1, 'a', now())",
            USER,
        )
        shown = asyncio.ensure_future(storage.quiz.record_next(USER, "quiz", clock(), choose))
        await asyncio.sleep(0.3)
        assert not shown.done()  # waiting for the lock
        await tx.commit()
        card = await asyncio.wait_for(shown, 5)
    finally:
        await other.close()

    assert card is not None and card.question_id == "b"
    assert seen[-1].suspended == frozenset({"a"})


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
async def test_next_under_a_card_claimed_meanwhile_records_nothing(
    storage: Storage, db: Inspector
) -> None:
    clock = FakeClock()
    await storage.quiz.load_user(USER, USER, "Аня", clock(), "Europe/Moscow")
    first = await storage.quiz.record_next(USER, "quiz", clock(), lambda _: "a")
    assert first is not None
    await storage.quiz.record_next(USER, "next", clock(), lambda _: "b", after=first.shown_id)

    with pytest.raises(NextTaken):
        await storage.quiz.record_next(USER, "next", clock(), lambda _: "c", after=first.shown_id)

    assert await db.value("SELECT COUNT(*) FROM shown_cards") == 2
