"""PostgreSQL: a user's writes serialize on their row, so a reset and a rating arriving at
once (two replicas, or two tasks) never interleave."""

import asyncio

import asyncpg
import pytest

from bot.storage.engine import Storage
from tests.engines import Inspector
from tests.factories import FakeClock

USER = 1


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)  # SQLite has one writer
async def test_erasing_progress_waits_for_a_rating_of_the_same_user_in_flight(
    storage: Storage, db: Inspector
) -> None:
    """/reset and a rating's write serialize on the user's row: a rating in flight is never
    cut in half by a reset (its card kept, its rating cascaded away)."""
    await storage.quiz.load_user(USER, USER, "Аня", FakeClock()(), "Europe/Moscow")
    rating = await asyncpg.connect(db.pg_url)
    try:
        tx = rating.transaction()
        await tx.start()  # a rating's write holds the user's row, as QuizStore.rate's does
        await rating.execute("UPDATE users SET version = version + 1 WHERE user_id = $1", USER)
        await rating.execute(  # …and schedules the card it rates
            "INSERT INTO cards (user_id, question_id, due, last_review, last_rating, reviews,"
            " fsrs_state) VALUES ($1, 'a', now(), now(), 3, 1, '{}')",
            USER,
        )
        erase = asyncio.ensure_future(storage.stats.erase_progress(USER))
        await asyncio.sleep(0.3)
        await tx.commit()
        await asyncio.wait_for(erase, 5)
    finally:
        await rating.close()

    # The reset came after the rating: it erased the card the rating scheduled too.
    assert await db.value("SELECT COUNT(*) FROM cards") == 0
