"""Small builders shared by unit and handler tests."""

from datetime import UTC, datetime, timedelta

from bot.quiz.bank import Bank
from bot.quiz.models import Question


def question(
    qid: str,
    *,
    topics: tuple[str, ...] = ("classic_ml",),
    levels: tuple[str, ...] = (),
    answer: str = "Ответ.",
) -> Question:
    return Question(
        id=qid,
        question=f"Вопрос {qid}?",
        answer=answer,
        topics=topics,
        levels=levels,
        tags=(),
        source="test",
    )


def bank(*questions: Question) -> Bank:
    return Bank(tuple(questions))


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # 08:00 in Moscow

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
