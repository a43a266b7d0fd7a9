"""The daily push says how many reviews wait today, with a button that starts the session."""

import asyncio
import random
from datetime import UTC, datetime, time, timedelta

from aiogram import Bot
from aiogram.methods import SendMessage

from bot.push.planner import PushPlanner
from bot.push.sender import PushSender
from bot.quiz.grades import Grade
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.session import SessionProgress, reviews_waiting
from bot.quiz.subscriptions import Subscriptions
from bot.storage.engine import QuizStore, Storage
from tests.factories import FakeClock, bank, question
from tests.handlers.recording_session import RecordingSession

GRACE = timedelta(hours=3)

Repository = QuizStore


async def _push_to(storage: Storage, clock: FakeClock, quiz: QuizService) -> SendMessage:
    store = storage.pushes
    profile = await storage.quiz.get_user(1, "Europe/Moscow")
    assert profile is not None
    await Subscriptions(store=storage.subscriptions, clock=clock).subscribe(profile, time(9, 0))
    clock.advance(hours=1, minutes=1)
    await PushPlanner(store, "Europe/Moscow", GRACE).tick(clock())
    session = RecordingSession()
    sender = PushSender(
        bot=Bot("42:TEST-token-for-push", session=session), store=store, quiz=quiz, rate=1000,
        grace=GRACE, clock=clock,
    )  # fmt: skip
    task = asyncio.create_task(sender.run())
    sender.wake()
    for _ in range(100):
        await asyncio.sleep(0.02)
        if session.sent(SendMessage):
            break
    await sender.stop()
    task.cancel()
    (sent,) = session.sent(SendMessage)
    return sent


def _quiz(repo: Repository, clock: FakeClock) -> QuizService:
    return QuizService(
        bank=bank(*(question(q) for q in "abcdef")), store=repo,
        srs=SpacedRepetition(fuzzing=False), clock=clock, rng=random.Random(2),
    )  # fmt: skip


async def test_push_announces_the_reviews_waiting_and_offers_to_start(
    storage: Storage, repo: Repository
) -> None:
    clock = FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    await repo.load_user(1, 1, "Аня", clock(), "Europe/Moscow")
    quiz = _quiz(repo, clock)
    for _ in range(4):
        card = await quiz.next_card(1)
        assert card is not None
        await quiz.rate(1, card.shown_id, Grade.GOOD)
    clock.advance(days=2)  # the four come due

    sent = await _push_to(storage, clock, quiz)

    # The count is said once, in the line about the reviews, not also in the card's header.
    assert sent.text.startswith("<b>🗓 Вопрос дня</b>\n<i>Повторение</i>\n")
    assert "осталось" not in sent.text
    assert sent.text.endswith("\n\nСегодня ждут повторения: 3.")
    markup = sent.reply_markup
    assert markup is not None and not isinstance(markup, dict)
    first_row = [(b.text, b.callback_data) for b in markup.inline_keyboard[0]]  # type: ignore[union-attr]
    assert first_row[1] == ("▶️ Начать повторение", "st")


async def test_push_without_reviews_waiting_has_no_such_line(
    storage: Storage, repo: Repository
) -> None:
    clock = FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    await repo.load_user(1, 1, "Аня", clock(), "Europe/Moscow")

    sent = await _push_to(storage, clock, _quiz(repo, clock))

    assert "ждут повторения" not in sent.text
    labels = [b.text for row in sent.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert "▶️ Начать повторение" not in labels


def test_reviews_waiting_counts_due_reviews_besides_the_card() -> None:
    assert reviews_waiting(None) == 0
    assert reviews_waiting(SessionProgress("review", 12, 3, 1, 10)) == 12


async def test_a_day_with_nothing_to_ask_gets_a_note_not_silence(
    storage: Storage, repo: Repository
) -> None:
    clock = FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    await repo.load_user(1, 1, "Аня", clock(), "Europe/Moscow")
    quiz = QuizService(
        bank=bank(question("a")), store=repo, srs=SpacedRepetition(fuzzing=False), clock=clock,
        rng=random.Random(2),
    )  # fmt: skip
    card = await quiz.next_card(1)
    assert card is not None
    await quiz.rate(1, card.shown_id, Grade.EASY)  # the only question, due in days: at the
    # push, an hour later, nothing is due and nothing new is left

    sent = await _push_to(storage, clock, quiz)

    assert sent.text == (
        "<b>🗓 Вопрос дня</b>\n"
        "Сегодня спросить нечего: всё, что пора было повторить, повторено, а новые вопросы "
        "в выбранных темах закончились.\n\n"
        "Что ещё можно сделать:\n"
        "• повторить заранее — кнопка ниже\n"
        "• выбрать другие темы — /topics"
    )
    labels = [b.text for row in sent.reply_markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert labels == ["⏩ Повторить заранее"]


async def test_a_filter_with_no_question_is_said_in_the_daily_message(
    storage: Storage, repo: Repository
) -> None:
    clock = FakeClock(datetime(2026, 3, 1, 5, 0, tzinfo=UTC))
    await repo.load_user(1, 1, "Аня", clock(), "Europe/Moscow")
    await repo.set_filter(1, ["cv"], [])  # no question of the bank is on computer vision

    sent = await _push_to(storage, clock, _quiz(repo, clock))

    assert sent.text == (
        "<b>🗓 Вопрос дня</b>\nПод выбранные темы и уровень нет ни одного вопроса, поэтому "
        "вопрос дня не пришёл. Измените выбор в /topics."
    )
