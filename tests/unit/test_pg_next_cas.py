"""PostgreSQL records «next» in two round trips without a transaction: a read (the study
snapshot and the user's version), then one compare-and-swap write. These tests put a
competing write between the two — ``choose`` runs between them, so it performs one through a
storage of its own — and check that «next» then reads and chooses again on top of it, as if
the two had come one after the other."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.quiz.models import CardState, RatingKind, Review, ShownCard, StudySnapshot
from bot.quiz.ports import DecideRating, NextTaken
from bot.storage.engine import Storage, open_postgres
from tests.engines import Inspector

POSTGRES = pytest.mark.parametrize("engine", ["postgres"], indirect=True)

USER = 1
NOW = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
Act = Callable[[Storage], Awaitable[object]]


def first_fresh(snapshot: StudySnapshot) -> str | None:
    """The first of a…h that is not suspended, has no card, is not the last one shown and
    was not passed over: what the snapshot says shows in the choice."""
    taken = {c.question_id for c in snapshot.cards} | {q for q, _ in snapshot.skipped}
    return next(
        (
            q
            for q in "abcdefgh"
            if q not in snapshot.suspended and q not in taken and q != snapshot.last_question_id
        ),
        None,
    )


class Meanwhile:
    """A ``choose`` whose n-th call first runs ``acts[n]`` to completion on a storage of its
    own (in a thread with its own event loop: the test's loop is blocked in the callback),
    then picks with ``pick``. ``seen``: the snapshot each call was given."""

    def __init__(
        self,
        db: Inspector,
        *acts: Act,
        pick: Callable[[StudySnapshot], str | None] = first_fresh,
    ) -> None:
        self._url = db.pg_url
        self._acts = acts
        self._pick = pick
        self.seen: list[StudySnapshot] = []

    async def _run(self, act: Act) -> None:
        other = await open_postgres(self._url, migrate=False, pool_size=1)
        try:
            await act(other)
        finally:
            await other.close()

    def __call__(self, snapshot: StudySnapshot) -> str | None:
        if len(self.seen) < len(self._acts):
            with ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, self._run(self._acts[len(self.seen)])).result()
        self.seen.append(snapshot)
        return self._pick(snapshot)


def good(shown: ShownCard | None) -> Callable[[CardState | None], Review] | None:
    def schedule(before: CardState | None) -> Review:
        kind = RatingKind.NEW if before is None else RatingKind.REVIEW
        return Review("{}", NOW + timedelta(days=1), kind)

    return None if shown is None else schedule


GOOD: DecideRating = good


async def registered(storage: Storage) -> None:
    await storage.quiz.load_user(USER, USER, "Аня", NOW, "Europe/Moscow")


async def shown_ids(db: Inspector) -> list[str]:
    return [q for (q,) in await db.rows("SELECT question_id FROM shown_cards ORDER BY shown_id")]


async def version(db: Inspector) -> int:
    return int(await db.value(f"SELECT version FROM users WHERE user_id = {USER}"))


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    """The write never refused a claim at an unchanged version (a writer not incrementing)."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


@POSTGRES
async def test_a_question_suspended_meanwhile_is_not_shown(
    storage: Storage, db: Inspector, caplog: pytest.LogCaptureFixture
) -> None:
    await registered(storage)
    choose = Meanwhile(db, lambda s: s.quiz.suspend(USER, "a", NOW))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "b"
    assert [s.suspended for s in choose.seen] == [frozenset(), frozenset({"a"})]
    assert await shown_ids(db) == ["b"]
    no_errors(caplog)


@POSTGRES
async def test_a_question_restored_meanwhile_can_be_shown(storage: Storage, db: Inspector) -> None:
    await registered(storage)
    await storage.quiz.suspend(USER, "a", NOW)
    choose = Meanwhile(db, lambda s: s.quiz.restore(USER, ["a"]))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "a"
    assert len(choose.seen) == 2


@POSTGRES
async def test_a_filter_changed_meanwhile_applies(storage: Storage, db: Inspector) -> None:
    await registered(storage)
    choose = Meanwhile(
        db,
        lambda s: s.quiz.set_filter(USER, ["nlp"], ["senior"]),
        pick=lambda snapshot: "+".join(snapshot.topics + snapshot.levels) or "any",
    )

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "nlp+senior"
    assert await shown_ids(db) == ["nlp+senior"]


@POSTGRES
@pytest.mark.parametrize(
    ("act", "pick"),
    [
        (lambda s: s.quiz.set_new_limit(USER, 3), lambda snap: f"limit {snap.new_per_day}"),
        (
            lambda s: s.subscriptions.set_timezone(USER, "Asia/Tokyo", None),
            lambda snap: f"zone {snap.timezone}",
        ),
    ],
    ids=["new-limit", "timezone"],
)
async def test_a_setting_changed_meanwhile_applies(
    storage: Storage,
    db: Inspector,
    act: Act,
    pick: Callable[[StudySnapshot], str | None],
) -> None:
    await registered(storage)
    choose = Meanwhile(db, act, pick=pick)

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None
    assert shown.question_id == str(pick(choose.seen[-1]))
    assert shown.question_id in ("limit 3", "zone Asia/Tokyo")
    assert len(choose.seen) == 2


@POSTGRES
async def test_a_rating_meanwhile_is_seen_by_the_choice(storage: Storage, db: Inspector) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)
    choose = Meanwhile(db, lambda s: s.quiz.rate(USER, card.shown_id, 3, NOW, GOOD))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "b"
    assert [len(s.cards) for s in choose.seen] == [0, 1]
    assert len(choose.seen[-1].new_rated_at) == 1


@POSTGRES
async def test_an_undo_meanwhile_is_seen_by_the_choice(storage: Storage, db: Inspector) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)
    await storage.quiz.rate(USER, card.shown_id, 3, NOW, GOOD)
    await storage.quiz.record_shown(USER, "h", "quiz", NOW)  # «a» is not the last one shown
    choose = Meanwhile(db, lambda s: s.quiz.undo_rating(USER, card.shown_id))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "a"  # its card is gone again
    assert [len(s.cards) for s in choose.seen] == [1, 0]


@POSTGRES
async def test_next_under_a_card_claimed_meanwhile_raises_and_writes_nothing(
    storage: Storage, db: Inspector, caplog: pytest.LogCaptureFixture
) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)

    async def other_next(other: Storage) -> None:
        await other.quiz.record_next(USER, "next", NOW, lambda _: "b", after=card.shown_id)

    before = await version(db)
    with pytest.raises(NextTaken):
        await storage.quiz.record_next(
            USER, "next", NOW, Meanwhile(db, other_next), after=card.shown_id
        )

    assert await shown_ids(db) == ["a", "b"]  # the other's card only
    assert await version(db) == before + 1  # the other's write only
    no_errors(caplog)


@POSTGRES
async def test_next_under_a_card_released_meanwhile_no_longer_counts_it_passed_over(
    storage: Storage, db: Inspector
) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)
    await storage.quiz.record_next(USER, "next", NOW, lambda _: "h", after=card.shown_id)
    choose = Meanwhile(db, lambda s: s.quiz.release_next(USER, card.shown_id))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert [s.skipped for s in choose.seen] == [(("a", NOW),), ()]
    assert shown is not None and shown.question_id == "a"


@POSTGRES
async def test_next_under_a_card_erased_by_a_reset_meanwhile_raises_and_writes_nothing(
    storage: Storage, db: Inspector, caplog: pytest.LogCaptureFixture
) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)

    async def reset(other: Storage) -> None:
        await other.stats.erase_progress(USER)

    with pytest.raises(NextTaken):
        await storage.quiz.record_next(USER, "next", NOW, Meanwhile(db, reset), after=card.shown_id)

    assert await shown_ids(db) == []
    no_errors(caplog)


@POSTGRES
async def test_a_quiz_after_a_reset_meanwhile_chooses_on_the_empty_history(
    storage: Storage, db: Inspector
) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)
    await storage.quiz.rate(USER, card.shown_id, 3, NOW, GOOD)
    choose = Meanwhile(db, lambda s: s.stats.erase_progress(USER))

    shown = await storage.quiz.record_next(USER, "quiz", NOW, choose)

    assert shown is not None and shown.question_id == "a"  # chosen first: «b»
    assert choose.seen[-1].cards == () and choose.seen[-1].last_question_id is None
    assert await shown_ids(db) == ["a"]


@POSTGRES
async def test_quiz_twice_at_once_records_two_different_cards(
    storage: Storage, db: Inspector
) -> None:
    await registered(storage)

    async def other_quiz(other: Storage) -> None:
        await other.quiz.record_next(USER, "quiz", NOW, first_fresh)

    shown = await storage.quiz.record_next(USER, "quiz", NOW, Meanwhile(db, other_quiz))

    assert shown is not None and shown.question_id == "b"  # «a» is the last one now
    assert await shown_ids(db) == ["a", "b"]


@POSTGRES
@pytest.mark.parametrize("after", [False, True])
async def test_after_losing_every_race_next_is_recorded_under_the_users_lock(
    storage: Storage, db: Inspector, after: bool
) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "z", "quiz", NOW)
    suspensions: Iterable[Act] = ((lambda s, q=q: s.quiz.suspend(USER, q, NOW)) for q in "abcde")
    choose = Meanwhile(db, *suspensions)
    before = await version(db)

    shown = await storage.quiz.record_next(
        USER, "next", NOW, choose, after=card.shown_id if after else None
    )

    assert len(choose.seen) == 6  # 5 lost races, then locked
    assert shown is not None and shown.question_id == "f"
    assert await shown_ids(db) == ["z", "f"]
    assert await version(db) == before + 6  # 5 suspensions, then the card
    claimed = await db.value(f"SELECT next_taken FROM shown_cards WHERE shown_id = {card.shown_id}")
    assert claimed is after


@POSTGRES
async def test_after_losing_every_race_next_with_nothing_to_ask_keeps_its_claim(
    storage: Storage, db: Inspector
) -> None:
    """The locked path's claim is a write like any other: it increments the version."""
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "z", "quiz", NOW)
    limits: Iterable[Act] = ((lambda s, n=n: s.quiz.set_new_limit(USER, n)) for n in range(5))
    choose = Meanwhile(db, *limits, pick=lambda _: None)
    before = await version(db)

    assert await storage.quiz.record_next(USER, "next", NOW, choose, card.shown_id) is None

    assert len(choose.seen) == 6
    assert await shown_ids(db) == ["z"]
    assert await db.value(f"SELECT next_taken FROM shown_cards WHERE shown_id = {card.shown_id}")
    assert await version(db) == before + 6  # 5 limits, then the claim


@POSTGRES
async def test_concurrent_nexts_under_one_card_record_one(storage: Storage, db: Inspector) -> None:
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "z", "quiz", NOW)

    outcomes = await asyncio.gather(
        *(
            storage.quiz.record_next(USER, "next", NOW, first_fresh, after=card.shown_id)
            for _ in range(8)
        ),
        return_exceptions=True,
    )

    assert sum(isinstance(o, ShownCard) for o in outcomes) == 1
    assert sum(isinstance(o, NextTaken) for o in outcomes) == 7
    assert await shown_ids(db) == ["z", "a"]


@POSTGRES
async def test_concurrent_quizzes_each_choose_on_top_of_the_previous(
    storage: Storage, db: Inspector
) -> None:
    await registered(storage)

    def after_last(snapshot: StudySnapshot) -> str:
        last = snapshot.last_question_id
        return "a" if last is None else chr(ord(last) + 1)

    outcomes = await asyncio.gather(
        *(storage.quiz.record_next(USER, "quiz", NOW, after_last) for _ in range(8))
    )

    assert sorted(o.question_id for o in outcomes if o is not None) == list("abcdefgh")
    assert await shown_ids(db) == list("abcdefgh")


@pytest.mark.parametrize("engine", ["sqlite", "postgres"], indirect=True)
async def test_next_with_nothing_to_ask_still_passes_over_its_card(
    storage: Storage, db: Inspector
) -> None:
    """Both engines keep the claim: the card was passed over; «next» under it again is taken."""
    await registered(storage)
    card = await storage.quiz.record_shown(USER, "a", "quiz", NOW)

    assert await storage.quiz.record_next(USER, "next", NOW, lambda _: None, card.shown_id) is None

    with pytest.raises(NextTaken):
        await storage.quiz.record_next(USER, "next", NOW, lambda _: "b", after=card.shown_id)
    assert await shown_ids(db) == ["a"]
    assert await db.value("SELECT last_question_id FROM users") == "a"


@POSTGRES
async def test_every_writer_of_what_next_reads_increments_the_users_version(
    storage: Storage, db: Inspector
) -> None:
    await registered(storage)
    quiz = storage.quiz
    first = await quiz.record_shown(USER, "a", "quiz", NOW)
    second = await quiz.record_shown(USER, "a", "quiz", NOW)
    writes: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("record_shown", lambda: quiz.record_shown(USER, "b", "quiz", NOW)),
        ("record_next", lambda: quiz.record_next(USER, "quiz", NOW, first_fresh)),
        ("record_next after", lambda: quiz.record_next(USER, "next", NOW, first_fresh, 1)),
        ("release_next", lambda: quiz.release_next(USER, first.shown_id)),
        ("record_next, nothing", lambda: quiz.record_next(USER, "n", NOW, lambda _: None, 1)),
        ("rate, first", lambda: quiz.rate(USER, first.shown_id, 3, NOW, GOOD)),
        ("rate, next", lambda: quiz.rate(USER, second.shown_id, 3, NOW, GOOD)),
        ("undo_rating", lambda: quiz.undo_rating(USER, second.shown_id)),
        ("suspend", lambda: quiz.suspend(USER, "c", NOW)),
        ("restore some", lambda: quiz.restore(USER, ["c"])),
        ("suspend again", lambda: quiz.suspend(USER, "c", NOW)),
        ("restore all", lambda: quiz.restore(USER, None)),
        ("set_filter", lambda: quiz.set_filter(USER, ["nlp"], [])),
        ("set_new_limit", lambda: quiz.set_new_limit(USER, 5)),
        ("set_timezone", lambda: storage.subscriptions.set_timezone(USER, "UTC", None)),
        ("erase_progress", lambda: storage.stats.erase_progress(USER)),
    ]
    assert first.shown_id == 1
    not_incremented = []
    for name, write in writes:
        before = await version(db)
        await write()
        if await version(db) == before:
            not_incremented.append(name)

    assert not_incremented == []


@POSTGRES
async def test_the_read_sees_what_the_locked_path_sees(storage: Storage, db: Inspector) -> None:
    """Five lost races (each a write that changes nothing the snapshot holds), then the
    locked path: the six snapshots are one and the same, on a history with every kind of row
    the snapshot reads — the card «next» stands under counted as passed over in both."""
    await registered(storage)
    quiz = storage.quiz
    old = NOW - timedelta(days=3)
    rated_old = await quiz.record_shown(USER, "a", "quiz", old)
    await quiz.rate(USER, rated_old.shown_id, 3, old, GOOD)  # a card, its rating not recent
    rated = await quiz.record_shown(USER, "b", "quiz", NOW)
    await quiz.rate(USER, rated.shown_id, 3, NOW, GOOD)  # a card, a recent first rating
    skipped_old = await quiz.record_shown(USER, "c", "quiz", old)
    await quiz.record_next(USER, "next", old, lambda _: "d", after=skipped_old.shown_id)
    skipped = await quiz.record_shown(USER, "e", "quiz", NOW)
    await quiz.record_next(USER, "next", NOW, lambda _: "f", after=skipped.shown_id)
    passed_rated = await quiz.record_shown(USER, "g", "quiz", NOW)
    await quiz.rate(USER, passed_rated.shown_id, 1, NOW, GOOD)
    await quiz.record_next(USER, "next", NOW, lambda _: "h", after=passed_rated.shown_id)
    await quiz.suspend(USER, "x", NOW)
    await quiz.set_filter(USER, ["nlp", "stats"], ["junior"])
    await storage.subscriptions.set_timezone(USER, "Asia/Tokyo", None)
    under = await quiz.record_shown(USER, "i", "quiz", NOW)
    same = lambda s: s.quiz.set_new_limit(USER, 7)  # noqa: E731
    choose = Meanwhile(db, *[same] * 5)

    shown = await quiz.record_next(USER, "next", NOW, choose, after=under.shown_id)

    assert shown is not None and len(choose.seen) == 6
    first = choose.seen[1]  # after the first write of 7
    assert all(s == first for s in choose.seen[2:]), choose.seen
    assert first.topics == ("nlp", "stats") and first.levels == ("junior",)
    assert first.timezone == "Asia/Tokyo" and first.new_per_day == 7
    assert first.last_question_id == "i" and first.suspended == frozenset({"x"})
    assert sorted(c.question_id for c in first.cards) == ["a", "b", "g"]
    assert len(first.new_rated_at) == 2  # «b» and «g»: «a» is not recent
    assert sorted(first.skipped) == [("e", NOW), ("i", NOW)]
