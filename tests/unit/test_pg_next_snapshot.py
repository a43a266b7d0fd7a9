"""PostgreSQL: «next» never records a card chosen on a snapshot that missed a commit of
whoever held the user's row while it chose (another replica's suspension, rating, /reset).
Its read takes no lock; its write waits for the row and applies only if the user's version
— which every such writer increments — is still the one read, else it reads again."""

import asyncio

import asyncpg
import pytest

from bot.quiz.models import StudySnapshot
from bot.quiz.ports import NextTaken
from bot.storage.engine import Storage
from tests.engines import Inspector
from tests.factories import FakeClock

USER = 1
BUMP = "UPDATE users SET version = version + 1 WHERE user_id = $1"
SUSPEND_A = "INSERT INTO suspended (user_id, question_id, suspended_at) VALUES ($1, 'a', now())"


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)  # SQLite has one writer
@pytest.mark.parametrize(
    "holder",
    [
        # A one-statement writer (suspend, rate): the version first, which takes the row.
        [BUMP, SUSPEND_A],
        # A transaction (undo, /reset): the row FOR UPDATE, the writes, the version last.
        ["SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", SUSPEND_A, BUMP],
    ],
    ids=["version-first", "lock-first"],
)
async def test_next_sees_what_the_previous_holder_of_the_lock_committed(
    storage: Storage, db: Inspector, holder: list[str]
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
        for sql in holder:  # …and suspends question «a» («Больше не показывать»)
            await other.execute(sql, USER)
        shown = asyncio.ensure_future(storage.quiz.record_next(USER, "quiz", clock(), choose))
        await db.waiting("SELECT record_next_card")  # read without waiting; the write waits
        assert not shown.done()
        assert [s.suspended for s in seen] == [frozenset()]  # chosen before the commit
        await tx.commit()
        card = await asyncio.wait_for(shown, 5)
    finally:
        await other.close()

    assert card is not None and card.question_id == "b"
    assert seen[-1].suspended == frozenset({"a"})
    assert await db.rows("SELECT question_id FROM shown_cards") == [("b",)]


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
