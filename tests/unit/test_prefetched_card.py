"""A webhook update's claim reads the sender's profile and, for a press on a card, the card
itself, in one round trip (``claim_and_load_user``): that read must be the card exactly as
``open_shown`` gives it, on both engines, and a rating given it must still write only what is
true when it writes."""

import json
from datetime import UTC, datetime, timedelta

from bot.quiz.models import CardState, RatingKind, Review, ShownCard
from bot.quiz.ports import ClaimRequest, PrefetchedCard, ScheduleReview, UpdateClaim
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
    rated, reviewed, fresh = await shown_cards(storage, 3)
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
