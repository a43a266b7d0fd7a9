"""1,000 /start from one user in a burst do not keep another user's /quiz waiting."""

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram

FLOODER, OTHER = 651, 652
BURST = 20  # USER_BURST's default


async def test_one_users_flood_does_not_delay_another_users_quiz(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    for _ in range(1000):
        await telegram.send_text(FLOODER, "/start")
    await telegram.send_text(OTHER, "/quiz")

    await telegram.wait_for(lambda: telegram.bot_messages(OTHER), timeout=60, what="the card")
    await telegram.wait_for(lambda: telegram.pending_updates() == 0, timeout=60, what="reading")
    assert await bot_process.stop() == 0  # lets every update in flight finish

    sends = [c.params["chat_id"] for c in telegram.calls_of("sendMessage")]
    # The other user's card is among the first replies, not behind a thousand welcomes…
    assert sends.index(str(OTHER)) <= BURST + 5
    # …and the flooder got their burst (plus the little refilled meanwhile) and one notice.
    to_flooder = [m.text for m in telegram.bot_messages(FLOODER)]
    assert sum("Слишком часто" in t for t in to_flooder) == 1
    assert len(to_flooder) < BURST + 40
