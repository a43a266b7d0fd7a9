"""Long polling under load: many users at once all get their replies, and the bot collects
their updates in batches (a short gap after a getUpdates that found some) instead of asking
again the moment each update is handed out."""

import asyncio
import itertools

from bot.poll_batching import BATCH_GAP_SECONDS
from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram

USERS = range(601, 641)


async def _practise(telegram: FakeTelegram, user: int) -> None:
    await telegram.send_text(user, "/quiz")
    await telegram.wait_for(lambda: telegram.bot_messages(user), what=f"a card for {user}")
    card = telegram.bot_messages(user)[0]
    await telegram.press(user, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько хорошо" in card.text, what=f"reveal for {user}")


async def test_many_users_at_once_are_answered_from_batched_polls(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    await telegram.wait_for_call("setMyCommands")
    await asyncio.gather(*(_practise(telegram, user) for user in USERS))

    polls = [c for c in telegram.calls_of_all() if c.method == "getUpdates"]
    after_updates = [(prev, nxt) for prev, nxt in itertools.pairwise(polls) if prev.result]
    assert after_updates, "no getUpdates found any update"
    for prev, nxt in after_updates:
        # The bot saw the answer only after it was ready, and waits the gap from then on.
        assert nxt.at - prev.done_at >= BATCH_GAP_SECONDS, nxt.at - prev.done_at
    assert len(polls) < 2 * len(USERS), "one getUpdates per update: nothing was batched"
