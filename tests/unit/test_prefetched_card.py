"""A webhook update's claim reads the sender's profile and, for a press under a card, what
its handler reads first, in one round trip (``claim_and_load_user``): the card exactly as
``open_shown`` gives it (both engines), «next»'s snapshot exactly as ``record_next`` reads it
(PostgreSQL). A rating or «next» given that read must still write only what is true when it
writes."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.quiz.models import CardState, RatingKind, Review, ShownCard, StudySnapshot
from bot.quiz.ports import (
    ChooseQuestion,
    ClaimRequest,
    NextTaken,
    PrefetchedCard,
    ScheduleReview,
    UpdateClaim,
)
from bot.storage.engine import Storage
from tests.engines import Inspector

USER = 1
NOW = datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
ZONE = "Europe/Moscow"


def count(before: CardState | None) -> Review:
    """A schedule whose state counts the ratings under it: a stale base shows as too low."""
    n = 0 if before is None else int(json.loads(before.state)["n"])
    kind = RatingKind.NEW if before is None else RatingKind.REVIEW
    return Review(json.dumps({"n": n + 1}), NOW + timedelta(days=n + 1), kind)


def plain(shown: ShownCard | None) -> ScheduleReview | None:
    return None if shown is None else count


def claim(update_id: int) -> ClaimRequest:
    return ClaimRequest(update_id, NOW, NOW - timedelta(seconds=15))


async def shown_cards(storage: Storage, n: int) -> list[ShownCard]:
    await storage.quiz.load_user(USER, USER, "Аня", NOW, ZONE)
    return [await storage.quiz.record_shown(USER, "q", "quiz", NOW) for _ in range(n)]


async def test_the_card_read_with_the_claim_is_the_card_as_it_stands(storage: Storage) -> None:
    rated, reviewed = await shown_cards(storage, 2)
    fresh = await storage.quiz.record_shown(USER, "never-rated", "quiz", NOW)
    await storage.quiz.rate(USER, rated.shown_id, 3, NOW, plain)
    update_ids = iter(range(900, 1000))

    for shown in (rated, reviewed, fresh):
        claimed = await storage.quiz.claim_and_load_user(
            claim(next(update_ids)), USER, USER, "Аня", ZONE, card=shown.shown_id
        )
        assert claimed.outcome is UpdateClaim.NEW
        assert claimed.profile is not None and claimed.profile.user_id == USER
        opened = await storage.quiz.open_shown(shown.shown_id)
        assert claimed.card == PrefetchedCard(shown.shown_id, opened)
    # What the three stand for: rated already; its question has a card state; never rated.
    first = await storage.quiz.open_shown(rated.shown_id)
    second = await storage.quiz.open_shown(reviewed.shown_id)
    assert first is not None and first.rating is not None and first.rating.rating == 3
    assert second is not None and second.rating is None and second.state is not None
    assert second.last_rating == 3
    third = await storage.quiz.open_shown(fresh.shown_id)
    assert third is not None and third.rating is None and third.state is None


async def test_a_card_that_does_not_exist_is_read_as_none(storage: Storage) -> None:
    await shown_cards(storage, 1)

    claimed = await storage.quiz.claim_and_load_user(
        claim(901), USER, USER, "Аня", ZONE, card=10**12
    )

    assert claimed.profile is not None
    assert claimed.card == PrefetchedCard(10**12, None)


async def test_an_update_that_is_not_new_reads_no_profile_and_no_card(storage: Storage) -> None:
    (shown,) = await shown_cards(storage, 1)
    await storage.quiz.claim_and_load_user(claim(902), USER, USER, "Аня", ZONE, shown.shown_id)

    again = await storage.quiz.claim_and_load_user(
        claim(902), USER, USER, "Аня", ZONE, card=shown.shown_id
    )

    assert again.outcome is UpdateClaim.BUSY
    assert again.profile is None and again.card is None


async def test_a_rating_given_a_read_that_went_stale_writes_nothing_over_the_newer_rating(
    storage: Storage, db: Inspector
) -> None:
    # Another replica rated the card after it was read with the claim: the second tap must
    # report that rating, not write a second one.
    (shown,) = await shown_cards(storage, 1)
    claimed = await storage.quiz.claim_and_load_user(
        claim(903), USER, USER, "Аня", ZONE, card=shown.shown_id
    )
    assert claimed.card is not None
    await storage.quiz.rate(USER, shown.shown_id, 4, NOW, plain)

    outcome = await storage.quiz.rate(USER, shown.shown_id, 1, NOW, plain, claimed.card)

    assert outcome is not None
    saved, recorded = outcome
    assert (saved.rating, recorded) == (4, False)
    assert await db.rows("SELECT rating FROM ratings") == [(4,)]


async def test_a_rating_given_a_stale_card_state_applies_on_top_of_the_newer_one(
    storage: Storage, db: Inspector
) -> None:
    # Read with the claim: the question's card as it was; rated on another shown card since.
    earlier, later = await shown_cards(storage, 2)
    claimed = await storage.quiz.claim_and_load_user(
        claim(904), USER, USER, "Аня", ZONE, card=later.shown_id
    )
    assert claimed.card is not None
    await storage.quiz.rate(USER, earlier.shown_id, 3, NOW, plain)

    outcome = await storage.quiz.rate(USER, later.shown_id, 3, NOW, plain, claimed.card)

    assert outcome is not None and outcome[1]
    ((reviews, state),) = await db.rows("SELECT reviews, fsrs_state FROM cards")
    assert (reviews, json.loads(str(state))["n"]) == (2, 2)


async def test_a_read_of_another_card_is_not_taken_for_the_one_rated(
    storage: Storage, db: Inspector
) -> None:
    first, second = await shown_cards(storage, 2)
    await storage.quiz.rate(USER, first.shown_id, 2, NOW, plain)
    claimed = await storage.quiz.claim_and_load_user(
        claim(905), USER, USER, "Аня", ZONE, card=first.shown_id
    )
    assert claimed.card is not None

    outcome = await storage.quiz.rate(USER, second.shown_id, 3, NOW, plain, claimed.card)

    assert outcome is not None and outcome[1] and outcome[0].rating == 3
    assert await db.rows("SELECT shown_id, rating FROM ratings ORDER BY rating_id") == [
        (first.shown_id, 2),
        (second.shown_id, 3),
    ]


POSTGRES = pytest.mark.parametrize("engine", ["postgres"], indirect=True)


def capture(seen: list[StudySnapshot], pick: str | None = "z") -> ChooseQuestion:
    def choose(snapshot: StudySnapshot) -> str | None:
        seen.append(snapshot)
        return pick

    return choose


@POSTGRES
async def test_next_read_with_the_claim_is_the_snapshot_next_would_read(
    storage: Storage, db: Inspector
) -> None:
    quiz = storage.quiz
    old = NOW - timedelta(days=3)
    rated_old, skipped, under = await shown_cards(storage, 3)
    await quiz.rate(USER, rated_old.shown_id, 3, old, plain)
    await quiz.record_shown(USER, "b", "quiz", NOW)
    await quiz.record_next(USER, "next", NOW, lambda _: "c", after=skipped.shown_id)
    await quiz.suspend(USER, "x", NOW)
    await quiz.set_filter(USER, ["nlp"], ["junior"])
    await storage.subscriptions.set_timezone(USER, "Asia/Tokyo", None)
    version = await db.value(f"SELECT version FROM users WHERE user_id = {USER}")

    claimed = await quiz.claim_and_load_user(
        claim(906), USER, USER, "Аня", ZONE, next_after=under.shown_id
    )
    seen: list[StudySnapshot] = []
    await quiz.record_next(USER, "next", NOW, capture(seen), after=under.shown_id)

    assert claimed.next is not None and claimed.next.free
    assert claimed.next.version == version
    assert claimed.next.snapshot == seen[0]
    assert seen[0].topics == ("nlp",) and seen[0].timezone == "Asia/Tokyo"
    assert seen[0].suspended == frozenset({"x"}) and seen[0].last_question_id == "c"
    assert [c.question_id for c in seen[0].cards] == ["q"] and seen[0].skipped


@POSTGRES
async def test_next_given_a_read_that_went_stale_chooses_again_on_the_change(
    storage: Storage, db: Inspector
) -> None:
    (under,) = await shown_cards(storage, 1)
    claimed = await storage.quiz.claim_and_load_user(
        claim(907), USER, USER, "Аня", ZONE, next_after=under.shown_id
    )
    assert claimed.next is not None
    await storage.quiz.suspend(USER, "a", NOW)  # after the read, before «next» writes
    seen: list[StudySnapshot] = []

    def fresh(snapshot: StudySnapshot) -> str | None:
        seen.append(snapshot)
        return next(q for q in "ab" if q not in snapshot.suspended)

    shown = await storage.quiz.record_next(
        USER, "next", NOW, fresh, after=under.shown_id, prefetched=claimed.next
    )

    assert shown is not None and shown.question_id == "b"
    assert [s.suspended for s in seen] == [frozenset(), frozenset({"a"})]


@POSTGRES
async def test_next_read_as_taken_with_the_claim_records_nothing(
    storage: Storage, db: Inspector
) -> None:
    (under,) = await shown_cards(storage, 1)
    await storage.quiz.record_next(USER, "next", NOW, lambda _: "b", after=under.shown_id)
    claimed = await storage.quiz.claim_and_load_user(
        claim(908), USER, USER, "Аня", ZONE, next_after=under.shown_id
    )
    assert claimed.next is not None and not claimed.next.free

    with pytest.raises(NextTaken):
        await storage.quiz.record_next(
            USER, "next", NOW, lambda _: "c", after=under.shown_id, prefetched=claimed.next
        )
    assert await db.value("SELECT COUNT(*) FROM shown_cards") == 2


async def test_a_next_read_for_another_card_is_not_taken_for_this_one(
    storage: Storage, db: Inspector
) -> None:
    first, second = await shown_cards(storage, 2)
    await storage.quiz.record_next(USER, "next", NOW, lambda _: "b", after=first.shown_id)
    claimed = await storage.quiz.claim_and_load_user(
        claim(909), USER, USER, "Аня", ZONE, next_after=first.shown_id
    )

    shown = await storage.quiz.record_next(
        USER, "next", NOW, lambda _: "c", after=second.shown_id, prefetched=claimed.next
    )

    assert shown is not None and shown.question_id == "c"
