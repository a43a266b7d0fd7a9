"""/start, /help, /topics, and what the bot says to anything else."""

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from tests.handlers.conftest import Harness

USER = 88


async def test_start_welcomes_with_bank_size_and_how_cards_work(harness: Harness) -> None:
    await harness.send(USER, "/start")
    text = harness.last_sent().text
    assert "Привет, Аня!" in text
    assert "3 вопроса" in text
    assert "/quiz" in text and "Показать ответ" in text


async def test_help_lists_every_command(harness: Harness) -> None:
    await harness.send(USER, "/help")
    text = harness.last_sent().text
    for command in ("/quiz", "/topics", "/stats", "/daily", "/timezone", "/help"):
        assert command in text


async def test_plain_text_gets_a_hint(harness: Harness) -> None:
    await harness.send(USER, "как дела?")
    assert "/quiz" in harness.last_sent().text


async def test_unknown_command_gets_a_hint(harness: Harness) -> None:
    await harness.send(USER, "/frobnicate")
    assert harness.last_sent().text == "Такой команды нет. Список команд — /help."


async def test_group_messages_are_ignored(harness: Harness) -> None:
    await harness.send(USER, "/quiz", chat_type="group")
    await harness.send(USER, "привет", chat_type="supergroup")
    assert harness.session.sent(SendMessage) == []


async def test_topic_toggles_persist_and_restrict_quiz(harness: Harness) -> None:
    await harness.send(USER, "/topics")
    screen = harness.last_sent()
    assert "из 3" in screen.text
    labels = [label for label, _ in harness.buttons(screen)]
    assert "▫️ NLP" in labels and "▫️ Junior (1)" in labels

    await harness.press(USER, "tt:nlp")

    edit = harness.session.sent(EditMessageText)[-1]
    assert "<b>1</b> из 3" in edit.text
    assert "✅ NLP" in [label for label, _ in harness.buttons(edit)]
    user = await harness.repo.get_user(USER, "Europe/Moscow")
    assert user is not None and user.topics == ("nlp",)
    for _ in range(3):
        await harness.send(USER, "/quiz")
        assert "Вопрос b?" in harness.last_sent().text


async def test_filter_without_questions_says_so(harness: Harness) -> None:
    await harness.send(USER, "/topics")
    await harness.press(USER, "tt:cv")
    await harness.press(USER, "tl:senior")

    await harness.send(USER, "/quiz")

    assert "нет ни одного вопроса" in harness.last_sent().text


async def test_reset_clears_the_filter(harness: Harness) -> None:
    await harness.send(USER, "/topics")
    await harness.press(USER, "tt:cv")
    await harness.press(USER, "tr")
    await harness.press(USER, "td")

    user = await harness.repo.get_user(USER, "Europe/Moscow")
    assert user is not None and user.topics == () and user.levels == ()
    assert (
        harness.session.sent(AnswerCallbackQuery)[-1].text == "Сохранено. Вопросов под фильтр: 3."
    )


async def test_admin_overview_only_for_admins(harness: Harness) -> None:
    from tests.handlers.conftest import ADMIN

    await harness.send(USER, "/quiz")
    await harness.send(USER, "/admin")
    assert harness.last_sent().text == "Такой команды нет. Список команд — /help."

    await harness.send(ADMIN, "/admin")

    text = harness.last_sent().text
    assert "Пользователей: 2" in text and "Оценок за сутки: 0" in text  # the admin is one
