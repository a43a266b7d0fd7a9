"""Issue #12 in the bot: admins import questions from Telegram, users report wrong answers,
anyone can /find a question."""

from pathlib import Path

from aiogram.methods import AnswerCallbackQuery, GetFile, SendMessage

from tests.conftest import FIXTURES
from tests.handlers.conftest import ADMIN, Harness

USER = 55
DUMP = (FIXTURES / "sources" / "web_preview.txt").read_bytes()


def _document(file_id: str, name: str, size: int) -> dict[str, object]:
    return {"document": {"file_id": file_id, "file_unique_id": file_id, "file_name": name,
                         "file_size": size}}  # fmt: skip


async def _send_file(h: Harness, user_id: int, data: bytes, name: str = "dump.txt") -> None:
    h.session.files[f"f{user_id}"] = data
    await h.deliver(user_id, **_document(f"f{user_id}", name, len(data)))


def _button(h: Harness, label: str) -> str:
    return next(data for text, data in h.buttons(h.last_sent()) if label in text)


async def test_admin_file_is_previewed_then_added_for_everyone(harness: Harness) -> None:
    await _send_file(harness, ADMIN, DUMP)

    preview = harness.last_sent().text
    assert "новых вопросов — 3" in preview and "пропущено — 3" in preview
    assert "Что такое градиентный спуск?" in preview
    assert "нет ответа" in preview
    await harness.press(ADMIN, _button(harness, "Добавить"))
    assert harness.session.sent(AnswerCallbackQuery)[-1].text == (
        "Добавлено вопросов: 3. Они уже доступны всем пользователям."
    )

    await harness.send(USER, "/find градиентного")  # another case form of the word
    assert "Нашлось по запросу «градиентного»: 1" in harness.last_sent().text
    await harness.press(USER, harness.buttons(harness.last_sent())[0][1])
    assert "Что такое градиентный спуск?" in harness.last_sent().text


async def test_cancelled_import_adds_nothing_and_buttons_work_once(harness: Harness) -> None:
    await _send_file(harness, ADMIN, DUMP)
    add, cancel = _button(harness, "Добавить"), _button(harness, "Отмена")

    await harness.press(ADMIN, cancel)
    await harness.press(ADMIN, add)

    assert harness.session.sent(AnswerCallbackQuery)[-1].text == (
        "Этот импорт уже добавлен или отменён."
    )
    await harness.send(USER, "/find градиентный")
    assert "ничего не нашлось" in harness.last_sent().text


async def test_second_import_of_the_same_file_finds_everything_present(harness: Harness) -> None:
    await _send_file(harness, ADMIN, DUMP)
    await harness.press(ADMIN, _button(harness, "Добавить"))

    await _send_file(harness, ADMIN, DUMP)

    text = harness.last_sent().text
    assert "новых вопросов — 0, уже в банке — 3" in text and "Добавлять нечего." in text
    assert harness.last_sent().reply_markup is None


async def test_binary_file_gets_a_clear_refusal(harness: Harness) -> None:
    await _send_file(harness, ADMIN, b"\x89PNG\r\n\x1a\n\x00\x00", name="pic.png")

    assert harness.last_sent().text.startswith("Не получилось прочитать файл: pic.png")


async def test_forwarded_channel_post_is_previewed(harness: Harness) -> None:
    post = "Что такое кросс-энтропия?\n\nМера расхождения двух распределений.\n#ml"
    await harness.deliver(
        ADMIN,
        text=post,
        forward_origin={
            "type": "channel", "date": 1700000000, "message_id": 42,
            "chat": {"id": -1001, "type": "channel", "title": "DS", "username": "ds_channel"},
        },
    )  # fmt: skip

    assert "новых вопросов — 1" in harness.last_sent().text


async def test_files_from_non_admins_get_the_usual_hint(harness: Harness) -> None:
    await _send_file(harness, USER, DUMP)

    assert harness.last_sent().text == (
        "Я понимаю команды. Чтобы получить вопрос, нажмите /quiz, все команды — /help."
    )
    assert harness.session.sent(GetFile) == []  # not even downloaded


async def _report(h: Harness, text: str) -> None:
    await h.send(USER, "/quiz")
    (_, reveal), *_ = h.buttons(h.last_sent())
    await h.press(USER, reveal)
    await h.press(USER, reveal.replace("rv:", "ra:"))
    await h.send(USER, text)


async def test_report_reaches_admins_and_can_be_marked_fixed(
    harness: Harness, tmp_path: Path
) -> None:
    await _report(harness, "В ответе перепутаны precision и recall")

    sent = [m.text for m in harness.session.sent(SendMessage)]
    assert sent[-3].startswith("Что не так в ответе") and sent[-2].startswith("Спасибо!")
    notice = harness.session.sent(SendMessage)[-1]
    assert notice.chat_id == ADMIN and "перепутаны precision и recall" in notice.text
    await harness.send(ADMIN, "/admin")
    overview = harness.last_sent().text
    # The row names the question in words, so an admin knows which answer to open.
    assert "\n#1 · «Вопрос " in overview
    assert "</code>):\nВ ответе перепутаны precision и recall" in overview
    resolve = _button(harness, "Исправлено")
    await harness.press(ADMIN, resolve)
    await harness.press(ADMIN, resolve)

    answers = [a.text for a in harness.session.sent(AnswerCallbackQuery)[-2:]]
    assert answers == ["Отмечено как исправленное.", "Это сообщение уже закрыто."]
    assert await harness.db.value("SELECT COUNT(*) FROM reports WHERE resolved_at IS NULL") == 0


async def test_reports_are_limited_per_user_per_day(harness: Harness, tmp_path: Path) -> None:
    for n in range(6):
        await _report(harness, f"ошибка номер {n}")

    assert "это предел на сутки" in harness.last_sent().text
    assert await harness.db.value("SELECT COUNT(*) FROM reports") == 5


async def test_text_without_a_pressed_report_button_is_not_a_report(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.send(USER, "тут ошибка")

    assert harness.last_sent().text.startswith("Я понимаю команды")
    assert await harness.db.value("SELECT COUNT(*) FROM reports") == 0


async def test_find_without_words_explains_itself(harness: Harness) -> None:
    await harness.send(USER, "/find")

    assert harness.last_sent().text.startswith("Напишите, что искать")


async def test_a_channel_export_up_to_the_bot_api_limit_is_read_and_a_bigger_one_refused(
    harness: Harness,
) -> None:
    padded = DUMP + b" " * (12 * 1024 * 1024)  # a 12 MB export: read like any other
    await _send_file(harness, ADMIN, padded)
    assert "новых вопросов — 3" in harness.last_sent().text

    await harness.deliver(ADMIN, **_document("huge", "result.json", 21 * 1024 * 1024))
    assert harness.last_sent().text == "Файл слишком большой: до 20 МБ."
    assert [m for m in harness.session.sent(GetFile) if m.file_id == "huge"] == []
