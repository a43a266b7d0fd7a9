"""/find says how many questions match, also when it shows only the first of them, and
explains a query of words too short to search by."""

import pytest

from bot.quiz.bank import Bank
from tests.factories import bank, question
from tests.handlers.conftest import Harness

USER = 77


@pytest.fixture
def quiz_bank() -> Bank:
    return bank(*(question(f"q{n}", answer="Про градиентный спуск.") for n in range(11)))


async def test_more_matches_than_buttons_says_the_full_count_and_shows_the_first(
    harness: Harness,
) -> None:
    await harness.send(USER, "/find градиентный")

    reply = harness.last_sent()
    assert reply.text == (
        "Нашлось по запросу «градиентный»: 11. Вот первые 8 — уточните запрос, чтобы найти "
        "остальные. Нажмите, чтобы открыть карточку:"
    )
    assert len(harness.buttons(reply)) == 8


async def test_a_query_of_one_letter_words_is_explained_not_answered_with_nothing(
    harness: Harness,
) -> None:
    await harness.send(USER, "/find a b")

    assert harness.last_sent().text == (
        "«a b» — слишком короткие слова для поиска: нужно хотя бы одно слово из двух букв "
        "и длиннее, например /find градиентный спуск."
    )
