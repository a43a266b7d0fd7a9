"""Restarts, kill -9, Telegram errors and bad input, through the real bot process."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT
from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, Fault, StoredMessage

USER = 601


async def _new_message(telegram: FakeTelegram, user: int, before: int) -> StoredMessage:
    await telegram.wait_for(
        lambda: len(telegram.bot_messages(user)) > before, what="a message from the bot"
    )
    return telegram.bot_messages(user)[before]


async def _quiz(telegram: FakeTelegram, user: int = USER) -> StoredMessage:
    before = len(telegram.bot_messages(user))
    await telegram.send_text(user, "/quiz")
    return await _new_message(telegram, user, before)


def _ratings(bot: BotProcess) -> list[tuple[int, int]]:
    with sqlite3.connect(bot.workdir / "bot.db") as db:
        return db.execute("SELECT user_id, rating FROM ratings").fetchall()


async def test_rating_confirmed_before_kill_9_survives_and_old_buttons_work_after_restart(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    card = await _quiz(telegram)
    await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal")

    await telegram.press(USER, card, card.button("Легко"))
    await telegram.wait_for(lambda: "Оценка: «" in card.text, what="the rating acknowledgement")
    await bot_process.kill()

    assert _ratings(bot_process) == [(USER, 4)]
    await bot_process.start()
    query = await telegram.press(USER, card, "rt:1:1")  # the old rating button, pressed again
    await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="callback answer")
    assert _ratings(bot_process) == [(USER, 4)]

    before = len(telegram.bot_messages(USER))
    await telegram.press(USER, card, card.button("Следующий"))
    nxt = await _new_message(telegram, USER, before)
    assert "Подумайте над ответом" in nxt.text
    assert await bot_process.stop() == 0


async def test_card_from_before_a_restart_can_be_revealed_and_rated(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    card = await _quiz(telegram)
    assert await bot_process.stop() == 0
    await bot_process.start()

    await telegram.press(USER, card, card.button("Показать ответ"))
    await telegram.wait_for(lambda: "Насколько" in card.text, what="reveal after restart")
    await telegram.press(USER, card, card.button("С трудом"))
    await telegram.wait_for(lambda: "Оценка: «" in card.text, what="rating after restart")
    assert _ratings(bot_process) == [(USER, 2)]


async def test_question_removed_from_the_bank_makes_its_card_stale(
    telegram: FakeTelegram, bot_process: BotProcess, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    bot_process.extra_env["CONTENT_DIR"] = str(content)
    await bot_process.start()
    card = await _quiz(telegram)
    assert await bot_process.stop() == 0
    for path in content.glob("*.yaml"):
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept = [e for e in entries if e["question"] not in card.text]
        path.write_text(yaml.safe_dump(kept, allow_unicode=True), encoding="utf-8")
    await bot_process.start()

    query = await telegram.press(USER, card, card.button("Показать ответ"))

    await telegram.wait_for(lambda: telegram.query_answers(query) == 1, what="callback answer")
    answer = telegram.calls_of("answerCallbackQuery")[-1].params
    assert "больше нет в банке" in answer["text"]
    assert "Насколько" not in card.text


async def test_telegram_429_and_5xx_are_retried(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    telegram.faults += [Fault("sendMessage", 429, retry_after=1), Fault("sendMessage", 502)]

    card = await _quiz(telegram)

    assert "Подумайте над ответом" in card.text
    statuses = [c.status for c in telegram.calls_of("sendMessage", ok_only=False)]
    assert statuses == [429, 502, 200]


async def test_nonsense_gets_russian_hints_and_changes_nothing(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    before = len(telegram.bot_messages(USER))
    await telegram.send_text(USER, "что ты умеешь?")
    hint = await _new_message(telegram, USER, before)
    assert "/quiz" in hint.text
    await telegram.send_sticker(USER)
    sticker_hint = await _new_message(telegram, USER, before + 1)
    assert "/quiz" in sticker_hint.text
    await telegram.send_text(USER, "/nonsense")
    unknown = await _new_message(telegram, USER, before + 2)
    assert "Такой команды нет" in unknown.text

    card = await _quiz(telegram)
    forged = await telegram.press(USER, card, "rt:999999:4")
    broken = await telegram.press(USER, card, "x" * 64)
    await telegram.wait_for(
        lambda: telegram.query_answers(forged) == 1 and telegram.query_answers(broken) == 1,
        what="answers to forged buttons",
    )
    assert _ratings(bot_process) == []


async def test_bot_added_to_a_group_says_once_it_works_in_private(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    await bot_process.start()
    await telegram.add_to_group(USER, -1001)
    await telegram.wait_for(lambda: telegram.calls_of("sendMessage"), what="group notice")
    await telegram.send_group_text(USER, -1001, "/quiz")
    await telegram.send_text(USER, "/help")
    await telegram.wait_for(lambda: len(telegram.calls_of("sendMessage")) == 2, what="help")

    to_group = [c for c in telegram.calls_of("sendMessage") if c.params["chat_id"] == "-1001"]
    assert len(to_group) == 1
    assert "личных сообщениях" in to_group[0].params["text"]


def _run_bot(env_overrides: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "CONTENT_"))}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_missing_token_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    result = _run_bot({}, tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN: не задан" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_token_is_a_clear_error(tmp_path: Path) -> None:
    result = _run_bot({"BOT_TOKEN": "not-a-token"}, tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "@BotFather" in result.stderr
    assert "not-a-token" not in result.stderr


def test_broken_bank_stops_start_up_with_the_validators_message(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "bank.yaml").write_text(
        "- id: x\n  question: Вопрос?\n  answer: ответ\n  topics: [astrology]\n  source: s\n",
        encoding="utf-8",
    )
    result = _run_bot(
        {"BOT_TOKEN": "123456789:TEST-token-for-the-fake-server-only", "CONTENT_DIR": str(content)},
        tmp_path,
    )
    assert result.returncode == 2
    assert "неизвестные темы" in result.stderr
    assert "Traceback" not in result.stderr


async def test_token_refused_by_telegram_is_a_clear_error(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    env = {
        "BOT_TOKEN": "999999:WRONG-token-the-server-does-not-know",
        "TELEGRAM_API_URL": f"http://127.0.0.1:{telegram.port}",
        "DB_PATH": str(tmp_path / "bot.db"),
        "CONTENT_DIR": str(ROOT / "content"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("BOT_")}, **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    await telegram.wait_for(lambda: process.poll() is not None, timeout=30, what="exit")
    assert process.returncode == 2
    assert process.stderr is not None
    err = process.stderr.read()
    process.stderr.close()
    assert "401" in err and "Traceback" not in err
