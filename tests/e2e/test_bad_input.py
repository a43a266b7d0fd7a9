"""Bad input through the real bot and HTTP: the command's own explanation every time."""

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram

USER = 631


async def test_each_bad_input_gets_its_commands_explanation(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    inputs = {
        "/timezone " + "Z" * 5000: "Не знаю часового пояса",
        "/timezone Europe": "Не знаю часового пояса",
        "/timezone US": "Не знаю часового пояса",
        "/daily \ud800": "Не понял время",
    }
    for count, (text, expected) in enumerate(inputs.items(), start=1):
        await telegram.send_text(USER, text)
        await telegram.wait_for(lambda n=count: len(telegram.bot_messages(USER)) >= n, what=text)
        assert expected in telegram.last_bot_message(USER).text

    card = telegram.last_bot_message(USER)
    query = await telegram.press(USER, card, "rt:" + "9" * 23 + ":3")
    await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="callback answer")

    answer = telegram.calls_of("answerCallbackQuery")[-1].params
    assert "кнопка больше не работает" in answer["text"]
    assert all("Что-то пошло не так" not in m.text for m in telegram.bot_messages(USER))
    assert "Traceback" not in bot_process.log()
