"""A reply whose connection broke after Telegram got it is not sent a second time."""

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, Fault

USER = 611


async def test_quiz_card_is_not_sent_twice_after_a_dropped_connection(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    telegram.faults.append(Fault("sendMessage", 200, drop=True, chat_id=USER))

    await telegram.send_text(USER, "/quiz")
    await telegram.wait_for(lambda: telegram.bot_messages(USER), what="the card")
    await telegram.send_text(USER, "/help")  # handled after /quiz: the bot is done with it
    await telegram.wait_for(lambda: len(telegram.bot_messages(USER)) >= 2, what="/help")

    texts = [m.text for m in telegram.bot_messages(USER)]
    assert sum("Подумайте над ответом" in t for t in texts) == 1, texts
    assert telegram.started["sendMessage"] == 2  # the card once, then /help
    assert await bot_process.stop() == 0


async def test_card_is_resent_after_a_5xx_which_proves_it_was_not_delivered(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    telegram.faults.append(Fault("sendMessage", 502, chat_id=USER))

    await telegram.send_text(USER, "/quiz")

    await telegram.wait_for(lambda: telegram.bot_messages(USER), what="the card")
    assert [c.status for c in telegram.calls_of("sendMessage", ok_only=False)] == [502, 200]
