"""Issue #11 in the bot: honest scheduling, the card header and limit, intervals on the
buttons, undo, skip and suspend, answers typed before revealing, /topics, /start, texts."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from fsrs import Card

from bot.quiz.bank import Bank
from bot.quiz.grades import Grade
from bot.quiz.models import CardState
from bot.quiz.scheduling import SpacedRepetition
from bot.storage.timefmt import from_db, to_db
from tests.factories import bank, question
from tests.handlers.conftest import ADMIN, Harness

USER = 31


async def _db(h: Harness, sql: str, *args: int | str) -> list[tuple[object, ...]]:
    """Rows of ``sql`` (``?`` stands for the literal values given), on either engine;
    instants come back as the text SQLite stores."""
    parts = sql.split("?")
    assert len(parts) == len(args) + 1
    literal = "".join(p + (repr(a) if i < len(args) else "") for i, (p, a) in
                      enumerate(zip(parts, [*args, ""], strict=True)))  # fmt: skip
    return [
        tuple(to_db(v) if isinstance(v, datetime) else v for v in row)
        for row in await h.db.rows(literal)
    ]


def _shown(data: str) -> int:
    return int(data.split(":")[1])


async def _quiz(h: Harness) -> tuple[int, SendMessage]:
    """Send /quiz; the card's shown id and message."""
    await h.send(USER, "/quiz")
    sent = h.last_sent()
    (label, data), *_ = h.buttons(sent)
    assert label == "👀 Показать ответ", sent.text
    return _shown(data), sent


async def _study(h: Harness, shown: int, grade: Grade = Grade.GOOD) -> None:
    await h.press(USER, f"rv:{shown}")
    await h.press(USER, f"rt:{shown}:{int(grade)}")


def _edit(h: Harness) -> EditMessageText:
    return h.session.sent(EditMessageText)[-1]


def _answer(h: Harness) -> str | None:
    return h.session.sent(AnswerCallbackQuery)[-1].text


async def _finish_the_bank(h: Harness) -> None:
    for _ in range(3):
        shown, _ = await _quiz(h)
        await _study(h, shown)


# -- 1. honest scheduling ------------------------------------------------------------------


async def test_when_nothing_is_due_or_new_quiz_says_so_and_offers_early_review(
    harness: Harness,
) -> None:
    await _finish_the_bank(harness)

    await harness.send(USER, "/quiz")

    done = harness.last_sent()
    assert done.text == (
        "<b>На сегодня всё.</b>\n"
        "Всё, что пора было повторить, повторено, а новых вопросов в банке не осталось — "
        "вы видели все.\n"
        "Следующее повторение — 3 марта.\n"
        "\n"
        "Что ещё можно сделать:\n"
        "• повторить заранее — кнопка ниже; повторение раньше срока так и запишется, "
        "и следующий срок учтёт, что прошло меньше времени\n"
        "• выбрать другие темы — /topics\n"
        "• посмотреть прогресс — /stats"
    )
    assert harness.buttons(done) == [("⏩ Повторить заранее", "re")]


async def test_done_says_for_now_when_a_review_falls_due_later_today(harness: Harness) -> None:
    shown, _ = await _quiz(harness)
    await _study(harness, shown, Grade.FORGOT)  # back in 10 minutes
    for _ in range(2):
        shown, _ = await _quiz(harness)
        await _study(harness, shown)

    await harness.send(USER, "/quiz")

    text = harness.last_sent().text
    assert text.startswith("<b>Пока всё.</b>\n")
    assert "Следующее повторение — 1 марта, 08:10 (через 10 минут)." in text


async def test_done_with_a_filter_names_the_chosen_topics_and_offers_more_new_only_at_the_limit(
    harness: Harness,
) -> None:
    await harness.send(USER, "/topics")
    await harness.press(USER, "tt:nlp")
    await harness.press(USER, "td")  # sends the only nlp card
    shown = _shown(harness.buttons(harness.last_sent())[0][1])
    await _study(harness, shown)

    await harness.send(USER, "/quiz")

    text = harness.last_sent().text
    assert "а новых вопросов в выбранных темах не осталось." in text
    assert "/limit" not in text  # more new questions a day would not help: none are left


async def test_early_review_is_recorded_as_early_and_scheduled_by_fsrs_at_that_moment(
    harness: Harness, tmp_path: Path
) -> None:
    await _finish_the_bank(harness)
    harness.clock.advance(hours=20)
    await harness.send(USER, "/quiz")
    assert harness.last_sent().text.startswith("<b>На сегодня всё.</b>")

    await harness.press(USER, "re", message_id=77)
    card = harness.last_sent()
    # The offer's button goes once it has given its card: a second tap cannot add another.
    (dropped,) = harness.session.sent(EditMessageReplyMarkup)
    assert dropped.message_id == 77 and dropped.reply_markup is None
    # Ahead of time is outside today's session: no «left today» counts on it.
    assert card.text.startswith("<i>Повторение заранее</i>\n")
    shown = _shown(harness.buttons(card)[0][1])
    (_qid, state, due), *_ = await _db(
        harness,
        "SELECT c.question_id, c.fsrs_state, c.due FROM cards c JOIN shown_cards s"
        " ON s.question_id = c.question_id WHERE s.shown_id = ?",
        shown,
    )
    before = CardState(str(state), from_db(str(due)))
    await _study(harness, shown, Grade.GOOD)

    ((kind, new_due),) = await _db(
        harness, "SELECT kind, due FROM ratings WHERE shown_id = ?", shown
    )
    expected = SpacedRepetition(fuzzing=False).review(before, Grade.GOOD, harness.clock())
    assert kind == "early" and new_due == to_db(expected.due)
    assert Card.from_json(str(state)).due > harness.clock()  # it really was ahead of time
    assert "Оценка: «Знал», повторение раньше срока. Вопрос вернётся " in _edit(harness).text
    # «next» under an early review goes on reviewing ahead of time
    (next_label, next_data), *_ = harness.buttons(_edit(harness))
    assert (next_label, next_data) == ("➡️ Следующий вопрос", f"ne:{shown}")


# -- 2. /topics ----------------------------------------------------------------------------


async def test_topics_done_sends_the_first_card_of_the_new_selection(harness: Harness) -> None:
    await harness.send(USER, "/topics")
    await harness.press(USER, "tt:nlp")
    await harness.press(USER, "td")

    assert _answer(harness) == "Сохранено. Вопросов под фильтр: 1."
    card = harness.last_sent()
    assert "<b>Вопрос b?</b>" in card.text
    assert harness.buttons(card)[0][0] == "👀 Показать ответ"


async def test_level_buttons_show_counts_and_an_empty_selection_is_warned(
    harness: Harness,
) -> None:
    await harness.send(USER, "/topics")
    labels = [label for label, _ in harness.buttons(harness.last_sent())]
    assert {"▫️ Junior (1)", "▫️ Middle (0)", "▫️ Senior (0)"} <= set(labels)

    await harness.press(USER, "tl:senior")

    screen = _edit(harness)
    assert "Под фильтр подходит вопросов: <b>0</b> из 3." in screen.text
    assert screen.text.endswith(
        "⚠️ Под такой выбор не подходит ни один вопрос: снимите уровень или отметьте другие темы."
    )
    assert "✅ Senior (0)" in [label for label, _ in harness.buttons(screen)]
    sent_before = len(harness.session.sent(SendMessage))
    await harness.press(USER, "td")
    assert _answer(harness) == "Под этот выбор не подходит ни один вопрос. Измените его."
    assert len(harness.session.sent(SendMessage)) == sent_before


# -- 3. /start and a subscriber ------------------------------------------------------------


async def test_start_shows_a_subscriber_their_own_time_instead_of_the_offer(
    harness: Harness,
) -> None:
    await harness.send(USER, "/daily 08:15")
    await harness.send(USER, "/start")

    welcome = harness.last_sent()
    assert welcome.reply_markup is None
    assert welcome.text.endswith(
        "\n\n🗓 Вопрос дня приходит вам в 08:15 (Europe/Moscow). "
        "Изменить время — /daily 09:30, отписаться — /daily off."
    )


async def test_an_old_offer_button_does_not_move_a_subscribers_time(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.send(USER, "/start")
    (_, offer), *_ = harness.buttons(harness.last_sent())
    await harness.send(USER, "/daily 08:15")

    await harness.press(USER, offer)

    assert await _db(harness, "SELECT daily_time FROM users WHERE user_id = ?", USER) == [
        ("08:15",)
    ]
    assert _answer(harness) == "Вы уже подписаны: вопрос дня в 08:15"
    assert harness.last_sent().text == (
        "Вы уже подписаны: вопрос дня приходит каждый день в <b>08:15</b> (Europe/Moscow).\n"
        "Следующий — 1 марта, 08:15.\n\n"
        "Изменить время: /daily 09:30\n"
        "Отписаться: /daily off"
    )


# -- 4. texts ------------------------------------------------------------------------------


async def test_a_failure_rating_has_no_tick_and_no_emoji_inside_quotes(harness: Harness) -> None:
    shown, _ = await _quiz(harness)
    await _study(harness, shown, Grade.FORGOT)

    text = _edit(harness).text
    assert text.endswith("\n\nОценка: «Не знал». Вопрос вернётся через 10 минут (1 марта, 08:10).")
    assert "✅" not in text
    assert _answer(harness) == "Сохранено: «Не знал»"


async def test_the_daily_card_keeps_its_title_when_revealed_and_rated(harness: Harness) -> None:
    await harness.send(USER, "/help")  # registers the user
    daily = await harness.repo.record_shown(USER, "a", "daily", harness.clock())

    await harness.press(USER, f"rv:{daily.shown_id}")
    assert _edit(harness).text.startswith("<b>🗓 Вопрос дня</b>\n🧠 ")
    await harness.press(USER, f"rt:{daily.shown_id}:3")
    assert _edit(harness).text.startswith("<b>🗓 Вопрос дня</b>\n🧠 ")


async def _push_row(h: Harness, user: int, day: str, status: str, minutes_ago: int) -> None:
    at = to_db(h.clock() - timedelta(minutes=minutes_ago))
    at += "+00" if h.db.engine == "postgres" else ""
    await h.db.execute(
        "INSERT INTO pushes (user_id, local_date, slot_at, status, updated_at)"
        f" VALUES ({user}, '{day}', '{at}', '{status}', '{at}')"
    )


async def _beat(h: Harness, state: str, rate: float, minutes_ago: int) -> None:
    at = to_db(h.clock() - timedelta(minutes=minutes_ago))
    at += "+00" if h.db.engine == "postgres" else ""
    await h.db.execute(
        f"INSERT INTO push_sender (id, beat_at, state, rate) VALUES (1, '{at}', '{state}', {rate})"
    )


async def test_admin_shows_push_statuses_in_russian_and_whether_the_sender_runs(
    harness: Harness,
) -> None:
    for user in (ADMIN, USER, USER + 1, USER + 2):
        await harness.send(user, "/help")
    await _push_row(harness, ADMIN, "2026-03-01", "sent", 30)
    await _push_row(harness, USER, "2026-03-01", "expired", 300)
    await _push_row(harness, USER + 1, "2026-03-01", "queued", 10)
    await _push_row(harness, USER + 2, "2026-03-01", "sent", 30)

    await harness.send(ADMIN, "/admin")
    text = harness.last_sent().text
    assert "Вопрос дня за сутки — доставлено: 2, в очереди: 1, не успели отправить: 1\n" in text
    assert (
        "Рассылка ещё не запускалась. Ждут отправки: 1, самое раннее время — 10 минут назад."
        in text
    )

    await _beat(harness, "running", 4.5, 0)
    await harness.send(ADMIN, "/admin")
    assert "Рассылка работает, темп 4,5 сообщ./с. Ждут отправки: 1" in harness.last_sent().text

    harness.clock.advance(minutes=10)
    await harness.send(ADMIN, "/admin")
    assert "⚠️ Рассылка не отвечает: последний сигнал 10 минут назад." in harness.last_sent().text


@pytest.mark.parametrize("command", ["/QUIZ", "/Quiz", "/quiz"])
async def test_commands_work_in_any_case(harness: Harness, command: str) -> None:
    await harness.send(USER, command)
    assert harness.buttons(harness.last_sent())[0][0] == "👀 Показать ответ"


async def test_daily_0930_is_read_as_half_past_nine(harness: Harness) -> None:
    await harness.send(USER, "/daily 0930")
    assert harness.last_sent().text.startswith(
        "Готово: вопрос дня будет приходить каждый день в <b>09:30</b> (Europe/Moscow)."
    )


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("МСК", "Europe/Moscow"),
        ("санкт-петербург", "Europe/Moscow"),
        ("Київ", "Europe/Kyiv"),
        ("г. Новосибирск", "Asia/Novosibirsk"),
    ],
)
async def test_timezone_accepts_russian_city_names_and_abbreviations(
    harness: Harness, name: str, zone: str
) -> None:
    await harness.send(USER, f"/timezone {name}")
    assert harness.last_sent().text.startswith(f"Часовой пояс: <b>{zone}</b>")


async def test_an_unknown_timezone_is_explained_in_plain_words(harness: Harness) -> None:
    await harness.send(USER, "/timezone Хогвартс")
    assert harness.last_sent().text == (
        "Не знаю часового пояса «Хогвартс». Напишите свой город (/timezone Екатеринбург) "
        "или сдвиг от всемирного времени UTC в часах (/timezone +5; у Москвы это +3). "
        "Можно и относительно Москвы (/timezone МСК+2) или полным названием пояса, "
        "например /timezone Asia/Yekaterinburg."
    )


# -- 5. Anki's basics ----------------------------------------------------------------------


async def test_the_card_header_says_new_or_review_and_what_is_left_today(
    harness: Harness,
) -> None:
    _, first = await _quiz(harness)
    assert first.text.startswith("<i>Новый вопрос · осталось 2 · новых сегодня 1 из 10</i>\n🧠 ")
    shown, _ = await _quiz(harness)  # /quiz again: the first card was passed over
    await _study(harness, shown, Grade.FORGOT)
    harness.clock.advance(minutes=11)

    _, review = await _quiz(harness)

    assert review.text.startswith("<i>Повторение · осталось 2 · новых сегодня 1 из 10</i>\n")


async def test_the_daily_limit_of_new_questions_is_the_users_choice(
    harness: Harness, tmp_path: Path
) -> None:
    await harness.send(USER, "/limit")
    assert harness.last_sent().text == (
        "Новых вопросов в день: <b>10</b>. Повторения не ограничены и всегда идут первыми.\n\n"
        "Изменить: /limit 15 (от 0 до 100)"
    )
    await harness.send(USER, "/limit 1")
    assert harness.last_sent().text == "Готово. Новых вопросов в день: <b>1</b>."
    await harness.send(USER, "/limit сто")
    assert harness.last_sent().text == (
        "Не понял «сто». Укажите число от 0 до 100, например: /limit 15"
    )

    shown, card = await _quiz(harness)
    assert "новых сегодня 1 из 1" in card.text
    await _study(harness, shown)
    await harness.send(USER, "/quiz")

    assert harness.last_sent().text.startswith(
        "<b>На сегодня всё.</b>\nВсё, что пора было повторить, повторено, и новых вопросов "
        "сегодня уже 1 из 1 — это ваш дневной лимит.\n"
    )
    assert "• брать больше новых вопросов в день — /limit 15" in harness.last_sent().text
    assert await _db(harness, "SELECT new_per_day FROM users WHERE user_id = ?", USER) == [(1,)]


async def test_each_rating_button_shows_the_interval_it_leads_to(harness: Harness) -> None:
    shown, _ = await _quiz(harness)
    await harness.press(USER, f"rv:{shown}")
    labels = [label for label, _ in harness.buttons(_edit(harness))][:4]
    assert labels == ["😶 Не знал · 10 мин", "😬 С трудом · 15 мин", "🙂 Знал · 2 дн.",
                      "😎 Легко · 8 дн."]  # fmt: skip

    await harness.press(USER, f"rt:{shown}:4")

    # Scheduled by days: the day it falls due, not a time of day that means nothing.
    assert "Вопрос вернётся 9 марта (через 8 дней)." in _edit(harness).text


async def test_undo_returns_the_card_exactly_and_the_rating_can_be_changed(
    harness: Harness, tmp_path: Path
) -> None:
    await _finish_the_bank(harness)
    harness.clock.advance(days=2)
    shown, card = await _quiz(harness)
    assert card.text.startswith("<i>Повторение")
    cards_before = await _db(harness, "SELECT * FROM cards ORDER BY question_id")
    await _study(harness, shown, Grade.FORGOT)
    assert await _db(harness, "SELECT * FROM cards ORDER BY question_id") != cards_before

    await harness.press(USER, f"un:{shown}")

    assert _answer(harness) == "Оценка отменена — оцените заново."
    assert await _db(harness, "SELECT * FROM cards ORDER BY question_id") == cards_before
    assert await _db(harness, "SELECT COUNT(*) FROM ratings WHERE shown_id = ?", shown) == [(0,)]
    assert _edit(harness).text.endswith("<i>Насколько хорошо вы знали ответ?</i>")
    await harness.press(USER, f"rt:{shown}:3")
    assert await _db(harness, "SELECT rating FROM ratings WHERE shown_id = ?", shown) == [(3,)]


async def test_a_first_rating_taken_back_leaves_the_question_new(
    harness: Harness, tmp_path: Path
) -> None:
    shown, _ = await _quiz(harness)
    await _study(harness, shown)
    await harness.press(USER, f"un:{shown}")
    assert await _db(harness, "SELECT COUNT(*) FROM cards") == [(0,)]


async def test_a_rating_cannot_be_taken_back_once_the_next_card_is_rated(
    harness: Harness, tmp_path: Path
) -> None:
    first, _ = await _quiz(harness)
    await _study(harness, first)
    second, _ = await _quiz(harness)
    await harness.press(USER, f"un:{first}")  # the next card is open, not rated: allowed
    assert _answer(harness) == "Оценка отменена — оцените заново."
    await harness.press(USER, f"rt:{first}:3")
    await _study(harness, second)

    await harness.press(USER, f"un:{first}")

    assert _answer(harness) == "Эту оценку уже не изменить: после неё вы оценили другой вопрос."
    assert await _db(harness, "SELECT COUNT(*) FROM ratings") == [(2,)]


async def test_skip_sends_the_next_card_and_the_skipped_one_comes_back_later(
    harness: Harness, tmp_path: Path
) -> None:
    skipped, card = await _quiz(harness)

    await harness.press(USER, f"sk:{skipped}")

    assert _answer(harness) == "Пропущено: вопрос вернётся позже."
    following = _shown(harness.buttons(harness.last_sent())[0][1])
    assert following != skipped
    assert await _db(harness, "SELECT COUNT(*) FROM ratings") == [(0,)]
    await _study(harness, following)
    third, _ = await _quiz(harness)
    await _study(harness, third)
    _, again = await _quiz(harness)  # only the skipped question is left
    assert again.text.split("🧠")[1] == card.text.split("🧠")[1]


async def test_suspended_question_is_not_shown_until_brought_back(
    harness: Harness, tmp_path: Path
) -> None:
    shown, card = await _quiz(harness)
    await harness.press(USER, f"ss:{shown}")
    assert _answer(harness) == "Больше не покажу"
    assert _edit(harness).text.endswith(
        "\n\nЭтот вопрос больше не будет попадаться. Вернуть его — /suspended."
    )
    for _ in range(2):
        other, sent = await _quiz(harness)
        assert sent.text.split("🧠")[1] != card.text.split("🧠")[1]
        await _study(harness, other)
    await harness.send(USER, "/quiz")
    assert harness.last_sent().text.startswith("<b>На сегодня всё.</b>")

    await harness.send(USER, "/suspended")
    listing = harness.last_sent()
    assert listing.text == (
        "<b>Скрытые вопросы</b> — они не попадаются в /quiz. Нажмите, чтобы вернуть:"
    )
    (_label, data), *_ = harness.buttons(listing)
    await harness.press(USER, data)

    assert _answer(harness) == "Вопрос снова в повторении."
    _, back = await _quiz(harness)
    assert back.text.split("🧠")[1] == card.text.split("🧠")[1]
    await harness.send(USER, "/suspended")
    assert harness.last_sent().text == (
        "Скрытых вопросов нет. Скрыть вопрос можно кнопкой «Больше не показывать» под карточкой."
    )


# -- 6. answering before revealing ---------------------------------------------------------


async def test_text_typed_while_a_card_is_open_is_its_answer(
    harness: Harness, tmp_path: Path
) -> None:
    shown, _ = await _quiz(harness)

    await harness.send(USER, "Это про <веса> & смещение")
    assert harness.last_sent().text == (
        "Записал как ваш ответ на вопрос «Вопрос a?». Он появится на карточке рядом "
        "с правильным ответом."
    )
    await harness.send(USER, "и ещё регуляризация")
    await harness.press(USER, f"rv:{shown}")

    revealed = _edit(harness).text
    assert (
        "<b>Ваш ответ:</b>\n<i>Это про &lt;веса&gt; &amp; смещение\nи ещё регуляризация</i>\n\n"
        "<b>Правильный ответ:</b>\n"
    ) in revealed
    await harness.press(USER, f"rt:{shown}:2")
    assert await _db(harness, "SELECT answer FROM ratings WHERE shown_id = ?", shown) == [
        ("Это про <веса> & смещение\nи ещё регуляризация",)
    ]
    await harness.send(USER, "а это уже просто текст")
    assert harness.last_sent().text.startswith("Я понимаю команды")


async def test_text_typed_after_the_reveal_appears_on_the_rated_card(harness: Harness) -> None:
    shown, _ = await _quiz(harness)
    await harness.press(USER, f"rv:{shown}")

    await harness.send(USER, "я бы сказал про смещение")
    assert harness.last_sent().text.startswith("Записал как ваш ответ на вопрос «Вопрос a?»")
    await harness.press(USER, f"rt:{shown}:3")

    assert "<b>Ваш ответ:</b>\n<i>я бы сказал про смещение</i>" in _edit(harness).text


async def test_text_after_suspending_the_open_card_is_not_taken_as_its_answer(
    harness: Harness,
) -> None:
    shown, _ = await _quiz(harness)
    await harness.press(USER, f"ss:{shown}")

    await harness.send(USER, "мой ответ")

    assert harness.last_sent().text.startswith("Я понимаю команды")
    assert await _db(harness, "SELECT answer FROM shown_cards WHERE shown_id = ?", shown) == [
        (None,)
    ]


def test_a_long_question_is_named_shortened_at_a_word() -> None:
    from bot.ui.render import quoted

    named = quoted("Чем отличается " + "очень " * 20 + "длинный вопрос?")
    assert named.endswith("очень…") and len(named) <= 61


async def test_free_text_with_no_card_open_gets_the_short_hint(harness: Harness) -> None:
    await harness.send(USER, "привет")
    assert harness.last_sent().text == (
        "Я понимаю команды. Чтобы получить вопрос, нажмите /quiz, все команды — /help."
    )


async def test_a_report_draft_takes_the_next_text_before_the_open_card(
    harness: Harness, tmp_path: Path
) -> None:
    first, _ = await _quiz(harness)
    await _study(harness, first)
    second, _ = await _quiz(harness)
    await harness.press(USER, f"ra:{first}")

    await harness.send(USER, "В ответе опечатка")

    to_user = [m.text for m in harness.session.sent(SendMessage) if m.chat_id == USER]
    assert to_user[-1] == "Спасибо! Передал администраторам, они проверят ответ."
    assert await _db(harness, "SELECT answer FROM shown_cards WHERE shown_id = ?", second) == [
        (None,)
    ]


# -- 8. /stats -----------------------------------------------------------------------------


async def test_stats_shows_retention_a_forecast_and_a_button_to_review(
    harness: Harness,
) -> None:
    await _finish_the_bank(harness)
    harness.clock.advance(days=2)
    shown, _ = await _quiz(harness)
    await _study(harness, shown, Grade.GOOD)
    shown, _ = await _quiz(harness)
    await _study(harness, shown, Grade.FORGOT)

    await harness.send(USER, "/stats")

    sent = harness.last_sent()
    assert "\nВспомнили при повторении в срок: <b>50%</b> (1 из 2 за 30 дней)\n" in sent.text
    assert "\nПовторения на 14 дней вперёд: сегодня — 2, " in sent.text
    assert harness.buttons(sent)[0] == ("▶️ Повторить сейчас (1)", "st")
    await harness.press(USER, "st")
    assert harness.last_sent().text.startswith("<i>Повторение · последний на сегодня · ")


async def test_retention_leaves_out_learning_steps_after_a_miss(harness: Harness) -> None:
    await _finish_the_bank(harness)
    harness.clock.advance(days=2)
    for grade in (Grade.FORGOT, Grade.GOOD, Grade.GOOD):  # three due reviews, one missed
        shown, _ = await _quiz(harness)
        await _study(harness, shown, grade)
    harness.clock.advance(minutes=11)
    again, _ = await _quiz(harness)  # the missed one, back after its 10-minute step
    await _study(harness, again, Grade.GOOD)  # a learning step: not a test of memory

    await harness.send(USER, "/stats")

    assert "\nВспомнили при повторении в срок: <b>67%</b> (2 из 3 за 30 дней)\n" in (
        harness.last_sent().text
    )


@pytest.fixture
def quiz_bank() -> Bank:
    return bank(
        question("a", answer="Ответ с <тегом> & амперсандом."),
        question("b", topics=("nlp",), levels=("junior",)),
        question("c", topics=("cv",)),
    )


def test_a_rating_interval_is_never_shorter_than_the_learning_step() -> None:
    srs = SpacedRepetition(fuzzing=False)
    assert srs.preview(None, from_db("2026-03-01 05:00:00"))[Grade.FORGOT] == timedelta(minutes=10)
